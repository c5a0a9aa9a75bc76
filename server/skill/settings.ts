import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import type { EnvReader } from '../config/env';

/** Who issued the access tokens Alexa sends the skill. */
export type LinkingProvider = 'builtin' | 'lwa' | 'oidc';

export const LINKING_PROVIDERS: readonly LinkingProvider[] = ['builtin', 'lwa', 'oidc'];

/** An OpenID Connect provider whose access tokens the skill accepts (Auth0, Okta, Keycloak…). */
export interface OidcSettings {
  /** The `iss` claim, compared exactly (Auth0's ends with a slash, so it is kept as given). */
  issuer: string;
  jwksUrl: string;
  /** The `aud` claim the access tokens must carry (the API identifier at the provider). */
  audience: string;
  /** When set, name and e-mail come from the userinfo endpoint rather than from token claims. */
  userinfoUrl: string | undefined;
  /** Signature algorithms accepted; a key's own `alg` narrows it further. */
  algorithms: string[];
  /** Shortest time between two JWKS downloads caused by an unknown `kid`. */
  jwksMinRefreshSec: number;
  /** Keys older than this are fetched again on the next use (a removed key stops working). */
  jwksMaxAgeSec: number;
  timeoutMs: number;
}

/** Settings of the skill endpoint. */
export interface SkillSettings {
  /** Serve POST /alexa (the demo skill); false when the company's own skill lives elsewhere and uses the kit. */
  endpointEnabled: boolean;
  /** When set, requests for any other application id are refused. */
  skillId: string | undefined;
  verifySignature: boolean;
  /** Extra PEM root certificates trusted for the signing chain (development and test only). */
  trustedRootPems: string[];
  /** Development/test only: fetch signing chains from `${base}/echo.api/…` instead of S3. */
  certFetchBase: string | undefined;
  /** The name the skill speaks; filled into every prompt. */
  skillName: string;
  linkingProvider: LinkingProvider;
  /** Offer Alexa's voice-forward linking (only available when the provider is Login with Amazon). */
  voiceForward: boolean;
  /** Offer linking as soon as an unlinked user opens the skill. */
  linkAtLaunch: boolean;
  /** How long a "not revoked" answer for a built-in token is trusted without asking the store. */
  revocationCacheMs: number;
  /** How long an LWA profile is trusted for one access token (LWA access tokens live one hour). */
  lwaProfileCacheSec: number;
  oidc: OidcSettings | undefined;
}

const OIDC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'] as const;

/** Reads the skill endpoint's settings; production refuses the development-only switches. */
export function parseSkillSettings(read: EnvReader, production: boolean): SkillSettings {
  const verifySignature = read.boolean('SKILL_VERIFY_SIGNATURE', true);
  if (production && !verifySignature) read.problem('SKILL_VERIFY_SIGNATURE=false is refused in production');

  const skillId = read.string('SKILL_ID');
  if (skillId !== undefined && !/^[A-Za-z0-9._-]+$/.test(skillId)) {
    read.problem(`SKILL_ID must look like amzn1.ask.skill.<uuid>, got "${skillId}"`);
  }

  const rootsFile = read.string('SKILL_TRUSTED_ROOTS_FILE');
  // Trusting a private root would let whoever holds its key speak as Alexa: never in production.
  if (production && rootsFile !== undefined) read.problem('SKILL_TRUSTED_ROOTS_FILE is for development and tests only; production trusts the system roots');
  const trustedRootPems = rootsFile === undefined ? [] : readRoots(read, rootsFile);

  const certFetchBase = read.url('SKILL_CERT_FETCH_BASE');
  if (production && certFetchBase !== undefined) read.problem('SKILL_CERT_FETCH_BASE is for development and tests only; production fetches chains from Amazon');

  const linkingProvider = read.choice('SKILL_LINKING_PROVIDER', LINKING_PROVIDERS, 'builtin');
  // Amazon offers voice-forward linking only to skills whose account linking uses Login with Amazon.
  const voiceForward = read.boolean('SKILL_VOICE_FORWARD', linkingProvider === 'lwa');

  const skillName = read.string('SKILL_NAME') ?? 'Ride Hailer';
  if (skillName.length > 50) read.problem(`SKILL_NAME must be at most 50 characters, got ${skillName.length}`);

  return {
    endpointEnabled: read.boolean('SKILL_ENDPOINT_ENABLED', true),
    skillId,
    verifySignature,
    trustedRootPems,
    certFetchBase,
    skillName,
    linkingProvider,
    voiceForward,
    linkAtLaunch: read.boolean('SKILL_LINK_AT_LAUNCH', false),
    revocationCacheMs: read.integer('SKILL_REVOCATION_CACHE_MS', 5000, 0, 60_000),
    lwaProfileCacheSec: read.integer('SKILL_LWA_PROFILE_CACHE_SEC', 3600, 0, 3600),
    oidc: linkingProvider === 'oidc' ? readOidc(read, production) : undefined,
  };
}

function readRoots(read: EnvReader, path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    read.problem(`SKILL_TRUSTED_ROOTS_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    return [];
  }
  const pems = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (pems.length === 0) read.problem(`SKILL_TRUSTED_ROOTS_FILE: ${path} holds no PEM certificate`);
  for (const pem of pems) {
    try {
      if (!new X509Certificate(pem).ca) read.problem(`SKILL_TRUSTED_ROOTS_FILE: ${path} holds a certificate that is not a CA`);
    } catch {
      read.problem(`SKILL_TRUSTED_ROOTS_FILE: ${path} holds a certificate that cannot be parsed`);
    }
  }
  return pems;
}

function readOidc(read: EnvReader, production: boolean): OidcSettings | undefined {
  const issuer = read.string('OIDC_ISSUER');
  const jwksUrl = read.url('OIDC_JWKS_URL');
  const audience = read.string('OIDC_AUDIENCE');
  const userinfoUrl = read.url('OIDC_USERINFO_URL');
  if (issuer === undefined) read.problem('OIDC_ISSUER is required when SKILL_LINKING_PROVIDER=oidc');
  else if (!isHttpUrl(issuer)) read.problem(`OIDC_ISSUER must be an absolute http(s) URL, got "${issuer}"`);
  if (read.string('OIDC_JWKS_URL') === undefined) read.problem('OIDC_JWKS_URL is required when SKILL_LINKING_PROVIDER=oidc');
  if (audience === undefined) read.problem('OIDC_AUDIENCE is required when SKILL_LINKING_PROVIDER=oidc (tokens for another API must not link)');
  if (production) {
    for (const [name, value] of [['OIDC_ISSUER', issuer], ['OIDC_JWKS_URL', jwksUrl], ['OIDC_USERINFO_URL', userinfoUrl]] as const) {
      if (value?.startsWith('http://')) read.problem(`${name} must be https in production, got "${value}"`);
    }
  }
  const algorithms = read.list('OIDC_ALGORITHMS');
  for (const alg of algorithms) {
    if (!(OIDC_ALGORITHMS as readonly string[]).includes(alg)) read.problem(`OIDC_ALGORITHMS entries must be among ${OIDC_ALGORITHMS.join(', ')}, got "${alg}"`);
  }
  if (issuer === undefined || jwksUrl === undefined || audience === undefined) return undefined;
  return {
    issuer,
    jwksUrl,
    audience,
    userinfoUrl,
    algorithms: algorithms.length > 0 ? algorithms : ['RS256', 'ES256'],
    jwksMinRefreshSec: read.integer('OIDC_JWKS_MIN_REFRESH_SEC', 30, 1, 3600),
    jwksMaxAgeSec: read.integer('OIDC_JWKS_MAX_AGE_SEC', 3600, 60, 86_400),
    // A cold request may wait for the signing chain (AMAZON_TIMEOUT_MS), the JWKS and userinfo in turn:
    // 2 s each keeps the sum inside Alexa's 8 s.
    timeoutMs: read.integer('OIDC_TIMEOUT_MS', 2000, 100, 3000),
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
