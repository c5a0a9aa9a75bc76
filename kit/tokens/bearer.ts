/**
 * RFC 6750 pieces shared by every bearer-protected endpoint: reading the Authorization header and
 * writing the WWW-Authenticate challenge.
 */

/** What an Authorization header held: a bearer token, nothing usable, or something malformed. */
export type BearerCredentials =
  | { kind: 'token'; token: string }
  | { kind: 'missing' }
  | { kind: 'malformed'; description: string };

/** RFC 6750 §2.1 b64token: the only characters a bearer token may have. */
const BEARER = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)[ ]*$/i;

/** Longest bearer token read at all; ours are well under 2 kB, so longer ones are refused before any parsing. */
export const MAX_BEARER_TOKEN_LENGTH = 8192;

/**
 * Reads `Authorization: Bearer <token>` (RFC 6750 §2.1). No header, or another scheme (Basic), counts
 * as missing: the answer is then a bare challenge, without an error code (§3.1).
 */
export function bearerCredentials(authorization: string | undefined): BearerCredentials {
  if (authorization === undefined || authorization.trim() === '') return { kind: 'missing' };
  const scheme = authorization.trim().split(/\s+/)[0] ?? '';
  if (scheme.toLowerCase() !== 'bearer') return { kind: 'missing' };
  if (authorization.length > MAX_BEARER_TOKEN_LENGTH + 16) return { kind: 'malformed', description: 'The bearer token is too long.' };
  const match = BEARER.exec(authorization);
  if (!match) return { kind: 'malformed', description: 'The Authorization header must be "Bearer" followed by one token.' };
  return { kind: 'token', token: match[1] as string };
}

/** The error codes of RFC 6750 §3.1. */
export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

/**
 * A WWW-Authenticate value (RFC 6750 §3): `Bearer realm="…"`, plus error, description and scope when
 * given. Quotes and backslashes are dropped from the values, which are quoted-strings.
 */
export function bearerChallenge(realm: string, error?: { code: BearerErrorCode; description?: string; scope?: string }): string {
  const parts = [`realm="${quotable(realm)}"`];
  if (error) {
    parts.push(`error="${error.code}"`);
    if (error.description) parts.push(`error_description="${quotable(error.description)}"`);
    if (error.scope) parts.push(`scope="${quotable(error.scope)}"`);
  }
  return `Bearer ${parts.join(', ')}`;
}

function quotable(text: string): string {
  // RFC 6750 §3: error_description and scope use a restricted ASCII set, without " and \.
  return text.replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, '');
}
