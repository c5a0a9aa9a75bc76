import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock';
import type { AccessTokenClaims } from '../oauth/access-tokens';

/** The cache key of a token: one-shot SHA-256 (as crypto-utils' sha256, without a Hash object per request). */
export function tokenHash(token: string): string {
  return hash('sha256', token, 'base64url');
}

/** How many verified tokens are remembered: about one per active Alexa user of this process. */
export const VERIFIED_TOKENS_MAX = 10_000;

/**
 * Remembers the claims of access tokens whose signature, issuer, audience and lifetime already
 * verified, so a user's every utterance within the token's hour skips the ES256 check. An entry ends at
 * the token's `exp` (as jsonwebtoken counts it: valid while now < exp), never later; the bound is the
 * LRU size. Only the verification is remembered: revocation and the client check still run on every
 * request. Keys are SHA-256 hashes of the exact token string, so the bearer tokens themselves are not
 * kept in memory, while any other token string (one changed character) is verified afresh.
 */
export class VerifiedTokenCache {
  private readonly entries: LRUCache<string, AccessTokenClaims>;

  constructor(
    private readonly clock: Clock,
    max = VERIFIED_TOKENS_MAX,
  ) {
    this.entries = new LRUCache<string, AccessTokenClaims>({ max });
  }

  /**
   * The claims of `token`: remembered ones while the token has not expired, else what `verify` returns
   * (remembered in turn). Whatever `verify` throws for a bad token propagates and nothing is kept.
   * `key` is the token's hash when the caller has it already (tokenHash).
   */
  claimsOf(token: string, verify: (token: string) => AccessTokenClaims, key = tokenHash(token)): AccessTokenClaims {
    const now = this.clock.now();
    const remembered = this.entries.get(key);
    if (remembered !== undefined) {
      if (now < remembered.exp * 1000) return remembered;
      this.entries.delete(key);
    }
    const claims = verify(token);
    if (now < claims.exp * 1000) this.entries.set(key, claims);
    return claims;
  }

  /** How many tokens are remembered (for tests). */
  get size(): number {
    return this.entries.size;
  }
}
