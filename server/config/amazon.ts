import type { EnvReader } from './env';

/**
 * Where Amazon's services are. Every one can be pointed elsewhere (the local simulator, a proxy), so
 * the whole linking story can run on a laptop; in production they default to Amazon's hosts.
 */
export interface AmazonUrls {
  /** Login with Amazon authorization page (app-to-app fallback). */
  lwaAuthorizeUrl: string;
  /** Login with Amazon token endpoint. */
  lwaTokenUrl: string;
  /** Login with Amazon profile API (user_id, name, email). */
  lwaProfileUrl: string;
  /** The Alexa app's universal link for skill account-linking consent. */
  alexaAppLinkUrl: string;
  /** The Alexa API host used for endpoint discovery (GET /v1/alexaApiEndpoint). */
  alexaApiUrl: string;
  /**
   * Rewrites for the hostnames endpoint discovery returns: host → base URL. Empty in production,
   * where `https://{host}` is used as Amazon returns it.
   */
  alexaApiHostOverrides: Record<string, string>;
  /** Per-call timeout for every request to Amazon, well inside Alexa's 8 s skill budget. */
  timeoutMs: number;
}

/** Reads the Amazon URL settings (LWA_*, ALEXA_APP_LINK_URL, ALEXA_API_URL, ALEXA_API_HOSTS, AMAZON_TIMEOUT_MS). */
export function parseAmazonUrls(read: EnvReader, production: boolean): AmazonUrls {
  const overrides: Record<string, string> = {};
  for (const entry of read.list('ALEXA_API_HOSTS')) {
    const [host, base] = entry.split('=').map((part) => part.trim());
    if (!host || !base || !/^https?:\/\/[^\s]+$/.test(base)) {
      read.problem(`ALEXA_API_HOSTS entries look like api.amazonalexa.com=http://127.0.0.1:9100, got "${entry}"`);
      continue;
    }
    overrides[host.toLowerCase()] = base.replace(/\/+$/, '');
  }
  const urls: AmazonUrls = {
    lwaAuthorizeUrl: read.url('LWA_AUTHORIZE_URL', 'https://www.amazon.com/ap/oa') as string,
    lwaTokenUrl: read.url('LWA_TOKEN_URL', 'https://api.amazon.com/auth/o2/token') as string,
    lwaProfileUrl: read.url('LWA_PROFILE_URL', 'https://api.amazon.com/user/profile') as string,
    alexaAppLinkUrl: read.url('ALEXA_APP_LINK_URL', 'https://alexa.amazon.com/spa/skill-account-linking-consent') as string,
    alexaApiUrl: read.url('ALEXA_API_URL', 'https://api.amazonalexa.com') as string,
    alexaApiHostOverrides: overrides,
    timeoutMs: read.integer('AMAZON_TIMEOUT_MS', 3000, 100, 7000),
  };
  if (production) {
    for (const [name, value] of Object.entries(urls)) {
      if (typeof value === 'string' && value.startsWith('http://')) read.problem(`${name} must be https in production, got "${value}"`);
    }
  }
  return urls;
}

/** The base URL to call for a hostname returned by endpoint discovery. */
export function alexaApiBase(urls: AmazonUrls, host: string): string {
  return urls.alexaApiHostOverrides[host.toLowerCase()] ?? `https://${host}`;
}
