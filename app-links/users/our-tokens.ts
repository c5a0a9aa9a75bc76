import type { AccountDirectory } from '../../server/accounts/directory';
import { type AccessTokens, InvalidAccessTokenError } from '../../server/oauth/access-tokens';
import type { Revocations } from '../../server/oauth/revocations';
import { type AppUser, invalidToken, type UserTokenVerifier } from './user-tokens';

/** Access tokens our own authorization server issued: signature, issuer, audience, expiry, revocation, live account. */
export class OurTokenVerifier implements UserTokenVerifier {
  readonly provider = 'ours' as const;

  constructor(
    private readonly accessTokens: AccessTokens,
    private readonly revocations: Revocations,
    private readonly accounts: AccountDirectory,
  ) {}

  /** The account a token of ours belongs to. */
  async verify(token: string): Promise<AppUser> {
    let claims;
    try {
      claims = this.accessTokens.verify(token);
    } catch (error) {
      if (error instanceof InvalidAccessTokenError) throw invalidToken(error.reason);
      throw error;
    }
    if (await this.revocations.isRevoked(claims)) throw invalidToken('token family revoked');
    const account = await this.accounts.get(claims.sub);
    if (!account) throw invalidToken('account no longer exists');
    return { userId: account.id, displayName: account.displayName, provider: 'ours' };
  }
}
