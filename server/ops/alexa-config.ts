import { AUTHORIZE_PATH } from '../../app-links/association-files';
import { alexaRedirectUris, MIN_ACCESS_TOKEN_TTL, type Settings } from '../config/settings';
import { OAUTH_PATHS } from '../oauth/metadata';
import type { AccessTokenScheme } from './settings';

/** SMAPI's AccountLinkingPlatformAuthorizationUrl: where the Alexa app opens the company's app. */
export interface PlatformAuthorizationUrl {
  platformType: 'iOS' | 'Android';
  platformAuthorizationUrl: string;
}

/**
 * The skill's account-linking configuration in the shape SMAPI's accountLinkingClient and
 * `ask smapi update-account-linking-info` take (the body is `{ "accountLinkingRequest": … }`).
 */
export interface AccountLinkingRequest {
  type: 'AUTH_CODE';
  authorizationUrl: string;
  accessTokenUrl: string;
  clientId: string;
  clientSecret: string;
  accessTokenScheme: AccessTokenScheme;
  scopes: string[];
  domains: string[];
  defaultTokenExpirationInSeconds: number;
  /** The company app's return URLs for app-to-app linking ("Your Redirect URLs"). */
  redirectUrls: string[];
  authorizationUrlsByPlatform: PlatformAuthorizationUrl[];
  skipOnEnablement: boolean;
  voiceForwardAccountLinking: 'ENABLED' | 'DISABLED';
}

/** Everything the Alexa side needs from this service, derived from its settings only. */
export interface AlexaConfiguration {
  accountLinking: AccountLinkingRequest;
  /** The "Alexa Redirect URLs" the console lists for the vendor id, which this service accepts. */
  alexaRedirectUrls: string[];
  /** The skill's HTTPS endpoint (manifest apis.custom.endpoint.uri). */
  skillEndpoint: string;
  /** One line per value Alexa would reject; empty when the configuration can be deployed. */
  problems: string[];
  /** Things worth knowing that Alexa would not reject. */
  notes: string[];
}

/** What stands in for the client secret unless it is asked for: configuration files get copied around. */
export const SECRET_PLACEHOLDER = '<OAUTH_CLIENT_SECRET>';
/** What stands in for a secret CLIENTS_FILE holds only as a hash: it cannot be shown, only pasted from where it is kept. */
export const SECRET_HASHED = '<the client secret (CLIENTS_FILE holds only its hash)>';
export const SKILL_ENDPOINT_PATH = '/alexa';
export const MAX_SCOPES = 15;
export const MAX_DOMAINS = 15;

/**
 * The one source of the Alexa configuration: `npm run alexa:config`, the development start banner and the
 * diagnostics page all call this, so what is pasted into the console cannot drift from what the service
 * accepts. `includeSecret` puts the real client secret in; otherwise a placeholder.
 */
export function alexaConfiguration(settings: Settings, options: { includeSecret?: boolean; clientId?: string | undefined } = {}): AlexaConfiguration {
  const { publicUrl } = settings;
  // One skill's console: the primary Alexa client's, or (several skills in CLIENTS_FILE) the one asked for.
  const chosen = options.clientId === undefined ? undefined : settings.oauth.clients.find((c) => c.kind === 'alexa' && c.clientId === options.clientId);
  if (options.clientId !== undefined && !chosen) throw new Error(`${options.clientId} is not an Alexa client of these settings`);
  const oauth = chosen
    ? { ...settings.oauth, clientId: chosen.clientId, clientSecret: chosen.secret, scopes: chosen.scopes, vendorId: chosen.alexaVendorId }
    : settings.oauth;
  const problems: string[] = [];
  const notes: string[] = [];

  if (settings.skill.linkingProvider !== 'builtin') {
    problems.push(
      `SKILL_LINKING_PROVIDER=${settings.skill.linkingProvider}: Alexa then links with that provider's authorization and token URLs and client, which this command does not know; configure account linking from the provider's values`,
    );
  }
  const base = new URL(publicUrl);
  if (base.protocol !== 'https:') {
    problems.push(`PUBLIC_URL is ${publicUrl}: Alexa accepts only https authorization and token URLs (set PUBLIC_URL to the service's public https address)`);
  } else if (base.port !== '' && base.port !== '443') {
    problems.push(`PUBLIC_URL uses port ${base.port}: Alexa calls the authorization and token URLs on port 443 only`);
  }
  if (!oauth.clientId) problems.push('OAUTH_CLIENT_ID is empty: the console needs "Your Client ID"');
  if (oauth.scopes.length > MAX_SCOPES) problems.push(`OAUTH_SCOPES lists ${oauth.scopes.length} scopes: Alexa accepts at most ${MAX_SCOPES}`);
  const domains = settings.ops.alexa.domains;
  if (domains.length > MAX_DOMAINS) problems.push(`ALEXA_LINKING_DOMAINS lists ${domains.length} domains: Alexa accepts at most ${MAX_DOMAINS}`);
  if (oauth.accessTokenTtlSec < MIN_ACCESS_TOKEN_TTL) {
    problems.push(`ACCESS_TOKEN_TTL is ${oauth.accessTokenTtlSec} s: Alexa refuses access tokens that live less than ${MIN_ACCESS_TOKEN_TTL} s`);
  }

  const appLinks = settings.appLinks;
  const redirectUrls = appLinks.enabled ? [appLinks.appRedirectUrl] : [];
  for (const url of redirectUrls) {
    if (!url.startsWith('https://')) problems.push(`APP_REDIRECT_URL is ${url}: Alexa accepts only https redirect URLs (a universal link / app link)`);
  }
  const platforms: PlatformAuthorizationUrl[] = [];
  if (appLinks.enabled && appLinks.accountProvider === 'ours') {
    const url = `${publicUrl}${AUTHORIZE_PATH}`;
    if (appLinks.association.iosAppIds.length > 0) platforms.push({ platformType: 'iOS', platformAuthorizationUrl: url });
    if (appLinks.association.androidPackage !== undefined) platforms.push({ platformType: 'Android', platformAuthorizationUrl: url });
  }

  const alexaRedirectUrls = oauth.vendorId ? alexaRedirectUris(oauth.vendorId) : [];
  if (!oauth.vendorId) notes.push('ALEXA_VENDOR_ID is unset: no Alexa redirect URL is accepted yet; copy the vendor id from the console\'s "Alexa Redirect URLs"');
  if (settings.skill.voiceForward && settings.skill.linkingProvider !== 'lwa') {
    notes.push('SKILL_VOICE_FORWARD is on, but Amazon offers voice-forward linking only when account linking uses Login with Amazon; users will get the LinkAccount card');
  }

  return {
    accountLinking: {
      type: 'AUTH_CODE',
      authorizationUrl: `${publicUrl}${OAUTH_PATHS.authorize}`,
      accessTokenUrl: `${publicUrl}${OAUTH_PATHS.token}`,
      clientId: oauth.clientId,
      clientSecret: options.includeSecret ? (oauth.clientSecret ?? SECRET_HASHED) : SECRET_PLACEHOLDER,
      accessTokenScheme: settings.ops.alexa.accessTokenScheme,
      scopes: [...oauth.scopes],
      domains: [...domains],
      defaultTokenExpirationInSeconds: oauth.accessTokenTtlSec,
      redirectUrls,
      authorizationUrlsByPlatform: platforms,
      skipOnEnablement: settings.ops.alexa.skipOnEnablement,
      voiceForwardAccountLinking: settings.skill.voiceForward ? 'ENABLED' : 'DISABLED',
    },
    alexaRedirectUrls,
    skillEndpoint: `${publicUrl}${SKILL_ENDPOINT_PATH}`,
    problems,
    notes,
  };
}

const SCHEME_NAMES: Record<AccessTokenScheme, string> = {
  HTTP_BASIC: 'HTTP Basic',
  REQUEST_BODY_CREDENTIALS: 'Credentials in request body',
};

/**
 * The configuration as the developer console labels its fields, one "label: value" per line (continuation
 * lines indented under the value). `secretShown` is printed for "Your Secret".
 */
export function consoleLines(config: AlexaConfiguration, secretShown: string): string[] {
  const linking = config.accountLinking;
  const rows: Array<[string, string[]]> = [
    ['Authorization URI', [linking.authorizationUrl]],
    ['Access Token URI', [linking.accessTokenUrl]],
    ['Your Client ID', [linking.clientId]],
    ['Your Secret', [secretShown]],
    ['Authentication Scheme', [`${SCHEME_NAMES[linking.accessTokenScheme]} (the other scheme is accepted too)`]],
    ['Scope', [linking.scopes.join(' ')]],
    ['Domain List', linking.domains.length > 0 ? linking.domains : ['(none)']],
    ['Default Access Token Expiration Time', [String(linking.defaultTokenExpirationInSeconds)]],
    ['Alexa Redirect URLs', config.alexaRedirectUrls.length > 0 ? config.alexaRedirectUrls : ["(none: set ALEXA_VENDOR_ID to the vendor id in the console's redirect URLs)"]],
    ['Your Redirect URLs', linking.redirectUrls.length > 0 ? linking.redirectUrls : ['(none: app-to-app linking is off)']],
    ...linking.authorizationUrlsByPlatform.map((p): [string, string[]] => [`${p.platformType} authorization URL`, [p.platformAuthorizationUrl]]),
    ['Voice-forward linking', [linking.voiceForwardAccountLinking === 'ENABLED' ? 'enabled' : 'disabled']],
    ['Skill endpoint (HTTPS)', [config.skillEndpoint]],
  ];
  const lines: string[] = [];
  for (const [label, values] of rows) {
    const head = `  ${label}:`;
    // Short labels line up in one column (26 wide); a longer label is followed by a single space.
    const pad = head.length < 28 ? ' '.repeat(28 - head.length) : ' ';
    values.forEach((value, index) => lines.push(index === 0 ? `${head}${pad}${value}` : `${' '.repeat(head.length + pad.length)}${value}`));
  }
  return lines;
}
