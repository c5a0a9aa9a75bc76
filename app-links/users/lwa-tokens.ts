import type { AccountDirectory } from '../../server/accounts/directory';
import type { AmazonHttp } from '../amazon/http';
import { AppLinkError } from '../errors';
import { type AppUser, invalidToken, type UserTokenVerifier } from './user-tokens';

/**
 * Login with Amazon access tokens (when the company's accounts are LWA identities). They are opaque, so
 * the profile API is asked whose token it is; the answer's user_id maps to a local account.
 */
export class LwaTokenVerifier implements UserTokenVerifier {
  readonly provider = 'lwa' as const;

  constructor(
    private readonly http: AmazonHttp,
    private readonly profileUrl: string,
    private readonly accounts: AccountDirectory,
  ) {}

  /** The local account of the Amazon user the token belongs to. */
  async verify(token: string): Promise<AppUser> {
    const response = await this.http.send('lwa.profile', () => ({ method: 'GET', url: this.profileUrl, headers: { Authorization: `Bearer ${token}` } }));
    if (response.status === 400 || response.status === 401 || response.status === 403) throw invalidToken(`LWA profile answered ${response.status}`);
    if (response.status !== 200) throw new AppLinkError('amazon_unavailable', `LWA profile answered ${response.status}`);
    const profile = (response.data ?? {}) as { user_id?: unknown; name?: unknown; email?: unknown };
    if (typeof profile.user_id !== 'string' || profile.user_id === '') throw new AppLinkError('amazon_unavailable', 'LWA profile without user_id');
    const account = await this.accounts.findOrCreateExternal('lwa', profile.user_id, {
      ...(typeof profile.name === 'string' ? { name: profile.name } : {}),
      ...(typeof profile.email === 'string' ? { email: profile.email } : {}),
    });
    return { userId: account.id, displayName: account.displayName, provider: 'lwa' };
  }
}
