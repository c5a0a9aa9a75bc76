import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type Env, EnvReader, SettingsError } from './env';
import { parseAmazonUrls, type AmazonUrls } from './amazon';
import { parseSkillSettings, type SkillSettings } from '../skill/settings';
import { parseAppLinksSettings, type AppLinksSettings } from '../../app-links/settings';
import { parseOpsSettings, type OpsSettings } from '../ops/settings';
import { parseAddonSettings, type AddonSettings } from '../addon/settings';
import { parseOverloadSettings, type OverloadSettings } from '../http/overload-settings';
import { KeyRing } from '../oauth/keys';
import { alexaRedirectUris, type ClientSettings, MAX_ALEXA_SCOPES, readClientsFile, weakSecretProblem } from './clients-file';
import { readResourceServerSettings, type ResourceServerSettings } from '../oauth/resource-server-settings';
import { parseLoginSource, type LoginSource } from '../oauth/sign-in/settings';
import { PAGE_LOCALES, type PageLocale } from '../views/i18n/locales';
import { parseBrandSettings, type BrandSettings } from './brand';
import { DEFAULT_COMMAND_TIMEOUT_MS } from '../store/store';

export { alexaRedirectUris } from './clients-file';

/** Where the development callback page lives (see OAuthSettings.devCallbackUri). */
export const DEV_CALLBACK_PATH = '/oauth/dev/callback';

export const MIN_ACCESS_TOKEN_TTL = 360; // Alexa rejects shorter-lived access tokens.
const DAY = 86_400;

export interface OAuthSettings extends ResourceServerSettings {
  /**
   * Every registered client: CLIENTS_FILE, or the one Alexa client the single-client settings describe
   * (OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, ALEXA_VENDOR_ID, OAUTH_REDIRECT_URIS, OAUTH_SCOPES,
   * OAUTH_REQUIRE_PKCE, OAUTH_CLIENT_NAME).
   */
  clients: ClientSettings[];
  /** The CLIENTS_FILE path the clients came from; undefined when the single-client settings describe them. */
  clientsFile: string | undefined;
  /**
   * The fields below describe the primary Alexa client: the first Alexa client of CLIENTS_FILE, or the
   * shorthand's. It is the one the developer-console helper prints and app-to-app linking (SKILL_ID)
   * mints codes for.
   */
  clientId: string;
  /** Undefined when CLIENTS_FILE gives the secret as a hash. */
  clientSecret: string | undefined;
  /** True when the secret was generated at start (development only); it is printed once. */
  clientSecretGenerated: boolean;
  vendorId: string | undefined;
  /** Every redirect URI the primary Alexa client may use, matched exactly. */
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
  /** Send `iss` with authorization responses (RFC 9207 mix-up defence) and advertise it in the metadata. */
  issParameter: boolean;
  /** The client's name on the consent page ("Alexa wants to…"). */
  clientName: string;
  /** The company's or product's name on the sign-in and consent pages (BRAND_NAME, formerly SERVICE_NAME). */
  serviceName: string;
  /** Set in development when no redirect URI is configured: the local page that shows the code. */
  devCallbackUri: string | undefined;
}

/** Every setting of the service, as loadSettings reads them from the environment. */
export interface Settings {
  /** NODE_ENV is `production`: stricter checks (https PUBLIC_URL, Redis, no default secrets). */
  production: boolean;
  /** The port `start()` listens on (PORT). */
  port: number;
  /** The interface `start()` listens on (HOST). */
  host: string;
  /** The public https origin Alexa and browsers reach (PUBLIC_URL); the OAuth issuer. */
  publicUrl: string;
  /** pino's level (LOG_LEVEL). */
  logLevel: string;
  /** Which proxies' X-Forwarded-* headers are believed (TRUST_PROXY), express's syntax. */
  trustProxy: string | undefined;
  /** The store (REDIS_URL and friends); no URL means in memory. */
  redis: { url: string | undefined; keyPrefix: string; commandTimeoutMs: number };
  /** When the process refuses work at once rather than queue it, and the listener's own bounds. */
  overload: OverloadSettings;
  /** The authorization server: clients, token lifetimes, signing keys. */
  oauth: OAuthSettings;
  /** Who checks the user's identity on the sign-in page (LOGIN_SOURCE). */
  login: LoginSource;
  /** The company's name, logo, colour and links on every end-user page (BRAND_*). */
  brand: BrandSettings;
  /** The pages' language when neither ui_locales nor Accept-Language names one we have (DEFAULT_LOCALE). */
  defaultLocale: PageLocale;
  /** Amazon's URLs: Login with Amazon's endpoints and the Alexa app's link. */
  amazon: AmazonUrls;
  /** The demo account seeded outside production, if any. */
  demo: { username: string; password: string; passwordGenerated: boolean } | undefined;
  /** The skill endpoint (POST /alexa): on or off, application id, signature checks. */
  skill: SkillSettings;
  /** App-to-app linking (the companion's association files and endpoints). */
  appLinks: AppLinksSettings;
  /** Diagnostics (/ops) and /metrics. */
  ops: OpsSettings;
  /** The Alexa+ add-on (MCP): the demo endpoint, the MCP server's URL, the 401 challenge. */
  addon: AddonSettings;
}

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

  const brand = parseBrandSettings(read, production);
  const oauth = readOAuth(read, production, publicUrl, brand.name);
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
    brand,
    defaultLocale: read.choice('DEFAULT_LOCALE', PAGE_LOCALES, 'en-US'),
    amazon: parseAmazonUrls(read, production),
    demo,
    skill: parseSkillSettings(read, production),
    appLinks: parseAppLinksSettings(read, production, publicUrl),
    ops: parseOpsSettings(read, production, demo),
    addon: parseAddonSettings(read, production, publicUrl),
  };
  if (read.problems.length > 0) throw new SettingsError(read.problems);
  return settings;
}

/** The settings a CLIENTS_FILE replaces (each is one field of the single Alexa client it describes). */
const SHORTHAND_CLIENT_SETTINGS = [
  'OAUTH_CLIENT_ID',
  'OAUTH_CLIENT_SECRET',
  'ALEXA_VENDOR_ID',
  'OAUTH_REDIRECT_URIS',
  'OAUTH_SCOPES',
  'OAUTH_REQUIRE_PKCE',
  'OAUTH_CLIENT_NAME',
  'ALEXA_PLUS_CLIENT_ID',
  'ALEXA_PLUS_CLIENT_SECRET',
  'ALEXA_PLUS_REDIRECT_URIS',
];

interface ReadClients {
  clients: ClientSettings[];
  clientSecretGenerated: boolean;
  devCallbackUri: string | undefined;
}

function readClients(read: EnvReader, production: boolean, publicUrl: string): ReadClients {
  const file = read.string('CLIENTS_FILE');
  if (file === undefined) return readShorthandClient(read, production, publicUrl);
  const mixed = SHORTHAND_CLIENT_SETTINGS.filter((name) => read.string(name) !== undefined);
  if (mixed.length > 0) read.problem(`CLIENTS_FILE is set, so ${mixed.join(', ')} must not be (describe that client in the file)`);
  const { clients, problems } = readClientsFile(file, production);
  for (const line of problems) read.problem(line);
  return { clients, clientSecretGenerated: false, devCallbackUri: undefined };
}

/** The single Alexa client of the shorthand settings. */
function readShorthandClient(read: EnvReader, production: boolean, publicUrl: string): ReadClients {
  const clientId = read.string('OAUTH_CLIENT_ID') ?? (production ? '' : 'alexa-skill');
  if (production && !clientId) read.problem('OAUTH_CLIENT_ID is required in production');

  let clientSecret = read.string('OAUTH_CLIENT_SECRET');
  let clientSecretGenerated = false;
  if (clientSecret === undefined) {
    if (production) read.problem('OAUTH_CLIENT_SECRET is required in production');
    clientSecret = randomBytes(24).toString('base64url');
    clientSecretGenerated = true;
  } else if (production) {
    const weak = weakSecretProblem(clientSecret);
    if (weak) read.problem(`OAUTH_CLIENT_SECRET ${weak}`);
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
  if (scopes.length > MAX_ALEXA_SCOPES) read.problem(`OAUTH_SCOPES lists ${scopes.length} scopes; Alexa accepts at most ${MAX_ALEXA_SCOPES}`);

  const client: ClientSettings = {
    clientId,
    kind: 'alexa',
    clientName: read.string('OAUTH_CLIENT_NAME') ?? 'Alexa',
    secret: clientSecret,
    secretSha256: undefined,
    redirectUris,
    grantTypes: ['authorization_code', 'refresh_token'],
    tokenEndpointAuthMethod: 'client_secret_basic',
    scopes,
    requirePkce: read.boolean('OAUTH_REQUIRE_PKCE', false),
    alexaVendorId: vendorId,
  };
  const addon = readShorthandAlexaPlusClient(read, production, scopes);
  return { clients: addon ? [client, addon] : [client], clientSecretGenerated, devCallbackUri };
}

/**
 * The Alexa+ add-on client of the shorthand settings (ALEXA_PLUS_CLIENT_ID, ALEXA_PLUS_CLIENT_SECRET,
 * ALEXA_PLUS_REDIRECT_URIS), when ALEXA_PLUS_CLIENT_ID is set: both tiers' grants, PKCE required, the
 * classic client's scopes. Amazon's add-on pages do not say which redirect URL Alexa+ uses, so it is
 * given, never derived from a vendor id.
 */
function readShorthandAlexaPlusClient(read: EnvReader, production: boolean, scopes: string[]): ClientSettings | undefined {
  const clientId = read.string('ALEXA_PLUS_CLIENT_ID');
  const secret = read.string('ALEXA_PLUS_CLIENT_SECRET');
  const redirects = read.list('ALEXA_PLUS_REDIRECT_URIS');
  if (clientId === undefined) {
    if (secret !== undefined || redirects.length > 0) read.problem('ALEXA_PLUS_CLIENT_SECRET and ALEXA_PLUS_REDIRECT_URIS need ALEXA_PLUS_CLIENT_ID');
    return undefined;
  }
  if (clientId === read.string('OAUTH_CLIENT_ID') || (clientId === 'alexa-skill' && read.string('OAUTH_CLIENT_ID') === undefined)) {
    read.problem('ALEXA_PLUS_CLIENT_ID must differ from OAUTH_CLIENT_ID (the add-on is a client of its own)');
  }
  if (secret === undefined) read.problem('ALEXA_PLUS_CLIENT_SECRET is required with ALEXA_PLUS_CLIENT_ID');
  else if (production) {
    const weak = weakSecretProblem(secret);
    if (weak) read.problem(`ALEXA_PLUS_CLIENT_SECRET ${weak}`);
  }
  if (redirects.length === 0) read.problem('ALEXA_PLUS_REDIRECT_URIS is required with ALEXA_PLUS_CLIENT_ID (the redirect URL the add-on console shows)');
  for (const uri of redirects) {
    try {
      if (new URL(uri).hash || uri.includes('#')) read.problem(`ALEXA_PLUS_REDIRECT_URIS entry must not have a fragment: "${uri}"`);
    } catch {
      read.problem(`ALEXA_PLUS_REDIRECT_URIS entry is not an absolute URL: "${uri}"`);
    }
  }
  return {
    clientId,
    kind: 'alexa-plus',
    clientName: 'Alexa+',
    secret,
    secretSha256: undefined,
    redirectUris: [...new Set(redirects)],
    grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
    tokenEndpointAuthMethod: 'client_secret_basic',
    scopes,
    requirePkce: true,
    alexaVendorId: undefined,
  };
}

function readOAuth(read: EnvReader, production: boolean, publicUrl: string, serviceName: string): OAuthSettings {
  const { clients, clientSecretGenerated, devCallbackUri } = readClients(read, production, publicUrl);
  const primary = clients.find((c) => c.kind === 'alexa');
  const resourceServer = readResourceServerSettings(read, production, primary?.clientId ?? '');
  const introspector = resourceServer.introspectionClient?.id;
  // The introspection client is a registry entry too: it must not take the id of another client.
  if (introspector !== undefined && introspector !== primary?.clientId && clients.some((c) => c.clientId === introspector)) {
    read.problem(`INTROSPECTION_CLIENT_ID must differ from every client_id of CLIENTS_FILE (a resource server gets its own credentials), got "${introspector}"`);
  }

  const signingKeyPems = readSigningKeys(read);
  if (production && signingKeyPems.length === 0) {
    read.problem('SIGNING_KEYS or SIGNING_KEY_FILES is required in production (a generated key would change on every restart)');
  }

  return {
    clients,
    clientsFile: read.string('CLIENTS_FILE'),
    clientId: primary?.clientId ?? '',
    clientSecret: primary?.secret,
    clientSecretGenerated,
    vendorId: primary?.alexaVendorId,
    redirectUris: primary?.redirectUris ?? [],
    scopes: primary?.scopes ?? [],
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
    issParameter: read.boolean('OAUTH_ISS_PARAMETER', true),
    clientName: primary?.clientName ?? 'Alexa',
    serviceName,
    devCallbackUri,
    ...resourceServer,
  };
}

const PEM_BLOCK = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+?-----END [A-Z ]*PRIVATE KEY-----/g;

/**
 * SIGNING_KEYS (PEM blocks, the first signs) and SIGNING_KEY_FILES. A block that is not a usable key is
 * named by its setting and position (index from 0, in the order given), so an operator with three keys in
 * one variable knows which to replace.
 */
function readSigningKeys(read: EnvReader): string[] {
  const pems: string[] = [];
  const take = (blocks: string[], source: string) => {
    blocks.forEach((pem, index) => {
      const problem = KeyRing.problemWith(pem, `${source} key ${index + 1} of ${blocks.length} (index ${index})`);
      if (problem) read.problem(problem);
      else pems.push(pem);
    });
  };
  const inline = read.string('SIGNING_KEYS');
  if (inline !== undefined) {
    // Platforms that cannot hold newlines in a variable get them as literal "\n".
    const text = inline.replace(/\\n/g, '\n');
    const blocks = text.match(PEM_BLOCK) ?? [];
    if (blocks.length === 0) read.problem('SIGNING_KEYS holds no PEM private key block');
    take(blocks, 'SIGNING_KEYS');
  }
  for (const path of read.list('SIGNING_KEY_FILES')) {
    try {
      const blocks = readFileSync(path, 'utf8').match(PEM_BLOCK) ?? [];
      if (blocks.length === 0) read.problem(`SIGNING_KEY_FILES: ${path} holds no PEM private key block`);
      take(blocks, `SIGNING_KEY_FILES ${path}`);
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
