import type { TokenVerifier } from '../../tokens';
import { notLinked, ProviderUnavailableError, type Resolution, type TokenResolver } from './token-resolver';

/**
 * Linkwright's access tokens through `linkwright/tokens`' verifier: signature, pinned algorithm, issuer,
 * audience, expiry, and revocation through Linkwright's introspection, seen within the verifier's
 * `revocationCheckMs`. The user is the token's `sub`; a verifier that cannot ask Linkwright (keys or
 * introspection down) is an outage, never "not linked".
 */
export class VerifierTokenResolver implements TokenResolver {
  readonly provider = 'linkwright';

  constructor(private readonly verifier: TokenVerifier) {}

  /** The user the token names, or "not linked" with the verifier's reason. */
  async resolve(token: string): Promise<Resolution> {
    const verification = await this.verifier.verify(token);
    if (verification.ok) {
      const name = verification.token.claims.name;
      return { linked: true, user: { userId: verification.token.sub, ...(typeof name === 'string' && name !== '' ? { displayName: name } : {}) } };
    }
    if (verification.reason === 'unavailable') throw new ProviderUnavailableError('Linkwright could not be asked (key set or introspection)');
    return notLinked(`access token refused: ${verification.reason}`);
  }

  /** Nothing to drop: the verifier trusts an "active" answer for `revocationCheckMs` at most. */
  forgetCached(): void {}
}
