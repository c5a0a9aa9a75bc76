import { LRUCache } from 'lru-cache';
import type { Clock } from '../../shared/clock';
import { InFlight } from '../../shared/in-flight';
import { createHash } from 'node:crypto';
import type { ResolvedAccount, Resolution } from './token-resolver';

/** What a provider lookup produced, and how long a "linked" answer may be reused. */
export interface Lookup {
  resolution: Resolution;
  ttlMs: number;
}

/**
 * Caches "linked" answers of a remote provider per access token. Keys are SHA-256 hashes, so the
 * tokens themselves are never held; concurrent lookups of one token share one provider call.
 */
export class ResolutionCache {
  private readonly users: LRUCache<string, ResolvedAccount>;
  private readonly inFlight = new InFlight<Resolution>();

  constructor(clock: Clock, max = 10_000) {
    this.users = new LRUCache<string, ResolvedAccount>({ max, ttlResolution: 0, perf: { now: () => clock.now() } });
  }

  /** The cached user for a token, or the result of `load` (cached when linked and ttlMs > 0). */
  async resolve(token: string, load: () => Promise<Lookup>): Promise<Resolution> {
    // Keyed by a hash: the bearer tokens themselves are never kept in memory.
    const key = createHash('sha256').update(token).digest('base64url');
    const cached = this.users.get(key);
    if (cached) return { linked: true, user: cached };
    return this.inFlight.share(key, () =>
      load().then(({ resolution, ttlMs }) => {
        if (resolution.linked && ttlMs > 0) this.users.set(key, resolution.user, { ttl: ttlMs });
        return resolution;
      }),
    );
  }

  /** Forgets every cached user. */
  clear(): void {
    this.users.clear();
  }
}
