import { OAuthError } from '../server/errors';
import { type AuthorizationOutcome, type AuthorizationRequest, validateAuthorizationRequest } from '../server/oauth/authorization-request';
import { authorizationResponseUrl } from '../server/oauth/authorization-response';
import { ParamSet } from '../server/oauth/params';
import type { Services } from '../server/services';

/** The query the Alexa app opens the platform authorization URL with (starting from the Alexa app). */
export const AUTHORIZATION_PARAMS = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method'] as const;

/**
 * Validates a request exactly as the web authorization endpoint does (the same function): registered
 * client, exact registered redirect URI, response_type=code, registered scopes, PKCE S256 (required when the
 * client's require_pkce is set). Client and redirect errors never redirect.
 */
export function validateAuthorization(services: Services, params: ParamSet): AuthorizationOutcome {
  const outcome = validateAuthorizationRequest(params, services.clients, services.settings.publicUrl);
  // This flow is the Alexa app's: a code minted here for another client (the app's own, say) would let
  // whoever holds a session, or the backend naming any user, skip that client's own sign-in.
  if (outcome.kind === 'ok' && !services.clients.isAlexa(outcome.request.clientId)) {
    return { kind: 'page', parameter: 'client_id', message: 'Only an Alexa client links through the company app.', received: outcome.request.clientId, reason: `client ${outcome.request.clientId} is not an Alexa client` };
  }
  return outcome;
}

/**
 * The authorization parameters of a JSON body as a ParamSet, so the app's request goes through the same
 * strict reading as a query string: a list means the parameter was sent more than once.
 */
export function paramsFromJson(body: Record<string, unknown>): ParamSet {
  const encoded = new URLSearchParams();
  for (const name of AUTHORIZATION_PARAMS) {
    const value = body[name];
    if (value === undefined || value === null) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) {
      if (typeof item !== 'string') throw new OAuthError('invalid_request', `${name} must be a string.`);
      encoded.append(name, item);
    }
  }
  return ParamSet.parse(encoded.toString());
}

/** Mints the authorization code for a consenting user, bound to the client, redirect URI, scope and PKCE challenge. */
export function issueAuthorizationCode(services: Services, request: AuthorizationRequest, userId: string): Promise<string> {
  return services.codes.issue({
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    userId,
    scope: request.scope,
    ...(request.codeChallenge ? { codeChallenge: request.codeChallenge } : {}),
  });
}

/** The redirect URI with the response parameters (and `iss`, RFC 9207, when enabled) appended. */
export function responseUrl(services: Services, redirectUri: string, params: Record<string, string | undefined>): string {
  const iss = services.settings.oauth.issParameter ? services.settings.publicUrl : undefined;
  return authorizationResponseUrl(redirectUri, { ...params, iss });
}
