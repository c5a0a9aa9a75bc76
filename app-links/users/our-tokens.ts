import type { Account, AccountDirectory } from '../../server/accounts/directory';
import { OAuthError } from '../../server/errors';
import { type AccessTokenClaims, type AccessTokens, CLIENT_CREDENTIALS_GTY, InvalidAccessTokenError } from '../../server/oauth/access-tokens';
import type { ClientRegistry } from '../../server/oauth/clients';
import type { Revocations } from '../../server/oauth/revocations';
import { malformedJwt, RefusedTokenCache } from '../../server/identity/refused-tokens';
import { tokenHash } from '../../server/identity/verified-tokens';
import { AppLinkError } from '../errors';
import type { AccountProvider } from '../settings';
import { type AppUser, invalidToken, type RequestHeader, type UserTokenVerifier } from './user-tokens';

/** The scope a service client needs to call /app-links/* on behalf of a user. */
export const APP_LINKS_SCOPE = 'app_links';
/** The header a service caller names its user in (the id the company's directory uses). */
export const USER_HEADER = 'Linkwright-User';
/** Visible ASCII, as header values travel; long enough for any username, OIDC `sub` (255) or company id. */
const USER_ID = /^[\x21-\x7e]{1,255}$/;

/**
 * Access tokens our own authorization server issued: signature, issuer, audience, expiry, revocation.
 * Two kinds are app-links callers:
 * - a user's token issued to an `app` client (the company's app signed in through us): that user;
 * - a client_credentials token of a `service` client with scope `app_links` (the company's backend):
 *   the user the Linkwright-User header names, by the id the company's directory uses.
 * A token issued to an Alexa client is never an app session: it is Alexa's, and unlinking ends it.
 */
export class OurTokenVerifier implements UserTokenVerifier {
  constructor(
    private readonly accessTokens: AccessTokens,
    private readonly revocations: Revocations,
    private readonly accounts: Pick<AccountDirectory, 'get' | 'findByName'>,
    private readonly clients: Pick<ClientRegistry, 'find'>,
    private readonly directory: DirectoryIds,
    private readonly refused = new RefusedTokenCache(),
  ) {}

  /** The account a token of ours acts for. */
  async verify(token: string, header: RequestHeader): Promise<AppUser> {
    // Cheapest first (shape, then tokens this process already refused), so a refusal costs no more than an acceptance.
    const malformed = malformedJwt(token);
    if (malformed !== undefined) throw invalidToken(malformed);
    const key = tokenHash(token);
    const known = this.refused.reasonFor(key);
    if (known !== undefined) throw invalidToken(known);
    let claims: AccessTokenClaims;
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
    const client = this.clients.find(claims.client_id);
    const named = header(USER_HEADER.toLowerCase());
    if (claims.gty === CLIENT_CREDENTIALS_GTY) {
      if (client?.kind !== 'service') throw invalidToken(`service token of client ${claims.client_id}, which is not a registered service client`);
      if (!claims.scope.split(' ').includes(APP_LINKS_SCOPE)) {
        throw new OAuthError('insufficient_scope', `This service token lacks the ${APP_LINKS_SCOPE} scope.`, 403, `service token of ${claims.client_id} without ${APP_LINKS_SCOPE}`);
      }
      if (named === undefined) throw new OAuthError('invalid_request', `A service token must name its user in the ${USER_HEADER} header.`, 400, `service token without ${USER_HEADER}`);
      if (!USER_ID.test(named)) throw new OAuthError('invalid_request', `${USER_HEADER} must be 1 to 255 visible ASCII characters.`, 400, `${USER_HEADER} malformed`);
      const account = await this.directory.find(named);
      if (!account) throw new AppLinkError('user_unknown', `${USER_HEADER} names no account (service client ${claims.client_id})`);
      return { userId: account.id, displayName: account.displayName, provider: this.directory.provider, caller: 'service', clientId: claims.client_id };
    }
    if (client?.kind !== 'app') throw invalidToken(`token issued to ${client ? `${client.kind} client` : 'unregistered client'} ${claims.client_id} is not an app session`);
    // The header is the backend's; an app sending it is confused, and it must not look as if it were honoured.
    if (named !== undefined) throw new OAuthError('invalid_request', `${USER_HEADER} is only for service tokens: the app's own token already names its user.`, 400, `${USER_HEADER} with a user token`);
    const account = await this.accounts.get(claims.sub);
    if (!account) throw invalidToken('account no longer exists');
    return { userId: account.id, displayName: account.displayName, provider: 'ours', caller: 'app', clientId: claims.client_id };
  }
}

/**
 * Finds an account by the id the company's own directory knows the user by: the local username when
 * accounts live here, the provider's `sub` (or LWA user_id) when they live in an identity provider, whose
 * users are mirrored locally. One reading per deployment, so an id never means two users.
 */
export class DirectoryIds {
  constructor(
    readonly provider: AccountProvider,
    private readonly lookup: (id: string) => Promise<Account | undefined>,
  ) {}

  /** The account the directory id names, or undefined. */
  find(id: string): Promise<Account | undefined> {
    return this.lookup(id);
  }
}
