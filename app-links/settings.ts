import { randomBytes } from 'node:crypto';
import type { EnvReader } from '../server/config/env';
import {
  type AssociationFiles,
  type AssociationSettings,
  defaultWellKnownDir,
  loadAssociationFiles,
  readAssociationSettings,
  RETURN_PATH,
} from './association-files';

/**
 * Where the company's users live: our own authorization server, Login with Amazon, or an OIDC provider
 * (Auth0, Okta…). It is the skill's SKILL_LINKING_PROVIDER, never set apart: Alexa redeems the code the
 * enablement call carries at that provider, so `complete` must use a code of that provider.
 */
export type AccountProvider = 'ours' | 'lwa' | 'oidc';
export type SkillStage = 'development' | 'live';
/**
 * Which redirect URI the Skill Enablement call's `accountLinkRequest.redirectUri` carries (and our code
 * is bound to). Amazon's step 6 names it "Redirect URI for your app": the app's redirect URL by default.
 */
export type EnablementRedirect = 'app' | 'alexa';

/** Settings of the app-to-app companion. */
export interface AppLinksSettings {
  enabled: boolean;
  /** The "Alexa Client Id" the console shows once app-to-app linking is enabled (not our OAuth client). */
  lwaClientId: string | undefined;
  lwaClientSecret: string | undefined;
  skillId: string | undefined;
  skillStage: SkillStage;
  /** The company's universal-link return URL ("Your Redirect URLs" in the console). */
  appRedirectUrl: string;
  /** APP_LINKS_ENABLEMENT_REDIRECT: `app` sends (and binds our code to) appRedirectUrl, `alexa` the first Alexa redirect URL. */
  enablementRedirect: EnablementRedirect;
  association: AssociationSettings;
  files: AssociationFiles;
  /** AES-256-GCM keys for secrets at rest; the first seals, all open. */
  encryptionKeys: Buffer[];
  encryptionKeyGenerated: boolean;
  stateTtlSec: number;
  accountProvider: AccountProvider;
  /** Retries after the first call to Amazon on 429/5xx/network errors, the backoff base, and the longest Retry-After honoured. */
  retry: { retries: number; baseDelayMs: number; maxRetryAfterMs: number };
  /** Names of settings the from-your-app flow still needs (development only; production refuses to start). */
  missing: string[];
}

/** Reads the app-to-app companion's settings and checks the association files in `.well-known/`. */
export function parseAppLinksSettings(read: EnvReader, production: boolean, publicUrl: string): AppLinksSettings {
  const enabled = read.boolean('APP_LINKS_ENABLED', true);
  const appRedirectUrl = readReturnUrl(read, publicUrl, production);
  const skillStage = read.choice<SkillStage>('SKILL_STAGE', ['development', 'live'], 'development');
  const enablementRedirect = read.choice<EnablementRedirect>('APP_LINKS_ENABLEMENT_REDIRECT', ['app', 'alexa'], 'app');
  // SKILL_LINKING_PROVIDER itself is validated with the skill's settings.
  const skillProvider = read.string('SKILL_LINKING_PROVIDER');
  const accountProvider: AccountProvider = skillProvider === 'lwa' || skillProvider === 'oidc' ? skillProvider : 'ours';
  const stateTtlSec = read.integer('APP_LINKS_STATE_TTL', 600, 60, 3600);
  const retry = {
    retries: read.integer('APP_LINKS_AMAZON_RETRIES', 2, 0, 5),
    baseDelayMs: read.integer('APP_LINKS_RETRY_BASE_MS', 200, 0, 5000),
    maxRetryAfterMs: read.integer('APP_LINKS_RETRY_AFTER_MAX_MS', 2000, 0, 10_000),
  };
  const lwaClientId = read.string('LWA_CLIENT_ID');
  const lwaClientSecret = read.string('LWA_CLIENT_SECRET');
  const skillId = read.string('SKILL_ID');

  const settings: AppLinksSettings = {
    enabled,
    lwaClientId,
    lwaClientSecret,
    skillId,
    skillStage,
    appRedirectUrl,
    enablementRedirect,
    association: { iosAppIds: [], androidPackage: undefined, androidCertSha256: [], paths: [] },
    files: { apple: undefined, android: undefined, generated: [] },
    encryptionKeys: [],
    encryptionKeyGenerated: false,
    stateTtlSec,
    accountProvider,
    retry,
    missing: [],
  };
  if (!enabled) return settings;

  const missing = [
    ...(lwaClientId ? [] : ['LWA_CLIENT_ID']),
    ...(lwaClientSecret ? [] : ['LWA_CLIENT_SECRET']),
    ...(skillId ? [] : ['SKILL_ID']),
  ];
  if (production) {
    for (const name of missing) read.problem(`${name} is required when APP_LINKS_ENABLED is true (set APP_LINKS_ENABLED=false to run without app-to-app linking)`);
  }
  settings.association = readAssociationSettings(read, production, publicUrl, appRedirectUrl);
  if (production && settings.association.iosAppIds.length === 0 && settings.association.androidPackage === undefined) {
    read.problem('APP_IOS_APP_IDS or APP_ANDROID_PACKAGE is required when APP_LINKS_ENABLED is true (the apps the links open)');
  }
  const dir = read.string('APP_LINKS_WELL_KNOWN_DIR') ?? defaultWellKnownDir();
  settings.files = loadAssociationFiles(dir, settings.association, (line) => read.problem(line));

  const keys = readEncryptionKeys(read, production);
  settings.encryptionKeys = keys.keys;
  settings.encryptionKeyGenerated = keys.generated;
  settings.missing = production ? [] : missing;
  return settings;
}

/** APP_REDIRECT_URL, by default `${PUBLIC_URL}/app-links/return`: absolute, https in production, no fragment. */
export function readReturnUrl(read: EnvReader, publicUrl: string, production: boolean): string {
  const fallback = `${publicUrl}${RETURN_PATH}`;
  const value = read.url('APP_REDIRECT_URL', fallback) ?? fallback;
  if (value.includes('#')) read.problem(`APP_REDIRECT_URL must not have a fragment, got "${value}"`);
  if (production && !value.startsWith('https://')) read.problem(`APP_REDIRECT_URL must be https in production (a universal link), got "${value}"`);
  return value;
}

function readEncryptionKeys(read: EnvReader, production: boolean): { keys: Buffer[]; generated: boolean } {
  const current = read.string('APP_LINKS_ENCRYPTION_KEY');
  const keys: Buffer[] = [];
  for (const [name, value] of [
    ...(current ? [['APP_LINKS_ENCRYPTION_KEY', current] as const] : []),
    ...read.list('APP_LINKS_PREVIOUS_ENCRYPTION_KEYS').map((value) => ['APP_LINKS_PREVIOUS_ENCRYPTION_KEYS', value] as const),
  ]) {
    const key = decodeKey(value);
    if (key) keys.push(key);
    else read.problem(`${name} must be 32 random bytes in base64 (openssl rand -base64 32)`);
  }
  if (current) return { keys, generated: false };
  if (production) {
    read.problem('APP_LINKS_ENCRYPTION_KEY is required in production when APP_LINKS_ENABLED is true (it encrypts the stored Amazon tokens)');
    return { keys, generated: false };
  }
  // Development: a key for this run only. Links stored in a persistent store become unreadable on restart
  // and are treated as absent, never as corrupt.
  return { keys: [randomBytes(32), ...keys], generated: true };
}

function decodeKey(value: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) return undefined;
  const key = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return key.length === 32 ? key : undefined;
}
