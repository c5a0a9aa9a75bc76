import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type Env, EnvReader, SettingsError } from './env';
import { parseAmazonUrls, type AmazonUrls } from './amazon';
import { parseSkillSettings, type SkillSettings } from '../skill/settings';
import { parseAppLinksSettings, type AppLinksSettings } from '../../app-links/settings';
import { parseOpsSettings, type OpsSettings } from '../ops/settings';
import { parseOverloadSettings, type OverloadSettings } from '../http/overload-settings';
import { readResourceServerSettings, type ResourceServerSettings } from '../oauth/resource-server-settings';
import { parseLoginSource, type LoginSource } from '../oauth/sign-in/settings';
import { DEFAULT_COMMAND_TIMEOUT_MS } from '../store/store';

/** The three Alexa redirect URLs for a vendor id, as the developer console lists them. */
export function alexaRedirectUris(vendorId: string): string[] {
  return [
    `https://pitangui.amazon.com/api/skill/link/${vendorId}`,
    `https://layla.amazon.com/api/skill/link/${vendorId}`,
    `https://alexa.amazon.co.jp/api/skill/link/${vendorId}`,
  ];
}

/** Where the development callback page lives (see OAuthSettings.devCallbackUri). */
export const DEV_CALLBACK_PATH = '/oauth/dev/callback';

export const MIN_ACCESS_TOKEN_TTL = 360; // Alexa rejects shorter-lived access tokens.
const DAY = 86_400;

export interface OAuthSettings extends ResourceServerSettings {
  clientId: string;
  clientSecret: string;
  /** True when the secret was generated at start (development only); it is printed once. */
  clientSecretGenerated: boolean;
  vendorId: string | undefined;
  /** Every redirect URI the client may use, matched exactly. */
  redirectUris: string[];
  scopes: string[];
  accessTokenTtlSec: number;
  authCodeTtlSec: number;
  /** 0 means refresh tokens have no absolute lifetime. */
  refreshLifetimeSec: number;
  /** 0 means an unused refresh token never expires. */
  refreshIdleTtlSec: number;
  refreshGraceSec: number;
  /** PEM private keys; the first signs, the others still verify (rotation). Empty: generate one. */
  signingKeyPems: string[];
  loginMaxPerAccount: number;
  loginMaxPerAddress: number;
  loginWindowSec: number;
  /** How long a visitor has between opening the sign-in page and answering the consent page. */
  interactionTtlSec: number;
  /** Refuse authorization requests without PKCE (Alexa sends it only when enabled in the console). */
  requirePkce: boolean;
  /** Send `iss` with authorization responses (RFC 9207 mix-up defence) and advertise it in the metadata. */
  issParameter: boolean;
  /** The client's name on the consent page ("Alexa wants to…"). */
  clientName: string;
  /** The company's or product's name on the sign-in and consent pages. */
  serviceName: string;
  /** Set in development when no redirect URI is configured: the local page that shows the code. */
  devCallbackUri: string | undefined;
}

/** Every setting of the service, as loadSettings reads them from the environment. */
export interface Settings {
  production: boolean;
  port: number;
  host: string;
  publicUrl: string;
  logLevel: string;
  trustProxy: string | undefined;
  redis: { url: string | undefined; keyPrefix: string; commandTimeoutMs: number };
  /** When the process refuses work at once rather than queue it, and the listener's own bounds. */
  overload: OverloadSettings;
  oauth: OAuthSettings;
  /** Who checks the user's identity on the sign-in page (LOGIN_SOURCE). */
  login: LoginSource;
  amazon: AmazonUrls;
  demo: { username: string; password: string; passwordGenerated: boolean } | undefined;
  skill: SkillSettings;
  appLinks: AppLinksSettings;
  ops: OpsSettings;
}

const DEFAULT_SECRETS = new Set(['secret', 'changeme', 'change-me', 'password', 'demo', 'linkwright']);

/** Reads and validates the environment; throws SettingsError listing every problem found. */
export function loadSettings(env: Env = process.env): Settings {
  const read = new EnvReader(env);
  const production = read.string('NODE_ENV') === 'production';
  const port = read.integer('PORT', 3000, 0, 65535);
  const publicUrl = read.url('PUBLIC_URL', `http://localhost:${port}`) ?? `http://localhost:${port}`;
  if (production && !publicUrl.startsWith('https://')) {
    read.problem(`PUBLIC_URL must be https in production (Alexa only links over TLS), got "${publicUrl}"`);
  }

  const redisUrl = read.string('REDIS_URL');
  if (production && !redisUrl) read.problem('REDIS_URL is required in production (the in-memory store loses every link on restart)');

  const oauth = readOAuth(read, production, publicUrl);
  const demo = readDemo(read, production);

  const settings: Settings = {
    production,
    port,
    host: read.string('HOST') ?? '0.0.0.0',
    publicUrl,
    logLevel: read.choice('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    trustProxy: read.string('TRUST_PROXY'),
    redis: {
      url: redisUrl,
      keyPrefix: read.string('REDIS_KEY_PREFIX') ?? 'lw:',
      commandTimeoutMs: read.integer('REDIS_COMMAND_TIMEOUT_MS', DEFAULT_COMMAND_TIMEOUT_MS, 50, 60_000),
    },
    overload: parseOverloadSettings(read),
    oauth,
    login: parseLoginSource(read, production, publicUrl),
    amazon: parseAmazonUrls(read, production),
    demo,
    skill: parseSkillSettings(read, production),
    appLinks: parseAppLinksSettings(read, production, publicUrl),
    ops: parseOpsSettings(read, production, demo),
  };
  if (read.problems.length > 0) throw new SettingsError(read.problems);
  return settings;
}

function readOAuth(read: EnvReader, production: boolean, publicUrl: string): OAuthSettings {
  const clientId = read.string('OAUTH_CLIENT_ID') ?? (production ? '' : 'alexa-skill');
  if (production && !clientId) read.problem('OAUTH_CLIENT_ID is required in production');

  let clientSecret = read.string('OAUTH_CLIENT_SECRET');
  let clientSecretGenerated = false;
  if (clientSecret === undefined) {
    if (production) read.problem('OAUTH_CLIENT_SECRET is required in production');
    clientSecret = randomBytes(24).toString('base64url');
    clientSecretGenerated = true;
  } else if (production && (clientSecret.length < 24 || DEFAULT_SECRETS.has(clientSecret.toLowerCase()))) {
    read.problem('OAUTH_CLIENT_SECRET is a default or too short (use at least 24 random characters)');
  }

  const vendorId = read.string('ALEXA_VENDOR_ID');
  if (vendorId !== undefined && !/^[A-Za-z0-9]+$/.test(vendorId)) {
    read.problem(`ALEXA_VENDOR_ID must be letters and digits as the console shows it, got "${vendorId}"`);
  }
  const extra = read.list('OAUTH_REDIRECT_URIS');
  for (const uri of extra) {
    try {
      const parsed = new URL(uri);
      if (parsed.hash) read.problem(`OAUTH_REDIRECT_URIS entry must not have a fragment: "${uri}"`);
    } catch {
      read.problem(`OAUTH_REDIRECT_URIS entry is not an absolute URL: "${uri}"`);
    }
  }
  const redirectUris = [...new Set([...(vendorId ? alexaRedirectUris(vendorId) : []), ...extra])];
  if (production && redirectUris.length === 0) {
    read.problem('ALEXA_VENDOR_ID (or OAUTH_REDIRECT_URIS) is required in production: no redirect URI would be accepted');
  }
  // With nothing configured in development, a local page stands in for Alexa's redirect, so
  // `npm start` alone can walk the whole flow. It is never registered in production.
  let devCallbackUri: string | undefined;
  if (!production && redirectUris.length === 0) {
    devCallbackUri = `${publicUrl}${DEV_CALLBACK_PATH}`;
    redirectUris.push(devCallbackUri);
  }

  const scopes = read.string('OAUTH_SCOPES')?.split(/[\s,]+/).filter(Boolean) ?? ['profile'];
  if (scopes.length > 15) read.problem(`OAUTH_SCOPES lists ${scopes.length} scopes; Alexa accepts at most 15`);

  const signingKeyPems = readSigningKeys(read);
  if (production && signingKeyPems.length === 0) {
    read.problem('SIGNING_KEYS or SIGNING_KEY_FILES is required in production (a generated key would change on every restart)');
  }

  return {
    clientId,
    clientSecret,
    clientSecretGenerated,
    vendorId,
    redirectUris,
    scopes,
    accessTokenTtlSec: read.integer('ACCESS_TOKEN_TTL', 3600, MIN_ACCESS_TOKEN_TTL, 30 * DAY),
    authCodeTtlSec: read.integer('AUTH_CODE_TTL', 120, 10, 600),
    refreshLifetimeSec: read.integer('REFRESH_TOKEN_LIFETIME', 0, 0),
    refreshIdleTtlSec: read.integer('REFRESH_TOKEN_IDLE_TTL', 180 * DAY, 0),
    refreshGraceSec: read.integer('REFRESH_TOKEN_GRACE', 120, 0, 3600),
    signingKeyPems,
    loginMaxPerAccount: read.integer('LOGIN_MAX_ATTEMPTS_PER_ACCOUNT', 5, 1),
    loginMaxPerAddress: read.integer('LOGIN_MAX_ATTEMPTS_PER_ADDRESS', 30, 1),
    loginWindowSec: read.integer('LOGIN_WINDOW', 900, 10, DAY),
    interactionTtlSec: read.integer('LOGIN_INTERACTION_TTL', 600, 60, 3600),
    requirePkce: read.boolean('OAUTH_REQUIRE_PKCE', false),
    issParameter: read.boolean('OAUTH_ISS_PARAMETER', true),
    clientName: read.string('OAUTH_CLIENT_NAME') ?? 'Alexa',
    serviceName: read.string('SERVICE_NAME') ?? 'Linkwright',
    devCallbackUri,
    ...readResourceServerSettings(read, production, clientId),
  };
}

const PEM_BLOCK = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+?-----END [A-Z ]*PRIVATE KEY-----/g;

function readSigningKeys(read: EnvReader): string[] {
  const pems: string[] = [];
  const inline = read.string('SIGNING_KEYS');
  if (inline !== undefined) {
    // Platforms that cannot hold newlines in a variable get them as literal "\n".
    const text = inline.replace(/\\n/g, '\n');
    const blocks = text.match(PEM_BLOCK) ?? [];
    if (blocks.length === 0) read.problem('SIGNING_KEYS holds no PEM private key block');
    pems.push(...blocks);
  }
  for (const path of read.list('SIGNING_KEY_FILES')) {
    try {
      const blocks = readFileSync(path, 'utf8').match(PEM_BLOCK) ?? [];
      if (blocks.length === 0) read.problem(`SIGNING_KEY_FILES: ${path} holds no PEM private key block`);
      pems.push(...blocks);
    } catch (error) {
      read.problem(`SIGNING_KEY_FILES: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  return pems;
}

function readDemo(read: EnvReader, production: boolean): Settings['demo'] {
  const username = read.string('DEMO_USERNAME');
  const password = read.string('DEMO_PASSWORD');
  if (production) {
    if (username || password) read.problem('DEMO_USERNAME/DEMO_PASSWORD must not be set in production (add real accounts with npm run account)');
    return undefined;
  }
  if (read.boolean('DEMO_ACCOUNT', true) === false) return undefined;
  return {
    username: username ?? 'rider@example.com',
    password: password ?? randomBytes(9).toString('base64url'),
    passwordGenerated: password === undefined,
  };
}
