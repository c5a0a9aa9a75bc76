import { type AccessTokens, InvalidAccessTokenError } from '../../oauth/access-tokens';
import type { RevocationCache } from './revocation-cache';
import { notLinked, type Resolution, type TokenResolver } from './token-resolver';

/**
 * Resolves the service's own access tokens: verified locally against our signing keys (no store
 * round trip), issued to the Alexa client, and not revoked (answered by the RevocationCache).
 */
export class BuiltinTokenResolver implements TokenResolver {
  readonly provider = 'builtin' as const;

  constructor(
    private readonly accessTokens: Pick<AccessTokens, 'verify'>,
    private readonly revocations: RevocationCache,
    private readonly alexaClientId: string,
  ) {}

  /** The user a token of ours names, or "not linked" with the reason. */
  async resolve(token: string): Promise<Resolution> {
    let claims;
    try {
      claims = this.accessTokens.verify(token);
    } catch (error) {
      if (error instanceof InvalidAccessTokenError) return notLinked(`access token invalid: ${error.reason}`);
      throw error;
    }
    // A token minted for another client (say a companion app) must not act through the skill.
    if (claims.client_id !== this.alexaClientId) return notLinked(`access token was issued to client ${claims.client_id}`);
    if (await this.revocations.isRevoked(claims)) return notLinked('access token family revoked');
    return { linked: true, user: { userId: claims.sub } };
  }

  /** Drops cached revocation answers. */
  forgetCached(): void {
    this.revocations.clear();
  }
}
