import type { AccountDirectory } from '../../server/accounts/directory';
import { type AccessTokens, InvalidAccessTokenError } from '../../server/oauth/access-tokens';
import type { Revocations } from '../../server/oauth/revocations';
import { malformedJwt, RefusedTokenCache } from '../../server/identity/refused-tokens';
import { tokenHash } from '../../server/identity/verified-tokens';
import { type AppUser, invalidToken, type UserTokenVerifier } from './user-tokens';

/** Access tokens our own authorization server issued: signature, issuer, audience, expiry, revocation, live account. */
export class OurTokenVerifier implements UserTokenVerifier {
  readonly provider = 'ours' as const;

  constructor(
    private readonly accessTokens: AccessTokens,
    private readonly revocations: Revocations,
    private readonly accounts: AccountDirectory,
    private readonly refused = new RefusedTokenCache(),
  ) {}

  /** The account a token of ours belongs to. */
  async verify(token: string): Promise<AppUser> {
    // Cheapest first (shape, then tokens this process already refused), so a refusal costs no more than an acceptance.
    const malformed = malformedJwt(token);
    if (malformed !== undefined) throw invalidToken(malformed);
    const key = tokenHash(token);
    const known = this.refused.reasonFor(key);
    if (known !== undefined) throw invalidToken(known);
    let claims;
    try {
      claims = this.accessTokens.verify(token);
    } catch (error) {
      if (error instanceof InvalidAccessTokenError) {
        this.refused.remember(key, error.reason);
        throw invalidToken(error.reason);
      }
      throw error;
    }
    if (await this.revocations.isRevoked(claims)) throw invalidToken('token family revoked');
    const account = await this.accounts.get(claims.sub);
    if (!account) throw invalidToken('account no longer exists');
    return { userId: account.id, displayName: account.displayName, provider: 'ours' };
  }
}
