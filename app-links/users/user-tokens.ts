import { OAuthError } from '../../server/errors';
import type { AccountProvider } from '../settings';

/**
 * Who called the app-links API: the app with its own token from our app client (`app`), the app with a
 * token of the identity provider the accounts live in (`provider`), or the company's backend with a
 * service token naming the user in the Linkwright-User header (`service`).
 */
export type AppCaller = 'app' | 'provider' | 'service';

/** The company user behind a bearer token, as the app-links endpoints see them. */
export interface AppUser {
  /** Our account id (for external providers, the local account mirroring the provider's subject). */
  userId: string;
  displayName: string;
  provider: AccountProvider;
  caller: AppCaller;
  /** The OAuth client of a token of ours (the app client, or the service client). */
  clientId?: string;
}

/** What a verifier may read from the request besides the token (the Linkwright-User header). */
export type RequestHeader = (name: string) => string | undefined;

/**
 * Checks the bearer token the company's app (or backend) sends and says whose it is. One implementation
 * per place a token can come from (our authorization server, Login with Amazon, an OIDC provider), so
 * the provider can be swapped by a setting without touching the endpoints.
 */
export interface UserTokenVerifier {
  /** The user the token belongs to; throws an `invalid_token` OAuthError when it is not acceptable. */
  verify(token: string, header: RequestHeader): Promise<AppUser>;
}

/** The error every verifier throws for a token it does not accept (the reason is for the log). */
export function invalidToken(reason: string): OAuthError {
  return new OAuthError('invalid_token', 'The access token is missing, invalid, expired or revoked.', 401, reason);
}
