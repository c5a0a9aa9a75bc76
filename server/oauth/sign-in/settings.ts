import type { EnvReader } from '../../config/env';

/** Where the callback route of the upstream provider lives (its redirect URI is PUBLIC_URL + this path). */
export const UPSTREAM_CALLBACK_PATH = '/oauth/upstream/callback';

/** Local accounts: Linkwright's own password store, filled with `npm run account`. */
export interface LocalLoginSource {
  kind: 'local';
}

/** An upstream OpenID Connect provider signs the user in; Linkwright is its client. */
export interface UpstreamLoginSource {
  kind: 'oidc';
  issuer: string;
  clientId: string;
  /** Absent for a public client (PKCE only, token_endpoint_auth_method none). */
  clientSecret: string | undefined;
  /** Always includes openid. */
  scopes: string[];
  /** The provider's name on the sign-in button and the pages ("Sign in with …"). */
  name: string;
  /** The one algorithm the provider's ID tokens must be signed with (asymmetric only). */
  idTokenAlg: string;
  /** Per-request budget for discovery, token, JWKS and userinfo requests. */
  timeoutMs: number;
  /** `${PUBLIC_URL}/oauth/upstream/callback`: to be registered at the provider. */
  redirectUri: string;
}

/** The company's own endpoint checks the username and password (see README, "Company API"). */
export interface ApiLoginSource {
  kind: 'api';
  verifyUrl: string;
  secret: string;
  timeoutMs: number;
}

export type LoginSource = LocalLoginSource | UpstreamLoginSource | ApiLoginSource;

const UPSTREAM_SETTINGS = [
  'LOGIN_UPSTREAM_ISSUER',
  'LOGIN_UPSTREAM_CLIENT_ID',
  'LOGIN_UPSTREAM_CLIENT_SECRET',
  'LOGIN_UPSTREAM_SCOPES',
  'LOGIN_UPSTREAM_NAME',
  'LOGIN_UPSTREAM_ID_TOKEN_ALG',
  'LOGIN_UPSTREAM_TIMEOUT_MS',
];
/** Asymmetric algorithms only: an HS256 ID token would be signed with the client secret, which is no proof of the provider. */
const ID_TOKEN_ALGS = ['RS256', 'PS256', 'ES256', 'ES384', 'RS384', 'RS512', 'PS384', 'PS512', 'EdDSA', 'Ed25519'] as const;
const API_SETTINGS = ['LOGIN_VERIFY_URL', 'LOGIN_VERIFY_SECRET', 'LOGIN_VERIFY_TIMEOUT_MS'];

/**
 * Reads LOGIN_SOURCE and the settings of the source it names. A chosen source with a missing setting,
 * and a setting of a source that is not chosen (a sign of a half-done switch), each give one problem line.
 */
export function parseLoginSource(read: EnvReader, production: boolean, publicUrl: string): LoginSource {
  const kind = read.choice('LOGIN_SOURCE', ['local', 'oidc', 'api'] as const, 'local');
  const unused = (names: string[]) => {
    for (const name of names) if (read.string(name) !== undefined) read.problem(`${name} is set but LOGIN_SOURCE is ${kind}: remove it, or set LOGIN_SOURCE=${names === API_SETTINGS ? 'api' : 'oidc'}`);
  };
  if (kind !== 'oidc') unused(UPSTREAM_SETTINGS);
  if (kind !== 'api') unused(API_SETTINGS);
  if (kind === 'oidc') return readUpstream(read, production, publicUrl);
  if (kind === 'api') return readApi(read, production);
  return { kind: 'local' };
}

function readUpstream(read: EnvReader, production: boolean, publicUrl: string): UpstreamLoginSource {
  // Kept exactly as given (a trailing slash included): discovery compares it with the provider's `issuer`.
  const issuer = read.string('LOGIN_UPSTREAM_ISSUER');
  if (issuer === undefined) read.problem("LOGIN_SOURCE=oidc needs LOGIN_UPSTREAM_ISSUER (the provider's issuer URL, e.g. https://example.eu.auth0.com/)");
  else if (!/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(issuer)) read.problem(`LOGIN_UPSTREAM_ISSUER must be an absolute http(s) URL without query or fragment, got "${issuer}"`);
  else if (production && issuer.startsWith('http://')) read.problem(`LOGIN_UPSTREAM_ISSUER must be https in production, got "${issuer}"`);
  const clientId = read.string('LOGIN_UPSTREAM_CLIENT_ID');
  if (clientId === undefined) read.problem('LOGIN_SOURCE=oidc needs LOGIN_UPSTREAM_CLIENT_ID (the client id the provider gave Linkwright)');
  const scopes = read.string('LOGIN_UPSTREAM_SCOPES')?.split(/[\s,]+/).filter(Boolean) ?? ['openid', 'profile', 'email'];
  if (!scopes.includes('openid')) read.problem(`LOGIN_UPSTREAM_SCOPES must include openid (it asks for the ID token), got "${scopes.join(' ')}"`);
  const name = read.string('LOGIN_UPSTREAM_NAME') ?? (issuer && URL.canParse(issuer) ? new URL(issuer).hostname : 'your company account');
  return {
    kind: 'oidc',
    issuer: issuer ?? '',
    clientId: clientId ?? '',
    clientSecret: read.string('LOGIN_UPSTREAM_CLIENT_SECRET'),
    scopes,
    name,
    // Pinned: otherwise openid-client accepts any algorithm the provider advertises, HS256 included.
    idTokenAlg: read.choice('LOGIN_UPSTREAM_ID_TOKEN_ALG', ID_TOKEN_ALGS, 'RS256'),
    timeoutMs: read.integer('LOGIN_UPSTREAM_TIMEOUT_MS', 5000, 200, 30_000),
    redirectUri: `${publicUrl}${UPSTREAM_CALLBACK_PATH}`,
  };
}

function readApi(read: EnvReader, production: boolean): ApiLoginSource {
  const verifyUrl = read.url('LOGIN_VERIFY_URL');
  if (read.string('LOGIN_VERIFY_URL') === undefined) read.problem("LOGIN_SOURCE=api needs LOGIN_VERIFY_URL (the company's endpoint that checks a username and password)");
  else if (production && verifyUrl?.startsWith('http://')) read.problem(`LOGIN_VERIFY_URL must be https in production (it carries passwords), got "${verifyUrl}"`);
  const secret = read.string('LOGIN_VERIFY_SECRET');
  if (secret === undefined) read.problem('LOGIN_SOURCE=api needs LOGIN_VERIFY_SECRET (the shared secret that signs each request; openssl rand -base64 32)');
  else if (secret.length < 32) read.problem(`LOGIN_VERIFY_SECRET must be at least 32 characters (openssl rand -base64 32), got ${secret.length}`);
  return {
    kind: 'api',
    verifyUrl: verifyUrl ?? '',
    secret: secret ?? '',
    timeoutMs: read.integer('LOGIN_VERIFY_TIMEOUT_MS', 3000, 100, 10_000),
  };
}
