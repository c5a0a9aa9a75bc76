import { createLocalJWKSet, errors, type JSONWebKeySet, type JWSHeaderParameters, type FlattenedJWSInput } from 'jose';

/** A time source in milliseconds since the epoch (tests pass a manual one). */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The key set could not be downloaded (and no usable copy is held): the verdict is `unavailable`. */
export class KeySetUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`signing keys unavailable: ${reason}`);
    this.name = 'KeySetUnavailableError';
  }
}

/** How a {@link RemoteKeySet} finds its keys and paces its downloads. */
export interface RemoteKeySetOptions {
  /** Where the JWKS is; asked once per download, so it may discover the URL lazily. */
  url: () => Promise<string>;
  clock: Clock;
  timeoutMs: number;
  /** Shortest gap between downloads caused by an unknown `kid` (a forged kid cannot make us hammer the issuer). */
  cooldownMs: number;
  /** Keys older than this are downloaded again before use, so a key the issuer removed stops verifying. */
  maxAgeMs: number;
  /** Shortest gap between attempts after a failed download. */
  retryMs: number;
  onEvent?: (event: string, detail: Record<string, unknown>) => void;
}

type KeyLookup = ReturnType<typeof createLocalJWKSet>;

/**
 * The issuer's JSON Web Key Set, downloaded on first use and kept; refreshed when older than
 * `maxAgeMs`, or for an unknown `kid` at most once per `cooldownMs`. A failed refresh keeps the keys
 * already held. Key selection and import are jose's (createLocalJWKSet); this class owns only when to
 * download, on the caller's clock.
 */
export class RemoteKeySet {
  private lookup: KeyLookup | undefined;
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private attemptedAt = Number.NEGATIVE_INFINITY;
  private lastFailed = false;
  private inFlight: Promise<void> | undefined;
  /** How many downloads were started (for tests and metrics). */
  downloads = 0;

  constructor(private readonly options: RemoteKeySetOptions) {}

  /** The key resolver jose's jwtVerify calls with the token's protected header. */
  readonly resolve = async (header: JWSHeaderParameters, token: FlattenedJWSInput): ReturnType<KeyLookup> => {
    const now = this.options.clock.now();
    if (!this.lookup) {
      if (!this.inFlight && this.lastFailed && now - this.attemptedAt < this.options.retryMs) throw new KeySetUnavailableError('the last download failed');
      await this.refresh();
    } else if (now - this.fetchedAt > this.options.maxAgeMs && this.mayDownload(now)) {
      await this.refresh().catch(() => undefined); // the keys held keep working
    }
    const lookup = this.lookup as KeyLookup;
    try {
      return await lookup(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || !this.mayDownload(this.options.clock.now())) throw error;
      await this.refresh();
      return (this.lookup as KeyLookup)(header, token);
    }
  };

  private mayDownload(now: number): boolean {
    if (this.inFlight) return true;
    return now - this.attemptedAt >= (this.lastFailed ? this.options.retryMs : this.options.cooldownMs);
  }

  private async refresh(): Promise<void> {
    this.inFlight ??= this.download().finally(() => {
      this.inFlight = undefined;
    });
    await this.inFlight;
  }

  private async download(): Promise<void> {
    this.attemptedAt = this.options.clock.now();
    this.downloads += 1;
    try {
      const url = await this.options.url();
      const response = await fetch(url, { headers: { accept: 'application/jwk-set+json, application/json' }, redirect: 'error', signal: AbortSignal.timeout(this.options.timeoutMs) });
      if (response.status !== 200) throw new Error(`JWKS answered ${response.status}`);
      const body = (await response.json()) as unknown;
      if (typeof body !== 'object' || body === null || !Array.isArray((body as { keys?: unknown }).keys)) throw new Error('JWKS document has no keys array');
      this.lookup = createLocalJWKSet(body as JSONWebKeySet);
      this.fetchedAt = this.options.clock.now();
      this.lastFailed = false;
      this.options.onEvent?.('tokens.jwks_refreshed', { keys: (body as JSONWebKeySet).keys.length });
    } catch (error) {
      this.lastFailed = true;
      const reason = error instanceof Error ? error.message : String(error);
      this.options.onEvent?.('tokens.jwks_refresh_failed', { reason, keysHeld: this.lookup !== undefined });
      throw new KeySetUnavailableError(reason);
    }
  }
}
