import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import axios from 'axios';
import type { Clock } from '../../shared/clock';
import { ProviderUnavailableError } from './token-resolver';

/** A verification key from a provider's JWKS, with the algorithms it may be used with. */
export interface VerificationKey {
  kid: string | undefined;
  key: KeyObject;
  algorithms: string[];
}

/** Options of {@link JwksKeySet}. */
export interface JwksOptions {
  url: string;
  timeoutMs: number;
  clock: Clock;
  /** Algorithms the service accepts at all; a key's own `alg` narrows this. */
  allowedAlgorithms: readonly string[];
  /** Shortest gap between two downloads triggered by an unknown kid (a forged kid cannot make us hammer the provider). */
  minRefreshMs: number;
  /** Keys older than this are downloaded again before use, so a key the provider removed stops working. */
  maxAgeMs: number;
  onEvent?: (event: string, detail: Record<string, unknown>) => void;
}

const ALGORITHMS_BY_KEY: Record<string, string[]> = {
  RSA: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'],
  'EC:P-256': ['ES256'],
  'EC:P-384': ['ES384'],
  'EC:P-521': ['ES512'],
};

/**
 * A provider's JSON Web Key Set, downloaded on first use and cached; fetched again when it is older than
 * `maxAgeMs`, or when a token names an unknown kid (at most once per `minRefreshMs`). When a refresh
 * fails, the keys already held keep working; with none held, the provider counts as unavailable.
 */
export class JwksKeySet {
  private keys: VerificationKey[] = [];
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private attemptedAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | undefined;

  constructor(private readonly options: JwksOptions) {}

  /** The key a token header names, or undefined when the set (even freshly fetched) has no such key. */
  async keyFor(kid: string | undefined): Promise<VerificationKey | undefined> {
    if (this.keys.length === 0) {
      if (!this.inFlight && !this.mayDownload()) throw new ProviderUnavailableError('JWKS not available yet (last download failed)');
      await this.refresh(true);
    } else if (this.options.clock.now() - this.fetchedAt > this.options.maxAgeMs && this.mayDownload()) {
      await this.refresh(false);
    }
    let found = this.find(kid);
    if (!found && this.mayDownload()) {
      await this.refresh(false);
      found = this.find(kid);
    }
    return found;
  }

  private mayDownload(): boolean {
    return this.options.clock.now() - this.attemptedAt >= this.options.minRefreshMs;
  }

  private find(kid: string | undefined): VerificationKey | undefined {
    if (kid === undefined) return this.keys.length === 1 ? this.keys[0] : undefined;
    return this.keys.find((key) => key.kid === kid);
  }

  private async refresh(required: boolean): Promise<void> {
    this.inFlight ??= this.download().finally(() => {
      this.inFlight = undefined;
    });
    try {
      await this.inFlight;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.options.onEvent?.('oidc.jwks_refresh_failed', { reason, keysHeld: this.keys.length });
      if (required || this.keys.length === 0) throw new ProviderUnavailableError(`JWKS download failed: ${reason}`);
    }
  }

  private async download(): Promise<void> {
    this.attemptedAt = this.options.clock.now();
    let body: unknown;
    try {
      const response = await axios.get<unknown>(this.options.url, {
        timeout: this.options.timeoutMs,
        maxRedirects: 0,
        maxContentLength: 256 * 1024,
        headers: { Accept: 'application/json' },
        validateStatus: (status) => status === 200,
      });
      body = response.data;
    } catch (error) {
      throw new Error(axios.isAxiosError(error) ? `${error.response?.status ?? error.code ?? error.message}` : (error as Error).message);
    }
    const jwks = (typeof body === 'object' && body !== null ? (body as { keys?: unknown }).keys : undefined);
    if (!Array.isArray(jwks)) throw new Error('JWKS document has no keys array');
    this.keys = jwks.flatMap((jwk) => this.toKey(jwk));
    this.fetchedAt = this.options.clock.now();
    this.options.onEvent?.('oidc.jwks_refreshed', { keys: this.keys.length });
  }

  private toKey(jwk: unknown): VerificationKey[] {
    if (typeof jwk !== 'object' || jwk === null) return [];
    const { kid, use, alg, kty, crv } = jwk as { kid?: unknown; use?: unknown; alg?: unknown; kty?: unknown; crv?: unknown };
    if (use !== undefined && use !== 'sig') return [];
    const family = kty === 'EC' ? `EC:${String(crv)}` : String(kty);
    const forKey = ALGORITHMS_BY_KEY[family];
    if (!forKey) return [];
    // Only algorithms that fit the key type, that we accept, and that the key itself declares (if it does).
    const algorithms = forKey.filter((candidate) => this.options.allowedAlgorithms.includes(candidate) && (alg === undefined || alg === candidate));
    if (algorithms.length === 0) return [];
    try {
      const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
      return [{ kid: typeof kid === 'string' ? kid : undefined, key, algorithms }];
    } catch {
      return [];
    }
  }
}
