import { readFileSync } from 'node:fs';

/**
 * What a client is for, which decides what it may do and which of our rules apply to it:
 * - `alexa`: an Alexa skill's account linking (custom skill, smart home, dev or live): confidential,
 *   authorization code + refresh token, Alexa's redirect URLs. Only these clients' tokens act through the
 *   skill, and only their grants end when the skill is disabled or unlinked.
 * - `app`: the company's mobile app, a public native client (RFC 8252): no secret, PKCE S256 always,
 *   claimed https or private-use-scheme redirects. Its tokens are the app's sessions for /app-links/*.
 * - `service`: a machine caller (the company's backend): client_credentials only, no user.
 * - `alexa-plus`: an Alexa+ MCP add-on. Confidential; client_credentials for Amazon's service-level
 *   calls (Tier 1: health checks, initialize, tools/list) and authorization code with PKCE S256 always
 *   required (Tier 2: the user's link) plus refresh. Its tokens name the MCP server (MCP_RESOURCE_URL) as
 *   their audience, never this service, so they act nowhere else.
 */
export type ClientKind = 'alexa' | 'app' | 'service' | 'alexa-plus';
export const CLIENT_KINDS: readonly ClientKind[] = ['alexa', 'app', 'service', 'alexa-plus'];

export type GrantType = 'authorization_code' | 'refresh_token' | 'client_credentials';
export const GRANT_TYPES: readonly GrantType[] = ['authorization_code', 'refresh_token', 'client_credentials'];

/** RFC 7591 token_endpoint_auth_method values we implement. */
export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';
export const TOKEN_ENDPOINT_AUTH_METHODS: readonly TokenEndpointAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'none'];

/** One registered client, validated: what the registry (server/oauth/clients.ts) is built from. */
export interface ClientSettings {
  clientId: string;
  kind: ClientKind;
  /** Shown on the sign-in and consent pages ("Alexa wants to…"). */
  clientName: string;
  /** The secret in clear (shorthand settings, or `client_secret` in the file); undefined for public clients and hashed secrets. */
  secret: string | undefined;
  /** SHA-256 of the secret as 64 hex digits (`client_secret_hash: "sha256:…"`). */
  secretSha256: string | undefined;
  /** Matched exactly; for Alexa clients with `alexa_vendor_id`, its three redirect URLs come first. */
  redirectUris: string[];
  grantTypes: GrantType[];
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  scopes: string[];
  /** Refuse authorization requests without PKCE S256 (always true for public clients). */
  requirePkce: boolean;
  alexaVendorId: string | undefined;
}

/** The three Alexa redirect URLs for a vendor id, as the developer console lists them. */
export function alexaRedirectUris(vendorId: string): string[] {
  return [
    `https://pitangui.amazon.com/api/skill/link/${vendorId}`,
    `https://layla.amazon.com/api/skill/link/${vendorId}`,
    `https://alexa.amazon.co.jp/api/skill/link/${vendorId}`,
  ];
}

/** An Alexa redirect URL (any region, any vendor); group 1 is the vendor id. */
export const ALEXA_REDIRECT_URL = /^https:\/\/(?:pitangui\.amazon\.com|layla\.amazon\.com|alexa\.amazon\.co\.jp)\/api\/skill\/link\/([A-Za-z0-9]+)$/;

/** Alexa accepts at most this many scopes in the console. */
export const MAX_ALEXA_SCOPES = 15;

const DEFAULT_SECRETS = new Set(['secret', 'changeme', 'change-me', 'password', 'demo', 'linkwright']);

/** Why a secret in clear is too weak for production, or undefined when it is fine. */
export function weakSecretProblem(secret: string): string | undefined {
  if (secret.length < 24 || DEFAULT_SECRETS.has(secret.toLowerCase())) return 'is a default or too short (use at least 24 random characters)';
  return undefined;
}

interface KindRule {
  /** Grant types the kind may register. */
  allowed: readonly GrantType[];
  /** Grant types when `grant_types` is absent. */
  defaults: readonly GrantType[];
  /** none: public only; secret: confidential only. */
  auth: 'none' | 'secret';
  /** Whether the kind takes redirect URIs (every authorization_code client needs one). */
  redirects: boolean;
}

const KIND_RULES: Record<ClientKind, KindRule> = {
  alexa: { allowed: ['authorization_code', 'refresh_token'], defaults: ['authorization_code', 'refresh_token'], auth: 'secret', redirects: true },
  app: { allowed: ['authorization_code', 'refresh_token'], defaults: ['authorization_code', 'refresh_token'], auth: 'none', redirects: true },
  service: { allowed: ['client_credentials'], defaults: ['client_credentials'], auth: 'secret', redirects: false },
  'alexa-plus': {
    allowed: ['authorization_code', 'refresh_token', 'client_credentials'],
    defaults: ['authorization_code', 'refresh_token', 'client_credentials'],
    auth: 'secret',
    redirects: true,
  },
};

/** Kinds whose authorization requests must carry PKCE S256 whatever the file says (Amazon calls Alexa+ linking OAuth 2.1). */
export const PKCE_ALWAYS: ReadonlySet<ClientKind> = new Set(['app', 'alexa-plus']);

const KNOWN_FIELDS = new Set([
  'client_id',
  'client_name',
  'kind',
  'client_secret',
  'client_secret_hash',
  'redirect_uris',
  'grant_types',
  'token_endpoint_auth_method',
  'scope',
  'require_pkce',
  'alexa_vendor_id',
]);

/** RFC 6749 §3.3 scope-token. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
/** Visible ASCII without ':' (HTTP Basic splits id and secret at the first colon). */
const CLIENT_ID = /^[\x21-\x39\x3b-\x7e]{1,256}$/;
const SECRET_HASH = /^sha256:([0-9a-fA-F]{64})$/;

/**
 * Reads CLIENTS_FILE: a JSON array of clients, or an object with a `clients` array, each with RFC 7591
 * metadata names. Returns the clients it could read and one line per problem found (all of them, so a
 * deployment hears about every mistake at once).
 */
export function readClientsFile(path: string, production: boolean): { clients: ClientSettings[]; problems: string[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { clients: [], problems: [`CLIENTS_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`] };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { clients: [], problems: [`CLIENTS_FILE: ${path} is not valid JSON (${(error as Error).message})`] };
  }
  return parseClients(parsed, production);
}

/** Validates parsed CLIENTS_FILE content (see readClientsFile). */
export function parseClients(parsed: unknown, production: boolean): { clients: ClientSettings[]; problems: string[] } {
  const list = Array.isArray(parsed) ? parsed : isObject(parsed) && Array.isArray(parsed.clients) ? (parsed.clients as unknown[]) : undefined;
  if (list === undefined) return { clients: [], problems: ['CLIENTS_FILE must hold a JSON array of clients, or an object with a "clients" array'] };
  if (list.length === 0) return { clients: [], problems: ['CLIENTS_FILE lists no client'] };
  const problems: string[] = [];
  const clients: ClientSettings[] = [];
  const seen = new Set<string>();
  list.forEach((raw, index) => {
    const { client, problems: found } = parseClient(raw, index, production);
    problems.push(...found);
    if (!client) return;
    if (seen.has(client.clientId)) problems.push(`CLIENTS_FILE clients[${index}]: client_id "${client.clientId}" is listed twice`);
    seen.add(client.clientId);
    clients.push(client);
  });
  if (problems.length === 0 && !clients.some((c) => c.kind === 'alexa')) {
    problems.push('CLIENTS_FILE lists no Alexa client (kind "alexa", or one with alexa_vendor_id): Alexa could not link');
  }
  return { clients, problems };
}

function parseClient(raw: unknown, index: number, production: boolean): { client?: ClientSettings; problems: string[] } {
  const problems: string[] = [];
  if (!isObject(raw)) return { problems: [`CLIENTS_FILE clients[${index}] must be a JSON object`] };
  const idValue = raw.client_id;
  const label = `CLIENTS_FILE clients[${index}]${typeof idValue === 'string' ? ` ("${idValue.slice(0, 60)}")` : ''}`;
  const problem = (line: string) => problems.push(`${label}: ${line}`);

  for (const field of Object.keys(raw)) if (!KNOWN_FIELDS.has(field)) problem(`unknown field "${field}" (known: ${[...KNOWN_FIELDS].join(', ')})`);

  let clientId = '';
  if (typeof idValue !== 'string') problem('client_id is required (a string)');
  else if (!CLIENT_ID.test(idValue)) problem('client_id must be 1 to 256 visible ASCII characters without ":"');
  else clientId = idValue;

  const text = (name: string): string | undefined => {
    const value = raw[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.trim() === '') {
      problem(`${name} must be a non-empty string`);
      return undefined;
    }
    return value;
  };

  const vendorId = text('alexa_vendor_id');
  if (vendorId !== undefined && !/^[A-Za-z0-9]+$/.test(vendorId)) problem(`alexa_vendor_id must be letters and digits as the console shows it, got "${vendorId}"`);

  const authMethodRaw = text('token_endpoint_auth_method');
  let authMethod: TokenEndpointAuthMethod | undefined;
  if (authMethodRaw !== undefined) {
    if ((TOKEN_ENDPOINT_AUTH_METHODS as readonly string[]).includes(authMethodRaw)) authMethod = authMethodRaw as TokenEndpointAuthMethod;
    else problem(`token_endpoint_auth_method must be one of ${TOKEN_ENDPOINT_AUTH_METHODS.join(', ')}, got "${authMethodRaw}"`);
  }

  let grantTypes: GrantType[] | undefined;
  if (raw.grant_types !== undefined) {
    const value = raw.grant_types;
    if (!Array.isArray(value) || value.length === 0 || !value.every((g) => typeof g === 'string')) problem('grant_types must be a non-empty array of strings');
    else {
      const unknown = value.filter((g) => !(GRANT_TYPES as readonly string[]).includes(g));
      if (unknown.length > 0) problem(`grant_types has unsupported ${unknown.map((g) => `"${g}"`).join(', ')} (supported: ${GRANT_TYPES.join(', ')})`);
      else grantTypes = [...new Set(value as GrantType[])];
    }
  }

  const redirectsRaw = raw.redirect_uris;
  let listedRedirects: string[] = [];
  if (redirectsRaw !== undefined) {
    if (!Array.isArray(redirectsRaw) || !redirectsRaw.every((u) => typeof u === 'string')) problem('redirect_uris must be an array of strings');
    else listedRedirects = redirectsRaw as string[];
  }

  // The kind: given, or read from what only one kind has (an Alexa vendor id or redirect URL, no secret, only client_credentials).
  let kind: ClientKind | undefined;
  const kindRaw = text('kind');
  if (kindRaw !== undefined) {
    if ((CLIENT_KINDS as readonly string[]).includes(kindRaw)) kind = kindRaw as ClientKind;
    else problem(`kind must be one of ${CLIENT_KINDS.join(', ')}, got "${kindRaw}"`);
  } else if (vendorId !== undefined || (listedRedirects.length > 0 && listedRedirects.every((u) => ALEXA_REDIRECT_URL.test(u)))) kind = 'alexa';
  else if (authMethod === 'none') kind = 'app';
  else if (grantTypes?.length === 1 && grantTypes[0] === 'client_credentials') kind = 'service';
  else if (kindRaw === undefined) problem(`cannot tell what the client is for: set kind to ${CLIENT_KINDS.join(', ')}`);
  if (kind === undefined) return { problems };
  const rule = KIND_RULES[kind];

  if (vendorId !== undefined && kind !== 'alexa') problem(`alexa_vendor_id is only for Alexa clients, not kind "${kind}"`);
  grantTypes ??= [...rule.defaults];
  const disallowed = grantTypes.filter((g) => !rule.allowed.includes(g));
  if (disallowed.length > 0) problem(`a client of kind "${kind}" may not use ${disallowed.join(', ')} (allowed: ${rule.allowed.join(', ')})`);
  if (grantTypes.includes('authorization_code') && !grantTypes.includes('refresh_token')) {
    problem('grant_types with authorization_code must include refresh_token (linked users and apps are kept signed in by refresh tokens)');
  }
  if (grantTypes.includes('refresh_token') && !grantTypes.includes('authorization_code')) problem('grant_types with refresh_token needs authorization_code (the grant refresh tokens come from)');

  authMethod ??= rule.auth === 'none' ? 'none' : 'client_secret_basic';
  const secret = text('client_secret');
  const hashRaw = text('client_secret_hash');
  let secretSha256: string | undefined;
  if (hashRaw !== undefined) {
    const match = SECRET_HASH.exec(hashRaw);
    if (match) secretSha256 = (match[1] as string).toLowerCase();
    else problem('client_secret_hash must be "sha256:" followed by the 64 hex digits of the secret\'s SHA-256 (printf %s "$SECRET" | sha256sum)');
  }
  if (rule.auth === 'none') {
    if (authMethod !== 'none') problem(`a client of kind "${kind}" is public: token_endpoint_auth_method must be none`);
    if (secret !== undefined || hashRaw !== undefined) problem(`a client of kind "${kind}" is public (RFC 8252): it must have no client_secret or client_secret_hash`);
  } else {
    if (authMethod === 'none') problem(`a client of kind "${kind}" must authenticate: token_endpoint_auth_method client_secret_basic or client_secret_post`);
    if (secret === undefined && hashRaw === undefined) problem('client_secret or client_secret_hash is required (this client authenticates with a secret)');
    if (secret !== undefined && hashRaw !== undefined) problem('give client_secret or client_secret_hash, not both');
    const weak = secret !== undefined && production ? weakSecretProblem(secret) : undefined;
    if (weak) problem(`client_secret ${weak}`);
  }

  const redirectUris = [...new Set([...(vendorId ? alexaRedirectUris(vendorId) : []), ...listedRedirects])];
  if (!rule.redirects && redirectUris.length > 0) problem(`a client of kind "${kind}" has no redirects: remove redirect_uris`);
  if (rule.redirects && redirectUris.length === 0) problem(kind === 'alexa' ? 'alexa_vendor_id or redirect_uris is required' : 'redirect_uris is required');
  listedRedirects.forEach((uri, i) => {
    const why = kind === 'app' ? nativeRedirectProblem(uri) : redirectProblem(uri);
    if (why) problem(`redirect_uris[${i}] "${uri.slice(0, 200)}" ${why}`);
  });

  let scopes: string[] = kind === 'service' ? [] : ['profile'];
  const scopeRaw = raw.scope;
  if (scopeRaw !== undefined) {
    if (typeof scopeRaw !== 'string') problem('scope must be a string of space-separated scopes');
    else {
      scopes = [...new Set(scopeRaw.split(' ').filter(Boolean))];
      const bad = scopes.filter((s) => !SCOPE_TOKEN.test(s));
      if (bad.length > 0) problem(`scope has invalid scope names ${bad.map((s) => `"${s}"`).join(', ')}`);
    }
  }
  if (scopes.length === 0) problem(kind === 'service' ? 'scope is required: a service token carries only the scopes registered here (e.g. "app_links")' : 'scope lists no scope');
  if (kind === 'alexa' && scopes.length > MAX_ALEXA_SCOPES) problem(`scope lists ${scopes.length} scopes; Alexa accepts at most ${MAX_ALEXA_SCOPES}`);

  let requirePkce = PKCE_ALWAYS.has(kind);
  if (raw.require_pkce !== undefined) {
    if (typeof raw.require_pkce !== 'boolean') problem('require_pkce must be true or false');
    else if (!grantTypes.includes('authorization_code')) problem('require_pkce applies only to clients with the authorization_code grant');
    // A public client has nothing else binding the code to it: PKCE is not optional (RFC 8252 §8.1, RFC 9700 §2.1.1).
    else if (rule.auth === 'none' && !raw.require_pkce) problem('require_pkce cannot be false for a public client (RFC 8252 requires PKCE)');
    else if (kind === 'alexa-plus' && !raw.require_pkce) problem('require_pkce cannot be false for an Alexa+ add-on (OAuth 2.1: PKCE S256 is required)');
    else requirePkce = raw.require_pkce;
  }

  const clientName = text('client_name') ?? (kind === 'alexa' ? 'Alexa' : clientId);
  if (problems.length > 0) return { problems };
  return {
    client: { clientId, kind, clientName, secret, secretSha256, redirectUris, grantTypes, tokenEndpointAuthMethod: authMethod, scopes, requirePkce, alexaVendorId: vendorId },
    problems,
  };
}

/** Why a confidential client's redirect URI is unusable, or undefined. */
function redirectProblem(uri: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    return 'is not an absolute URL';
  }
  if (parsed.hash || uri.includes('#')) return 'must not have a fragment';
  return undefined;
}

/**
 * Why a native app's redirect URI is unusable (RFC 8252 §7): a claimed https URL, or a private-use
 * scheme in reverse-domain form (com.example.app:/callback). Loopback redirects are not offered: a
 * mobile app has a claimed link or its own scheme, and http://127.0.0.1 would be another app's to take.
 */
function nativeRedirectProblem(uri: string): string | undefined {
  const basic = redirectProblem(uri);
  if (basic) return basic;
  const scheme = new URL(uri).protocol.slice(0, -1);
  if (scheme === 'https') return undefined;
  if (scheme === 'http') return 'must be a claimed https URL or a private-use scheme (RFC 8252 §7); loopback and http redirects are not accepted';
  if (!scheme.includes('.')) return `uses the scheme "${scheme}": a private-use scheme must be a reverse domain name such as com.example.app (RFC 8252 §7.1)`;
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
