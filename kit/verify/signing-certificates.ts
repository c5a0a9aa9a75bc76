import type { X509Certificate } from 'node:crypto';
import axios from 'axios';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../shared/clock';
import { InFlight } from '../shared/in-flight';
import { validateSigningChain, type ValidatedChain } from './certificate-chain';
import { VerificationError } from './errors';
import type { TrustStore } from './trust-store';

const MAX_CHAIN_BYTES = 64 * 1024;
/** Even a valid chain is fetched again after a day, so a certificate Amazon replaced is picked up. */
const MAX_CACHE_MS = 86_400_000;
/** How long a URL whose chain failed is refused without a new download. */
const FAILURE_TTL_MS = 30_000;
/** How many failed URLs are remembered (each entry is a URL and a short reason). */
const MAX_FAILURES = 1024;
/** How many chain downloads may run at once. */
const MAX_CONCURRENT_DOWNLOADS = 4;

/** Options of {@link SigningCertificates}. */
export interface SigningCertificatesOptions {
  trust: TrustStore;
  clock: Clock;
  timeoutMs: number;
  /** Development/test only: fetch `${fetchBase}${path}` instead of the checked Amazon URL. */
  fetchBase?: string | undefined;
  /** How many distinct chain URLs are kept (Amazon uses one or two at a time). */
  maxEntries?: number;
  /** How long (ms) a URL whose download or validation failed is refused without fetching again. */
  failureTtlMs?: number;
  /** How many failed URLs are remembered at most. */
  maxFailures?: number;
  /** How many downloads may run at once; a request needing one more is refused. */
  maxConcurrentDownloads?: number;
}

/**
 * Downloads, validates and caches Alexa's signing chains. A chain is cached by its (already checked)
 * URL, for at most a day and never beyond the earliest notAfter in its path; the cache is bounded.
 * Concurrent requests for the same URL share one download.
 *
 * Any unsigned request can name a new chain URL, so what one costs is bounded: a URL that failed is
 * refused from a bounded negative cache for a short while (not fetched again), and at most a few
 * downloads run at once; a request that would need one more is refused like any unverifiable request.
 */
export class SigningCertificates {
  private readonly cache: LRUCache<string, ValidatedChain>;
  private readonly failures: LRUCache<string, string>;
  private readonly inFlight = new InFlight<ValidatedChain>();

  constructor(private readonly options: SigningCertificatesOptions) {
    this.cache = new LRUCache<string, ValidatedChain>({
      max: options.maxEntries ?? 16,
      ttlAutopurge: false,
      // The cache's sense of time is the service clock (read on every lookup, not memoised), so expiry
      // follows the same clock as every other check.
      ttlResolution: 0,
      perf: { now: () => options.clock.now() },
    });
    this.failures = new LRUCache<string, string>({
      max: options.maxFailures ?? MAX_FAILURES,
      ttl: options.failureTtlMs ?? FAILURE_TTL_MS,
      ttlAutopurge: false,
      ttlResolution: 0,
      perf: { now: () => options.clock.now() },
    });
  }

  /** The validated chain (leaf and its key) for a checked chain URL; throws VerificationError when unusable. */
  async chainFor(url: URL): Promise<ValidatedChain> {
    const key = url.href;
    const now = this.options.clock.now();
    const cached = this.cache.get(key);
    if (cached && now <= cached.validUntil) return cached;
    const failed = this.failures.get(key);
    if (failed !== undefined) throw new VerificationError(`certificate chain failed recently (${failed})`);
    return this.inFlight.share(key, () => {
      if (this.inFlight.size >= (this.options.maxConcurrentDownloads ?? MAX_CONCURRENT_DOWNLOADS)) {
        throw new VerificationError('too many certificate chain downloads at once');
      }
      return this.load(url);
    });
  }

  /** The validated leaf certificate for a checked chain URL (see chainFor). */
  async leafFor(url: URL): Promise<X509Certificate> {
    return (await this.chainFor(url)).leaf;
  }

  /** How many chains are cached now (for tests and metrics). */
  get size(): number {
    return this.cache.size;
  }

  private async load(url: URL): Promise<ValidatedChain> {
    try {
      const pem = await this.download(url);
      const now = this.options.clock.now();
      const chain = validateSigningChain(pem, this.options.trust, now);
      const ttl = Math.min(chain.validUntil - now, MAX_CACHE_MS);
      if (ttl > 0) this.cache.set(url.href, chain, { ttl });
      return chain;
    } catch (error) {
      const reason = error instanceof VerificationError ? error.reason : (error as Error).message;
      this.failures.set(url.href, reason);
      throw error;
    }
  }

  private async download(url: URL): Promise<string> {
    const target = this.options.fetchBase ? `${this.options.fetchBase}${url.pathname}${url.search}` : url.href;
    try {
      const response = await axios.get<string>(target, {
        timeout: this.options.timeoutMs,
        responseType: 'text',
        transformResponse: (data: unknown) => data,
        maxContentLength: MAX_CHAIN_BYTES,
        maxRedirects: 0,
        validateStatus: (status) => status === 200,
      });
      if (typeof response.data !== 'string') throw new VerificationError('certificate chain download is not text');
      return response.data;
    } catch (error) {
      if (error instanceof VerificationError) throw error;
      const status = axios.isAxiosError(error) ? (error.response?.status ?? error.code) : undefined;
      throw new VerificationError(`certificate chain download failed (${status ?? (error as Error).message})`);
    }
  }
}
