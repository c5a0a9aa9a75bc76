import { skillId as newSkillId } from '../ids';

/** How Alexa authenticates to the service's token endpoint (the console's "Authentication Scheme"). */
export type AccessTokenScheme = 'HTTP_BASIC' | 'REQUEST_BODY_CREDENTIALS';

/**
 * The skill as configured in the Alexa developer console: its ids, its account-linking settings
 * (authorization and token URIs, client credentials, scheme, scopes, PKCE) and its endpoint.
 */
export interface SkillConfig {
  skillId: string;
  /** Spoken and shown name ("Linkwright"). */
  name: string;
  vendorId: string;
  /** The service's authorization URI (Alexa opens it for web linking). */
  authorizeUrl: string;
  /** The service's access token URI (Alexa redeems codes and refreshes tokens here). */
  tokenUrl: string;
  /** The skill's HTTPS endpoint (Alexa posts requests here). */
  skillEndpoint: string;
  clientId: string;
  clientSecret: string;
  scheme: AccessTokenScheme;
  scopes: string[];
  /** Whether Alexa sends PKCE parameters (when the skill enabled PKCE in the console). */
  pkce: boolean;
  /** Used when the token response has no expires_in (the console's "Default Access Token Expiration Time"). */
  defaultTokenExpirationSec: number;
  /** Whether the skill subscribed to skill events (SkillDisabled is sent when a customer disables it). */
  skillEvents: boolean;
}

/** What a caller may set: `url` (the service's base URL) fills in the three URIs not given explicitly. */
export type SkillOptions = Partial<SkillConfig> & { url?: string };

/** Resolves skill options over the current configuration (or defaults at start). */
export function resolveSkillConfig(options: SkillOptions, current?: SkillConfig): SkillConfig {
  const base = options.url?.replace(/\/+$/, '');
  const config: SkillConfig = {
    skillId: options.skillId ?? current?.skillId ?? newSkillId(),
    name: options.name ?? current?.name ?? 'Linkwright',
    vendorId: options.vendorId ?? current?.vendorId ?? 'M2SIMULATOR',
    authorizeUrl: options.authorizeUrl ?? (base ? `${base}/oauth/authorize` : (current?.authorizeUrl ?? '')),
    tokenUrl: options.tokenUrl ?? (base ? `${base}/oauth/token` : (current?.tokenUrl ?? '')),
    skillEndpoint: options.skillEndpoint ?? (base ? `${base}/alexa` : (current?.skillEndpoint ?? '')),
    clientId: options.clientId ?? current?.clientId ?? 'alexa-skill',
    clientSecret: options.clientSecret ?? current?.clientSecret ?? '',
    scheme: options.scheme ?? current?.scheme ?? 'HTTP_BASIC',
    scopes: options.scopes ?? current?.scopes ?? ['profile'],
    pkce: options.pkce ?? current?.pkce ?? true,
    defaultTokenExpirationSec: options.defaultTokenExpirationSec ?? current?.defaultTokenExpirationSec ?? 3600,
    skillEvents: options.skillEvents ?? current?.skillEvents ?? true,
  };
  if (!/^[A-Za-z0-9]+$/.test(config.vendorId)) throw new Error(`vendorId must be letters and digits, got "${config.vendorId}"`);
  if (config.scheme !== 'HTTP_BASIC' && config.scheme !== 'REQUEST_BODY_CREDENTIALS') throw new Error(`scheme must be HTTP_BASIC or REQUEST_BODY_CREDENTIALS, got "${String(config.scheme)}"`);
  return config;
}

/** The simulator was asked to reach the service before being told where it is; answered 503 with this message. */
export class ServiceNotConnectedError extends Error {
  readonly status = 503;
  readonly expose = true;
}

/** Throws a clear error when the service's address has not been given yet. */
export function requireServiceUrl(config: SkillConfig, key: 'authorizeUrl' | 'tokenUrl' | 'skillEndpoint'): string {
  const value = config[key];
  if (!value) throw new ServiceNotConnectedError(`the simulator does not know the service's ${key} yet: pass service.url (or ${key}) to startAmazonSimulator or connectService`);
  return value;
}
