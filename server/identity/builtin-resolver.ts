import { type AccessTokens, InvalidAccessTokenError } from '../oauth/access-tokens';
import type { RevocationCache } from './revocation-cache';
import { notLinked, type Resolution, type ResolveTokenOptions, type TokenResolver } from '../../kit/linking';
import { malformedJwt, RefusedTokenCache } from './refused-tokens';
import { tokenHash, type VerifiedTokenCache } from './verified-tokens';

/**
 * Resolves the service's own access tokens: verified locally against our signing keys (no store
 * round trip, and only once per token while it lives: VerifiedTokenCache), issued to the Alexa client,
 * and not revoked (asked on every request, answered by the RevocationCache).
 */
export class BuiltinTokenResolver implements TokenResolver {
  readonly provider = 'builtin' as const;
  private readonly verify: AccessTokens['verify'];

  constructor(
    accessTokens: Pick<AccessTokens, 'verify'>,
    private readonly revocations: RevocationCache,
    /** The Alexa clients (ClientRegistry.alexaClientIds): only their tokens act through the skill. */
    private readonly alexaClientIds: ReadonlySet<string>,
    private readonly verified: VerifiedTokenCache,
    private readonly refused = new RefusedTokenCache(),
    /**
     * The display name of a user, when the skill greets by name (the demo skill's Profiles): read in the
     * same store round trip as the revocation check, so a token this process has not seen costs two round
     * trips (revocation with the name, then the Alexa-user mapping) instead of three.
     */
    private readonly displayNameOf?: (userId: string) => Promise<string | undefined>,
  ) {
    this.verify = (token) => accessTokens.verify(token);
  }

  /** The user a token of ours names, or "not linked" with the reason. */
  async resolve(token: string, options: ResolveTokenOptions = {}): Promise<Resolution> {
    // Cheapest first: the shape, then what this process already refused, then the signature.
    const malformed = malformedJwt(token);
    if (malformed !== undefined) return notLinked(`access token invalid: ${malformed}`);
    const key = tokenHash(token);
    const known = this.refused.reasonFor(key);
    if (known !== undefined) return notLinked(known);
    let claims;
    try {
      claims = this.verified.claimsOf(token, this.verify, key);
    } catch (error) {
      if (error instanceof InvalidAccessTokenError) return this.refuse(key, `access token invalid: ${error.reason}`);
      throw error;
    }
    // A token minted for another client (the company's app, a service) must not act through the skill.
    if (!this.alexaClientIds.has(claims.client_id) || claims.gty !== undefined) return this.refuse(key, `access token was issued to client ${claims.client_id}`);
    // Signature, lifetime and client checked: the caller's reads (the Alexa-user mapping) go with ours.
    options.alongside?.();
    const [revoked, displayName] = await Promise.all([this.revocations.isRevoked(claims), this.displayNameOf?.(claims.sub)]);
    if (revoked) return notLinked('access token family revoked');
    return { linked: true, user: { userId: claims.sub, grantId: claims.sid, ...(displayName !== undefined ? { displayName } : {}) } };
  }

  private refuse(key: string, reason: string): Resolution {
    this.refused.remember(key, reason);
    return notLinked(reason);
  }

  /** Drops cached revocation answers (verified signatures stay true; revocation is asked every request). */
  forgetCached(): void {
    this.revocations.clear();
  }
}
