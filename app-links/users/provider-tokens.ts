import type { AccountDirectory } from '../../server/accounts/directory';
import { ProviderUnavailableError, type TokenResolver } from '../../kit/linking';
import { OAuthError } from '../../server/errors';
import { AppLinkError } from '../errors';
import type { AccountProvider } from '../settings';
import { type AppUser, invalidToken, type RequestHeader, type UserTokenVerifier } from './user-tokens';

/**
 * Bearer tokens of the provider the company's accounts live in (Login with Amazon, an OIDC provider),
 * checked by the skill's own resolver for that provider (server/skill/linking), so the app and Alexa
 * are held to the same rules: pinned algorithms, issuer and audience, the LWA profile API.
 */
export class ProviderTokenVerifier implements UserTokenVerifier {
  constructor(
    readonly provider: Exclude<AccountProvider, 'ours'>,
    private readonly resolver: TokenResolver,
    private readonly accounts: Pick<AccountDirectory, 'get'>,
  ) {}

  /** The local account mirroring the provider's user the token belongs to. */
  async verify(token: string, header: RequestHeader): Promise<AppUser> {
    // Linkwright-User is for service tokens of ours; a provider token already names its user.
    if (header('linkwright-user') !== undefined) throw new OAuthError('invalid_request', 'Linkwright-User is only for service tokens of this service.', 400, 'Linkwright-User with a provider token');
    let resolution;
    try {
      resolution = await this.resolver.resolve(token);
    } catch (error) {
      if (error instanceof ProviderUnavailableError) throw new AppLinkError('provider_unavailable', error.reason);
      throw error;
    }
    if (!resolution.linked) throw invalidToken(resolution.reason);
    const { userId } = resolution.user;
    const displayName = resolution.user.displayName ?? (await this.accounts.get(userId))?.displayName ?? 'there';
    return { userId, displayName, provider: this.provider, caller: 'provider' };
  }
}
