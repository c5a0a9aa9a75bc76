import { OAuthError } from '../../server/errors';
import type { AccountProvider } from '../settings';

/** The company user behind a bearer token, as the app-links endpoints see them. */
export interface AppUser {
  /** Our account id (for external providers, the local account mirroring the provider's subject). */
  userId: string;
  displayName: string;
  provider: AccountProvider;
}

/**
 * Checks the bearer token the company's app sends and says whose it is. One implementation per place
 * the company's accounts can live (our authorization server, Login with Amazon, an OIDC provider), so
 * the provider can be swapped by a setting without touching the endpoints.
 */
export interface UserTokenVerifier {
  readonly provider: AccountProvider;
  /** The user the token belongs to; throws an `invalid_token` OAuthError when it is not acceptable. */
  verify(token: string): Promise<AppUser>;
}

/** The error every verifier throws for a token it does not accept (the reason is for the log). */
export function invalidToken(reason: string): OAuthError {
  return new OAuthError('invalid_token', 'The access token is missing, invalid, expired or revoked.', 401, reason);
}
