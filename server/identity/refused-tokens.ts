import { LRUCache } from 'lru-cache';

/** How many refused tokens are remembered, and for how long (a forged token never becomes valid). */
export const REFUSED_TOKENS_MAX = 10_000;
export const REFUSED_TOKEN_TTL_MS = 10 * 60_000;
/** Our access tokens are about 600 characters; anything far longer is not one, and is not even hashed. */
export const MAX_TOKEN_LENGTH = 4096;

const JWT_SHAPE = /^[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}$/;

/**
 * The structural check a token passes before any cryptography: a bounded length and three base64url
 * parts. Returns the reason when it fails. It costs a regular expression, so a malformed token is the
 * cheapest request of all rather than a parse and a hash.
 */
export function malformedJwt(token: string): string | undefined {
  if (token.length > MAX_TOKEN_LENGTH) return `longer than ${MAX_TOKEN_LENGTH} characters`;
  if (!JWT_SHAPE.test(token)) return 'not a JWT';
  return undefined;
}

/**
 * Remembers why a token was refused, keyed by the SHA-256 of the token (the token itself is not kept),
 * bounded in count and age. A forged, foreign or expired token sent again is refused with the same
 * reason without a second signature check: refusing must not cost more than accepting (a valid token
 * skips the check too, through VerifiedTokenCache). Only answers that cannot change are remembered
 * (a bad signature, an unknown key, another client, expiry), never a revocation lookup.
 */
export class RefusedTokenCache {
  private readonly entries: LRUCache<string, string>;

  constructor(max = REFUSED_TOKENS_MAX, ttlMs = REFUSED_TOKEN_TTL_MS) {
    this.entries = new LRUCache<string, string>({ max, ttl: ttlMs, ttlAutopurge: false });
  }

  /** The reason the token with this hash was refused, if remembered. */
  reasonFor(tokenHash: string): string | undefined {
    return this.entries.get(tokenHash);
  }

  remember(tokenHash: string, reason: string): void {
    this.entries.set(tokenHash, reason);
  }

  get size(): number {
    return this.entries.size;
  }
}
