import axios from 'axios';
import { ProviderUnavailableError } from './resolvers/token-resolver';

/** The OAuth client Alexa links with (Linkwright's OAUTH_CLIENT_ID and OAUTH_CLIENT_SECRET). */
export interface IssuerClient {
  /** The client id (OAUTH_CLIENT_ID). */
  id: string;
  /** The client secret (OAUTH_CLIENT_SECRET); sent only to the issuer, never logged. */
  secret: string;
}

/**
 * Revokes access tokens at Linkwright's RFC 7009 endpoint (`${issuer}/oauth/revoke`), authenticated as
 * the client they were issued to; revoking an access token revokes its whole grant, refresh tokens
 * included. A refusal or outage throws, so a SkillDisabled that could not revoke is not forgotten.
 */
export function issuerRevocation(issuer: string, client: IssuerClient, timeoutMs: number): (tokens: string[]) => Promise<void> {
  const endpoint = `${issuer.replace(/\/$/, '')}/oauth/revoke`;
  const basic = `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString('base64')}`;
  return async (tokens) => {
    for (const token of tokens) {
      try {
        await axios.post(endpoint, new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(), {
          headers: { Authorization: basic, 'Content-Type': 'application/x-www-form-urlencoded' },
          timeout: timeoutMs,
          maxRedirects: 0,
          validateStatus: (status) => status === 200,
        });
      } catch (error) {
        const status = axios.isAxiosError(error) ? (error.response?.status ?? error.code) : (error as Error).message;
        throw new ProviderUnavailableError(`revocation at ${endpoint} failed (${status ?? 'unknown'})`);
      }
    }
  };
}
