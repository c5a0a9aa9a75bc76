import type { Clock } from './key-set';

/** Where an issuer's JWKS and introspection endpoint are. */
export interface IssuerEndpoints {
  jwksUri: string;
  introspectionEndpoint: string;
}

/**
 * Finds the endpoints from the issuer's RFC 8414 metadata (`/.well-known/oauth-authorization-server`),
 * once. Metadata that is absent, unreadable or names another issuer (RFC 8414 §3.3 forbids using it)
 * gives way to Linkwright's fixed paths under the issuer. A network failure is thrown, and asked again
 * at the next use after `retryMs`.
 */
export class IssuerDiscovery {
  private found: IssuerEndpoints | undefined;
  private pending: Promise<IssuerEndpoints> | undefined;
  private failedAt = Number.NEGATIVE_INFINITY;
  private lastError: Error | undefined;

  constructor(
    private readonly issuer: string,
    private readonly given: Partial<IssuerEndpoints>,
    private readonly options: { clock: Clock; timeoutMs: number; retryMs: number },
  ) {
    if (given.jwksUri !== undefined && given.introspectionEndpoint !== undefined) this.found = given as IssuerEndpoints;
  }

  /** The endpoints (configured ones win over discovered ones). */
  async endpoints(): Promise<IssuerEndpoints> {
    if (this.found) return this.found;
    if (!this.pending && this.lastError && this.options.clock.now() - this.failedAt < this.options.retryMs) throw this.lastError;
    this.pending ??= this.discover().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async discover(): Promise<IssuerEndpoints> {
    const base = this.issuer.replace(/\/+$/, '');
    const fallback: IssuerEndpoints = { jwksUri: `${base}/oauth/jwks`, introspectionEndpoint: `${base}/oauth/introspect`, ...this.given };
    let metadata: { issuer?: unknown; jwks_uri?: unknown; introspection_endpoint?: unknown } | undefined;
    try {
      const response = await fetch(`${base}/.well-known/oauth-authorization-server`, { headers: { accept: 'application/json' }, redirect: 'error', signal: AbortSignal.timeout(this.options.timeoutMs) });
      if (response.status === 200) metadata = (await response.json().catch(() => undefined)) as typeof metadata;
      else if (response.status >= 500) throw new Error(`metadata answered ${response.status}`);
    } catch (error) {
      this.failedAt = this.options.clock.now();
      this.lastError = error instanceof Error ? error : new Error(String(error));
      throw this.lastError;
    }
    const usable = metadata !== undefined && metadata !== null && metadata.issuer === this.issuer;
    this.found = {
      jwksUri: this.given.jwksUri ?? (usable && typeof metadata?.jwks_uri === 'string' ? metadata.jwks_uri : fallback.jwksUri),
      introspectionEndpoint:
        this.given.introspectionEndpoint ?? (usable && typeof metadata?.introspection_endpoint === 'string' ? metadata.introspection_endpoint : fallback.introspectionEndpoint),
    };
    return this.found;
  }
}
