import { LRUCache } from 'lru-cache';
import { InFlight } from '../../kit/shared/in-flight';
import type { Clock } from '../clock';
import type { AccessTokenClaims } from '../oauth/access-tokens';
import type { Revocations } from '../oauth/revocations';

/**
 * Remembers revocation answers for built-in access tokens so a busy skill does not ask the store on
 * every request. Staleness bound: a family revoked by ANOTHER process is still accepted here for at
 * most `ttlMs` (default 5 s) after this process last asked; revocations made by this process reach the
 * cache at once (`forget`, subscribed to Revocations.onRevoked in createServices). "Revoked" answers
 * are kept until the token would expire anyway (they never change).
 */
export class RevocationCache {
  private readonly answers: LRUCache<string, boolean>;
  private readonly inFlight = new InFlight<boolean>();
  /** Bumped by every forget/clear: an answer asked for before a revocation must not be cached after it. */
  private generation = 0;

  constructor(
    private readonly revocations: Pick<Revocations, 'isRevoked'>,
    private readonly clock: Clock,
    private readonly ttlMs: number,
    max = 10_000,
  ) {
    this.answers = new LRUCache<string, boolean>({ max, ttlResolution: 0, perf: { now: () => clock.now() } });
  }

  /** True when the token's refresh family is revoked (at most `ttlMs` stale, see the class comment). */
  async isRevoked(claims: Pick<AccessTokenClaims, 'sid' | 'exp'>): Promise<boolean> {
    const cached = this.answers.get(claims.sid);
    if (cached !== undefined) return cached;
    return this.inFlight.share(claims.sid, () => this.ask(claims));
  }

  /** Forgets every cached answer (this process just revoked something). */
  clear(): void {
    this.generation += 1;
    this.answers.clear();
    this.inFlight.clear();
  }

  /** Forgets the answer for one family (it was just revoked): its next token is asked about afresh. */
  forget(familyId: string): void {
    this.generation += 1;
    this.answers.delete(familyId);
    this.inFlight.forget(familyId);
  }

  private async ask(claims: Pick<AccessTokenClaims, 'sid' | 'exp'>): Promise<boolean> {
    const asked = this.generation;
    const revoked = await this.revocations.isRevoked(claims);
    const ttl = revoked ? Math.max(1, claims.exp * 1000 - this.clock.now()) : this.ttlMs;
    // A "not revoked" read that raced a revocation made here is answered but not kept.
    if (ttl > 0 && (revoked || asked === this.generation)) this.answers.set(claims.sid, revoked, { ttl });
    return revoked;
  }
}
