import type { TokenVerifier } from '../../tokens/verifier';
import { notLinked, ProviderUnavailableError, type Resolution, type TokenResolver } from './token-resolver';

/**
 * Resolves Linkwright's own access tokens with linkwright/tokens' verifier (JWKS, pinned algorithm,
 * issuer and audience, revocation through introspection within its bounded delay): the user is the
 * token's `sub`. A token of another client is "not linked" when `clientId` (Alexa's client) is given;
 * a verifier that cannot ask the issuer (`unavailable`) is a provider outage, never "not linked".
 */
export class LinkwrightTokenResolver implements TokenResolver {
  readonly provider = 'linkwright';

  constructor(
    private readonly verifier: Pick<TokenVerifier, 'verify'>,
    private readonly clientId: string | undefined,
  ) {}

  /** The user the token names, or "not linked" with the verifier's reason. */
  async resolve(token: string): Promise<Resolution> {
    const result = await this.verifier.verify(token);
    if (!result.ok) {
      if (result.reason === 'unavailable') throw new ProviderUnavailableError('Linkwright keys or introspection unavailable');
      return notLinked(`access token ${result.reason}`);
    }
    // A token minted for another client (say a companion app) must not act through the skill.
    if (this.clientId !== undefined && result.token.clientId !== this.clientId) return notLinked(`access token was issued to client ${result.token.clientId}`);
    const name = result.token.claims.name;
    return { linked: true, user: { userId: result.token.sub, ...(typeof name === 'string' && name.trim() !== '' ? { displayName: name.trim() } : {}) } };
  }

  /** Nothing to drop: the verifier's caches never outlive its revocation delay. */
  forgetCached(): void {}
}
