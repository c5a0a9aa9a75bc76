import type { OAuthErrorCode } from '../errors';
import type { ClientRegistry, OAuthClient } from './clients';
import { describeProblem, type ParamProblem, type ParamSet } from './params';
import { isValidChallenge } from './pkce';
import { resourceProblem } from './resource-indicator';
import { localeFromUiLocales, type PageLocale } from '../views/i18n/locales';

/** A validated authorization request: what the code will be bound to once the user consents. */
export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  /** Echoed back unchanged; absent when the client sent none. */
  state?: string | undefined;
  /** Space-separated, each a scope the client is registered for. */
  scope: string;
  codeChallenge?: string | undefined;
  /** The pages' language when the client asked for one we speak (OpenID Connect ui_locales; Alexa sends it). */
  uiLocale?: PageLocale | undefined;
}

/** Why the request cannot be answered at the redirect URI: shown on our own error page instead. */
export interface UntrustedRedirect {
  kind: 'page';
  /** Which parameter is wrong. */
  parameter: 'client_id' | 'redirect_uri';
  message: string;
  received: string | undefined;
  /** For redirect_uri problems: the client's registered URIs (logged; shown outside production). */
  registered?: string[];
  reason: string;
}

/** An error answered at the (verified) redirect URI, RFC 6749 §4.1.2.1. */
export interface RedirectableError {
  kind: 'redirect';
  redirectUri: string;
  state: string | undefined;
  error: OAuthErrorCode;
  description: string;
  reason: string;
}

export type AuthorizationOutcome = { kind: 'ok'; request: AuthorizationRequest } | UntrustedRedirect | RedirectableError;

/** Longest values accepted; Alexa's own are far shorter. */
export const AUTHORIZE_LIMITS = {
  client_id: 256,
  redirect_uri: 2048,
  state: 4096,
  response_type: 64,
  scope: 1024,
  code_challenge: 128,
  code_challenge_method: 16,
  resource: 2048,
  ui_locales: 256,
} as const;

/**
 * Validates an authorization request in the order RFC 6749 §4.1.2.1 needs: the client and the exact
 * redirect URI first (errors there never redirect, or we would become an open redirector), then
 * everything else, reported back to the client's redirect URI with its state. `issuer` is the audience
 * of clients whose tokens act on this service (an RFC 8707 `resource` must name the client's audience).
 */
export function validateAuthorizationRequest(params: ParamSet, clients: ClientRegistry, issuer: string): AuthorizationOutcome {
  const { values, problems } = params.read(AUTHORIZE_LIMITS);
  const problemOf = (name: keyof typeof AUTHORIZE_LIMITS): ParamProblem | undefined => problems.find((p) => p.name === name);

  const clientProblem = problemOf('client_id');
  if (clientProblem) return page('client_id', describeProblem(clientProblem), undefined, `client_id ${clientProblem.kind}`);
  if (values.client_id === undefined) return page('client_id', 'The request has no client_id.', undefined, 'client_id missing');
  const client = clients.find(values.client_id);
  if (!client) return page('client_id', 'The client_id is not registered with this service.', values.client_id, 'unknown client_id');
  if (!client.grantTypes.has('authorization_code')) {
    return page('client_id', 'This client does not sign users in (it is registered without the authorization_code grant).', values.client_id, `client ${client.kind} without authorization_code`);
  }

  const registered = [...client.redirectUris];
  const redirectProblem = problemOf('redirect_uri');
  if (redirectProblem) return { ...page('redirect_uri', describeProblem(redirectProblem), undefined, `redirect_uri ${redirectProblem.kind}`), registered };
  if (values.redirect_uri === undefined) return { ...page('redirect_uri', 'The request has no redirect_uri.', undefined, 'redirect_uri missing'), registered };
  if (!client.redirectUris.has(values.redirect_uri)) {
    const message = 'The redirect_uri is not one of the URIs registered for this client. It must match one of them exactly, character for character.';
    return { ...page('redirect_uri', message, values.redirect_uri, `redirect_uri not registered for client ${client.id}`), registered };
  }

  const redirectUri = values.redirect_uri;
  const stateProblem = problemOf('state');
  // A state we cannot trust is left out of the error response rather than echoed altered.
  const state = stateProblem ? undefined : values.state;
  const fail = (error: OAuthErrorCode, description: string, reason: string): RedirectableError => ({ kind: 'redirect', redirectUri, state, error, description, reason });

  const otherProblem = problems[0];
  if (otherProblem) return fail('invalid_request', describeProblem(otherProblem), `${otherProblem.name} ${otherProblem.kind}`);

  if (values.response_type === undefined) return fail('invalid_request', 'response_type is required (use code).', 'response_type missing');
  if (values.response_type !== 'code') {
    return fail('unsupported_response_type', `response_type "${values.response_type}" is not supported: use code.`, `unsupported response_type ${values.response_type}`);
  }

  const scope = resolveScope(values.scope, client);
  if ('unknown' in scope) {
    return fail('invalid_scope', `Unknown scope: ${scope.unknown.join(' ')}. This client may ask for: ${client.scopes.join(' ')}.`, `unknown scope ${scope.unknown.join(' ')}`);
  }

  const target = resourceProblem(values.resource, client.audience ?? issuer);
  if (target) return fail('invalid_target', target.description, target.reason);

  const method = values.code_challenge_method;
  const challenge = values.code_challenge;
  if (method !== undefined && method !== 'S256') {
    return fail('invalid_request', `code_challenge_method "${method}" is not supported: use S256.`, `PKCE method ${method}`);
  }
  if (challenge !== undefined && method === undefined) {
    // RFC 7636 §4.3 defaults a missing method to plain, which we do not accept.
    return fail('invalid_request', 'code_challenge_method is required with code_challenge and must be S256 (plain is not supported).', 'PKCE method missing (plain)');
  }
  if (method !== undefined && challenge === undefined) return fail('invalid_request', 'code_challenge is required with code_challenge_method.', 'PKCE challenge missing');
  if (challenge !== undefined && !isValidChallenge(challenge)) {
    return fail('invalid_request', 'code_challenge must be the base64url SHA-256 of the verifier: 43 characters from A-Z, a-z, 0-9, "-" and "_".', 'PKCE challenge malformed');
  }
  if (client.requirePkce && challenge === undefined) {
    return fail('invalid_request', 'PKCE is required: send code_challenge and code_challenge_method=S256.', `PKCE required but absent (${client.isPublic ? 'public client' : 'require_pkce'})`);
  }

  // ui_locales only picks the pages' language: a value naming none we speak is ignored, not refused.
  const uiLocale = localeFromUiLocales(values.ui_locales);
  return { kind: 'ok', request: { clientId: client.id, redirectUri, state, scope: scope.granted, codeChallenge: challenge, ...(uiLocale ? { uiLocale } : {}) } };
}

/** The requested scopes (the client's registered ones when none are asked for), or the unknown ones. */
function resolveScope(requested: string | undefined, client: OAuthClient): { granted: string } | { unknown: string[] } {
  const asked = [...new Set((requested ?? '').split(' ').filter(Boolean))];
  if (asked.length === 0) return { granted: client.scopes.join(' ') };
  const unknown = asked.filter((s) => !client.scopes.includes(s));
  return unknown.length > 0 ? { unknown } : { granted: asked.join(' ') };
}

function page(parameter: UntrustedRedirect['parameter'], message: string, received: string | undefined, reason: string): UntrustedRedirect {
  return { kind: 'page', parameter, message, received, reason };
}
