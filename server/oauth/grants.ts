import { OAuthError } from '../errors';
import type { AccessTokens } from './access-tokens';
import type { AuthorizationCodes, RedeemRequest } from './codes';
import type { RefreshTokens } from './refresh-tokens';

/** The JSON body of a successful token response (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  scope: string;
}

/** Turns codes and refresh tokens into token responses; the token endpoint's domain logic. */
export class Grants {
  constructor(
    private readonly codes: AuthorizationCodes,
    private readonly refreshTokens: RefreshTokens,
    private readonly accessTokens: AccessTokens,
  ) {}

  /** The authorization_code grant: redeems the code once and starts a refresh family. */
  async exchangeCode(code: string, request: RedeemRequest): Promise<TokenResponse> {
    const grant = await this.codes.redeem(code, request);
    const { token: refreshToken, family } = await this.refreshTokens.issue(grant);
    await this.codes.recordIssued(code, family.id);
    return this.respond(family, refreshToken);
  }

  /** The refresh_token grant: rotates the token; a narrower `scope` may be asked for, never a wider one. */
  async refresh(refreshToken: string, clientId: string, requestedScope: string | undefined): Promise<TokenResponse> {
    const { token, family } = await this.refreshTokens.rotate(refreshToken, clientId);
    let scope = family.scope;
    if (requestedScope !== undefined) {
      const granted = new Set(family.scope.split(' ').filter(Boolean));
      const asked = requestedScope.split(' ').filter(Boolean);
      const wider = asked.filter((s) => !granted.has(s));
      if (wider.length > 0) throw new OAuthError('invalid_scope', `The scope ${wider.join(' ')} was not granted to this refresh token.`);
      scope = asked.join(' ');
    }
    return this.respond({ ...family, scope }, token);
  }

  private respond(family: { id: string; userId: string; clientId: string; scope: string }, refreshToken: string): TokenResponse {
    const access = this.accessTokens.sign({ userId: family.userId, clientId: family.clientId, scope: family.scope, familyId: family.id });
    return {
      access_token: access.token,
      token_type: 'Bearer',
      expires_in: access.expiresIn,
      refresh_token: refreshToken,
      scope: family.scope,
    };
  }
}
