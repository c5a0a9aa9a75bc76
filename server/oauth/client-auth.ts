import { OAuthError } from '../errors';
import type { ClientRegistry, OAuthClient } from './clients';
import { describeProblem, type ParamSet } from './params';

/** Reads a request header by case-insensitive name (the first value when repeated). */
export type HeaderGetter = (name: string) => string | undefined;

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/**
 * The methods a confidential client may use at the token and revocation endpoints (Alexa's "HTTP Basic"
 * and "Credentials in request body"): both are accepted whichever the client registered, so flipping the
 * console's switch never breaks linking. Public clients (the app) use `none`: client_id in the body only.
 */
export const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post'];

export interface AuthenticatedClient {
  client: OAuthClient;
  method: ClientAuthMethod;
}

const CREDENTIAL_LIMITS = { client_id: 256, client_secret: 512 } as const;

/**
 * Authenticates the client of a token or revocation request, by exactly one method: HTTP Basic
 * (RFC 6749 §2.3.1) or client_id + client_secret in the form; a public client sends client_id alone
 * (RFC 6749 §3.2.1, `none`) and may send no secret at all. Secrets are compared in constant time
 * (ClientRegistry.secretMatches). Failures are invalid_client (401) or, for requests that mix or
 * mangle methods, invalid_request; `reason` says which check failed and never holds the secret.
 * `onClientId` learns the claimed client id as soon as it is known, for the caller's log line.
 */
export function authenticateClient(header: HeaderGetter, form: ParamSet, clients: ClientRegistry, onClientId: (id: string) => void): AuthenticatedClient {
  const { values, problems } = form.read(CREDENTIAL_LIMITS);
  const problem = problems[0];
  if (problem) throw new OAuthError('invalid_request', describeProblem(problem), 400, `client auth: ${problem.name} ${problem.kind}`);
  const authorization = header('authorization');
  if (authorization !== undefined) return basic(authorization, values, clients, onClientId);

  const { client_id: id, client_secret: secret } = values;
  if (id === undefined && secret === undefined) {
    throw invalidClient('Client authentication is required: send HTTP Basic credentials or client_id and client_secret in the body.', 'client auth: no credentials');
  }
  if (id === undefined) throw invalidClient('client_secret was sent without client_id.', 'client auth: client_secret without client_id');
  onClientId(id);
  const claimed = clients.find(id);
  if (claimed?.isPublic) {
    // A public client has no secret to prove anything with: a secret sent anyway is a misconfiguration to report, not to ignore.
    if (secret !== undefined) throw invalidClient('This client is public (token_endpoint_auth_method none): send client_id without a client_secret.', 'client auth: secret sent by a public client');
    return { client: claimed, method: 'none' };
  }
  if (secret === undefined) throw invalidClient('client_secret is required: this client authenticates with a secret.', 'client auth: client_id without client_secret (body)');
  if (!clients.secretMatches(id, secret)) throw mismatch(clients, [id], 'body');
  return { client: clients.find(id) as OAuthClient, method: 'client_secret_post' };
}

function basic(
  header: string,
  values: { client_id?: string; client_secret?: string },
  clients: ClientRegistry,
  onClientId: (id: string) => void,
): AuthenticatedClient {
  const match = /^Basic[ ]+([A-Za-z0-9+/]+={0,2})[ ]*$/i.exec(header);
  if (!match) {
    const scheme = header.trim().split(/\s+/)[0] ?? '';
    if (scheme.toLowerCase() !== 'basic') {
      throw invalidClient(`The Authorization scheme "${scheme.slice(0, 20)}" is not accepted here: use Basic, or credentials in the body.`, 'client auth: unsupported Authorization scheme');
    }
    throw invalidClient('The Basic credentials are not valid base64.', 'client auth: malformed Basic header');
  }
  if (values.client_secret !== undefined) {
    throw new OAuthError('invalid_request', 'Use one client authentication method: HTTP Basic or client_secret in the body, not both.', 400, 'client auth: Basic and body credentials together');
  }
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) throw invalidClient('The Basic credentials must be client_id:client_secret.', 'client auth: Basic credentials without a colon');
  const rawId = decoded.slice(0, colon);
  const rawSecret = decoded.slice(colon + 1);
  // RFC 6749 §2.3.1 form-encodes id and secret before Basic encoding them (oauth4webapi does), but many
  // clients, Alexa among them as far as anyone has documented, send them as they are. Both readings
  // are tried; they differ only for secrets containing '+' or '%', and each is a full secret check.
  const decodedId = formDecode(rawId);
  const decodedSecret = formDecode(rawSecret);
  const candidates: Array<{ id: string; secret: string }> = [];
  if (decodedId !== undefined && decodedSecret !== undefined) candidates.push({ id: decodedId, secret: decodedSecret });
  // Without '+' or '%' both readings are the same: one secret check, not two.
  if (decodedId !== rawId || decodedSecret !== rawSecret) candidates.push({ id: rawId, secret: rawSecret });
  const claimedId = candidates[0]?.id ?? rawId;
  onClientId(claimedId);
  if (values.client_id !== undefined && !candidates.some((c) => c.id === values.client_id)) {
    throw new OAuthError('invalid_request', 'client_id in the body differs from the one in the Authorization header.', 400, 'client auth: body client_id differs from Basic');
  }
  if (claimedId === '') throw invalidClient('The Basic credentials have an empty client_id.', 'client auth: empty client_id (Basic)');
  const accepted = candidates.find((c) => clients.secretMatches(c.id, c.secret));
  if (!accepted) throw mismatch(clients, candidates.map((c) => c.id), 'Basic');
  return { client: clients.find(accepted.id) as OAuthClient, method: 'client_secret_basic' };
}

function mismatch(clients: ClientRegistry, ids: string[], method: string): OAuthError {
  // Client ids are public (they travel in every authorization URL), so saying which half is wrong
  // gives nothing away and tells whoever configures the console what to fix.
  if (!ids.some((id) => clients.find(id))) return invalidClient('Client authentication failed: the client_id is not registered here.', `client auth: unknown client_id (${method})`);
  if (ids.some((id) => clients.find(id)?.isPublic)) {
    return invalidClient('This client is public (token_endpoint_auth_method none): send client_id in the body, without a secret.', `client auth: secret sent by a public client (${method})`);
  }
  return invalidClient('Client authentication failed: the client secret is wrong.', `client auth: wrong client secret (${method})`);
}

function invalidClient(description: string, reason: string): OAuthError {
  return new OAuthError('invalid_client', description, 401, reason);
}

function formDecode(text: string): string | undefined {
  if (!text.includes('+') && !text.includes('%')) return text;
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
