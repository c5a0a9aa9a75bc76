import { randomToken } from '../crypto-utils';
import { OAuthError } from '../errors';
import { type AccessTokens, CLIENT_CREDENTIALS_GTY } from './access-tokens';
import type { OAuthClient } from './clients';
import type { AuthorizationCodes, RedeemRequest } from './codes';
import type { ProfileClaims } from './profile-claims';
import type { RefreshFamily, RefreshTokens } from './refresh-tokens';

/** The JSON body of a successful token response (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  scope: string;
}

/** The answer to client_credentials: no refresh token (RFC 6749 §4.4.3: the client simply asks again). */
export type ServiceTokenResponse = Omit<TokenResponse, 'refresh_token'>;

/** What a token response is made of: the grant's family (scope possibly narrowed) and its new refresh token. */
type Grant = Pick<RefreshFamily, 'id' | 'userId' | 'clientId' | 'scope'>;

/** Reads the profile claims a user's access tokens carry (ACCESS_TOKEN_CLAIMS); absent when none are configured. */
export type ProfileReader = (userId: string) => Promise<ProfileClaims>;

/**
 * Turns codes and refresh tokens into token responses; the token endpoint's domain logic. Each grant
 * signs its access token while its last store write is in flight: signing is the CPU half of a token
 * request and the writes the waiting half, so neither waits for the other.
 */
export class Grants {
  constructor(
    private readonly codes: AuthorizationCodes,
    private readonly refreshTokens: RefreshTokens,
    private readonly accessTokens: AccessTokens,
    /** Set only when tokens carry profile claims: the default costs no store read. */
    private readonly profileOf?: ProfileReader,
  ) {}

  /**
   * The authorization_code grant: redeems the code once and starts a refresh family. The family's id is
   * chosen first and written into the code's spent marker by the redemption itself, so a replay at any
   * later moment revokes it (three store round trips in all: read and spend the code; write the family
   * while reading the user's account; list the grant in the account).
   */
  async exchangeCode(code: string, request: RedeemRequest): Promise<TokenResponse> {
    const familyId = this.refreshTokens.newFamilyId();
    const grant = await this.codes.redeem(code, request, familyId);
    const { token, family, stored } = this.refreshTokens.begin(grant, familyId);
    let access: SignedAccessToken;
    try {
      // The account is read while the family is written; without profile claims nothing is read.
      const profile = this.profileOf ? await this.profileOf(family.userId) : undefined;
      access = this.sign(family, profile);
    } catch (error) {
      await stored.catch(() => undefined);
      throw error;
    }
    await stored;
    return answer(family, access, token);
  }

  /** The refresh_token grant: rotates the token; a narrower `scope` may be asked for, never a wider one. */
  async refresh(refreshToken: string, clientId: string, requestedScope: string | undefined): Promise<TokenResponse> {
    const profileOf = this.profileOf;
    if (profileOf) {
      // With profile claims the account is read while the rotation is written, and signed after both.
      const { token, prepared } = await this.refreshTokens.rotate(refreshToken, clientId, (family) => {
        const profile = profileOf(family.userId);
        profile.catch(() => undefined); // awaited below once the write has won; a lost rotation drops it
        return { grant: { ...family, scope: narrowed(family.scope, requestedScope) }, profile };
      });
      return answer(prepared.grant, this.sign(prepared.grant, await prepared.profile), token);
    }
    const { token, prepared } = await this.refreshTokens.rotate(refreshToken, clientId, (family) => {
      const grant = { ...family, scope: narrowed(family.scope, requestedScope) };
      return { grant, access: this.sign(grant) };
    });
    return answer(prepared.grant, prepared.access, token);
  }

  /**
   * The client_credentials grant (RFC 6749 §4.4): an access token with no user and no refresh token,
   * for the scopes asked (all of the client's registered ones when none are), never beyond them.
   */
  clientCredentials(client: OAuthClient, requestedScope: string | undefined): ServiceTokenResponse {
    const asked = [...new Set((requestedScope ?? '').split(' ').filter(Boolean))];
    const unknown = asked.filter((s) => !client.scopes.includes(s));
    if (unknown.length > 0) {
      throw new OAuthError('invalid_scope', `Unknown scope: ${unknown.join(' ')}. This client may ask for: ${client.scopes.join(' ')}.`, 400, `client_credentials scope ${unknown.join(' ')} not registered`);
    }
    const scope = (asked.length > 0 ? asked : client.scopes).join(' ');
    // No refresh family: the sid is the token's own, so revocation markers still name it.
    const access = this.accessTokens.sign({ userId: client.id, clientId: client.id, scope, familyId: `cc-${randomToken(12)}`, gty: CLIENT_CREDENTIALS_GTY });
    return { access_token: access.token, token_type: 'Bearer', expires_in: access.expiresIn, scope };
  }

  private sign(grant: Grant, profile?: ProfileClaims): SignedAccessToken {
    return this.accessTokens.sign({ userId: grant.userId, clientId: grant.clientId, scope: grant.scope, familyId: grant.id }, profile);
  }
}

type SignedAccessToken = { token: string; expiresIn: number };

/** The scope a refresh answers with: the granted one, or the narrower one asked for (invalid_scope if wider). */
function narrowed(granted: string, requested: string | undefined): string {
  if (requested === undefined) return granted;
  const grantedSet = new Set(granted.split(' ').filter(Boolean));
  const asked = requested.split(' ').filter(Boolean);
  const wider = asked.filter((s) => !grantedSet.has(s));
  if (wider.length > 0) throw new OAuthError('invalid_scope', `The scope ${wider.join(' ')} was not granted to this refresh token.`);
  return asked.join(' ');
}

function answer(grant: Grant, access: SignedAccessToken, refreshToken: string): TokenResponse {
  return {
    access_token: access.token,
    token_type: 'Bearer',
    expires_in: access.expiresIn,
    refresh_token: refreshToken,
    scope: grant.scope,
  };
}
