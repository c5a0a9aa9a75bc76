import type { AxiosResponse } from 'axios';
import { AppLinkError, logSafeExcerpt } from '../errors';
import type { AmazonHttp } from './http';

/** Tokens Login with Amazon issued for the user under the Alexa client. */
export interface LwaTokens {
  accessToken: string;
  /** Absent on some refresh answers: the previous refresh token stays valid then. */
  refreshToken: string | undefined;
  expiresInSec: number;
}

export interface LwaCredentials {
  clientId: string;
  clientSecret: string;
}

/** The Login with Amazon token endpoint, with the "Alexa Client Id/Secret" of the skill. */
export class LwaClient {
  constructor(
    private readonly http: AmazonHttp,
    private readonly tokenUrl: string,
    private readonly credentials: LwaCredentials,
  ) {}

  /** Exchanges the Amazon authorization code the user brought back (valid 5 minutes) for tokens. */
  async exchangeCode(input: { code: string; redirectUri: string; codeVerifier: string }): Promise<LwaTokens> {
    const response = await this.post('lwa.token.authorization_code', {
      grant_type: 'authorization_code',
      code: input.code,
      redirect_uri: input.redirectUri,
      client_id: this.credentials.clientId,
      client_secret: this.credentials.clientSecret,
      code_verifier: input.codeVerifier,
    });
    return this.tokensFrom(response, 'authorization_code');
  }

  /** A fresh Amazon access token from the stored refresh token (Amazon access tokens last an hour). */
  async refresh(refreshToken: string): Promise<LwaTokens> {
    const response = await this.post('lwa.token.refresh_token', {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: this.credentials.clientId,
      client_secret: this.credentials.clientSecret,
    });
    return this.tokensFrom(response, 'refresh_token');
  }

  private post(call: string, form: Record<string, string>): Promise<AxiosResponse> {
    return this.http.send(call, () => ({
      method: 'POST',
      url: this.tokenUrl,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      data: new URLSearchParams(form).toString(),
    }));
  }

  private tokensFrom(response: AxiosResponse, grant: 'authorization_code' | 'refresh_token'): LwaTokens {
    const body = (typeof response.data === 'object' && response.data !== null ? response.data : {}) as Record<string, unknown>;
    if (response.status === 200) {
      const expiresIn = parseExpiresIn(body.expires_in);
      if (typeof body.access_token !== 'string' || body.access_token === '' || expiresIn === undefined) {
        throw new AppLinkError('amazon_unavailable', `LWA ${grant} answered 200 without a usable access_token/expires_in`);
      }
      const refreshToken = typeof body.refresh_token === 'string' && body.refresh_token !== '' ? body.refresh_token : undefined;
      if (grant === 'authorization_code' && refreshToken === undefined) {
        throw new AppLinkError('amazon_unavailable', 'LWA authorization_code answered 200 without a refresh_token');
      }
      return { accessToken: body.access_token, refreshToken, expiresInSec: expiresIn };
    }
    const error = typeof body.error === 'string' ? body.error : '';
    const reason = `LWA ${grant} refused: HTTP ${response.status} ${error} ${logSafeExcerpt(body.error_description)}`.trim();
    if (response.status === 429 || response.status >= 500) throw new AppLinkError('amazon_unavailable', reason);
    if (error === 'invalid_client' || error === 'unauthorized_client' || response.status === 401) throw new AppLinkError('amazon_client_misconfigured', reason);
    if (error === 'invalid_grant' || error === 'invalid_request') {
      // On a refresh, invalid_grant means the user took the Amazon authorization back (skill disabled).
      throw new AppLinkError(grant === 'refresh_token' && error === 'invalid_grant' ? 'skill_disabled' : 'amazon_code_rejected', reason);
    }
    throw new AppLinkError('amazon_client_misconfigured', reason);
  }
}

/** LWA documents `expires_in` as a string ("3600") and usually sends a number: both are accepted. */
export function parseExpiresIn(value: unknown): number | undefined {
  if (value === undefined) return 3600;
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  return Number.isInteger(number) && number > 0 ? number : undefined;
}
