import { OAuthError, type OAuthErrorCode } from '../server/errors';
import { isValidChallenge } from '../server/oauth/pkce';
import type { Services } from '../server/services';

/** The query the Alexa app opens the platform authorization URL with (starting from the Alexa app). */
export const AUTHORIZATION_PARAMS = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method'] as const;
export type AuthorizationParams = Partial<Record<(typeof AUTHORIZATION_PARAMS)[number], unknown>>;

/** A request that passed every check: the code will be bound to all of it. */
export interface ValidAuthorization {
  clientId: string;
  redirectUri: string;
  scope: string;
  state: string;
  codeChallenge: string | undefined;
}

/**
 * A refused authorization request. With `redirect`, the refusal goes back to the (verified) redirect URI
 * as RFC 6749 §4.1.2.1 says; without it (unknown client, unregistered redirect URI) it must not: the
 * user is told instead, so the endpoint can never bounce anyone to an unverified address.
 */
export class AuthorizationRefused extends OAuthError {
  constructor(
    code: OAuthErrorCode,
    description: string,
    readonly redirect: { redirectUri: string; state: string | undefined } | undefined,
  ) {
    super(code, description, 400);
    this.name = 'AuthorizationRefused';
  }
}

const MAX_STATE = 2048;

/**
 * The checks of the web authorization endpoint: a registered client, a redirect URI registered for it
 * (exact string match), response_type=code, scopes the client may have, a state, and PKCE S256 when
 * a challenge is sent (kept with the code).
 */
export function validateAuthorization(services: Services, params: AuthorizationParams): ValidAuthorization {
  const single = (name: (typeof AUTHORIZATION_PARAMS)[number]): string | undefined => {
    const value = params[name];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') throw new AuthorizationRefused('invalid_request', `${name} must be given once, as text.`, undefined);
    return value;
  };
  const clientId = single('client_id');
  const client = clientId === undefined ? undefined : services.clients.find(clientId);
  if (!client) throw new AuthorizationRefused('invalid_request', clientId === undefined ? 'client_id is required.' : 'client_id is not a registered client.', undefined);
  const redirectUri = single('redirect_uri');
  if (redirectUri === undefined || !client.redirectUris.has(redirectUri)) {
    throw new AuthorizationRefused('invalid_request', redirectUri === undefined ? 'redirect_uri is required.' : 'redirect_uri is not registered for this client.', undefined);
  }

  // From here on the redirect URI is trusted: refusals go back to it with the state.
  const rawState = params.state;
  const state = typeof rawState === 'string' && rawState !== '' && rawState.length <= MAX_STATE ? rawState : undefined;
  const refuse = (code: OAuthErrorCode, description: string): never => {
    throw new AuthorizationRefused(code, description, { redirectUri, state });
  };
  for (const name of ['response_type', 'scope', 'state', 'code_challenge', 'code_challenge_method'] as const) {
    const value = params[name];
    if (value !== undefined && typeof value !== 'string') refuse('invalid_request', `${name} must be given once, as text.`);
  }
  if (state === undefined) refuse('invalid_request', rawState ? `state is longer than ${MAX_STATE} characters.` : 'state is required.');
  const responseType = single('response_type');
  if (responseType !== 'code') refuse(responseType === undefined ? 'invalid_request' : 'unsupported_response_type', 'Only response_type=code is supported.');

  const asked = (single('scope') ?? client.scopes.join(' ')).split(' ').filter(Boolean);
  const unknown = asked.filter((scope) => !client.scopes.includes(scope));
  if (unknown.length > 0) refuse('invalid_scope', `The scope ${unknown.join(' ')} is not available to this client.`);
  if (asked.length === 0) refuse('invalid_scope', 'At least one scope is required.');

  const codeChallenge = single('code_challenge');
  const method = single('code_challenge_method');
  if (codeChallenge === undefined && method !== undefined) refuse('invalid_request', 'code_challenge_method was sent without code_challenge.');
  if (codeChallenge !== undefined) {
    // "plain" would put the verifier itself in the URL the Alexa app opens: only S256 is accepted.
    if (method !== 'S256') refuse('invalid_request', 'code_challenge_method must be S256.');
    if (!isValidChallenge(codeChallenge)) refuse('invalid_request', 'code_challenge is not a valid S256 challenge.');
  }
  return { clientId: client.id, redirectUri, scope: [...new Set(asked)].join(' '), state: state as string, codeChallenge };
}

/** Mints the authorization code for a consenting user, bound to the client, redirect URI, scope and PKCE challenge. */
export function issueAuthorizationCode(services: Services, request: ValidAuthorization, userId: string): Promise<string> {
  return services.codes.issue({
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    userId,
    scope: request.scope,
    ...(request.codeChallenge ? { codeChallenge: request.codeChallenge } : {}),
  });
}

/** The redirect URI with response parameters added to its query. */
export function redirectWith(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  return url.toString();
}

/** Where a refusal that may be redirected goes: the error, its description and the state. */
export function errorRedirect(refusal: AuthorizationRefused, extra: Record<string, string> = {}): string | undefined {
  if (!refusal.redirect) return undefined;
  return redirectWith(refusal.redirect.redirectUri, {
    error: refusal.code,
    error_description: refusal.description,
    state: refusal.redirect.state,
    ...extra,
  });
}
