import type { EnvReader } from '../config/env';

/** How Alexa authenticates at our token endpoint; both are accepted, the console needs one. */
export type AccessTokenScheme = 'HTTP_BASIC' | 'REQUEST_BODY_CREDENTIALS';

/** The operator's sign-in for the diagnostics pages. */
export interface AdminCredentials {
  username: string;
  /** Either the password itself or an scrypt hash of it (`scrypt$N$r$p$salt$hash`, as `npm run account` stores them). */
  password: string;
}

/** Settings of the operator-facing parts: /metrics, the diagnostics pages, the Alexa console values. */
export interface OpsSettings {
  /** Bearer token GET /metrics requires; undefined turns /metrics off (404). */
  metricsToken: string | undefined;
  /** Undefined turns the diagnostics pages off (404). */
  admin: AdminCredentials | undefined;
  /** How many recent linking failures the store keeps for the diagnostics page. */
  failuresKept: number;
  /** How long an operator stays signed in without using the pages. */
  adminSessionTtlSec: number;
  /** Sign-in attempts allowed per client address (and in total for the admin name) per window. */
  adminLoginMaxAttempts: number;
  adminLoginWindowSec: number;
  /** Values of the skill's account-linking configuration that no other setting decides. */
  alexa: {
    /** Domains the authorization page loads content from (ours loads nothing from elsewhere). */
    domains: string[];
    accessTokenScheme: AccessTokenScheme;
    /** Users may enable the skill without linking (the skill serves unlinked users too). */
    skipOnEnablement: boolean;
  };
}

const WEAK_SECRETS = new Set(['admin', 'password', 'changeme', 'change-me', 'secret', 'linkwright', 'letmein', 'metrics', 'token']);
const MIN_PRODUCTION_SECRET = 16;

/**
 * Reads METRICS_TOKEN, ADMIN_USERNAME/ADMIN_PASSWORD, OPS_* and ALEXA_LINKING_* settings. Production refuses
 * short or well-known secrets, and the admin name may never be the demo account's.
 */
export function parseOpsSettings(read: EnvReader, production: boolean, demo: { username: string; password: string } | undefined): OpsSettings {
  const metricsToken = read.string('METRICS_TOKEN');
  if (metricsToken !== undefined && production && isWeak(metricsToken)) {
    read.problem(`METRICS_TOKEN is a default or shorter than ${MIN_PRODUCTION_SECRET} characters (use openssl rand -base64 32)`);
  }
  if (metricsToken !== undefined && !/^[\x21-\x7e]+$/.test(metricsToken)) read.problem('METRICS_TOKEN must be visible ASCII without spaces (it travels in an Authorization header)');

  const scheme = read.choice<AccessTokenScheme>('ALEXA_ACCESS_TOKEN_SCHEME', ['HTTP_BASIC', 'REQUEST_BODY_CREDENTIALS'], 'HTTP_BASIC');
  const domains = read.list('ALEXA_LINKING_DOMAINS');
  for (const domain of domains) {
    if (!/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(domain)) read.problem(`ALEXA_LINKING_DOMAINS entries are bare host names such as cdn.example.com, got "${domain}"`);
  }

  return {
    metricsToken,
    admin: readAdmin(read, production, demo),
    failuresKept: read.integer('OPS_FAILURES_KEPT', 100, 10, 1000),
    adminSessionTtlSec: read.integer('OPS_SESSION_TTL', 1800, 60, 86_400),
    adminLoginMaxAttempts: read.integer('OPS_LOGIN_MAX_ATTEMPTS', 10, 1, 1000),
    adminLoginWindowSec: read.integer('OPS_LOGIN_WINDOW', 900, 10, 86_400),
    alexa: { domains, accessTokenScheme: scheme, skipOnEnablement: read.boolean('ALEXA_SKIP_LINKING_ON_ENABLEMENT', true) },
  };
}

function readAdmin(read: EnvReader, production: boolean, demo: { username: string; password: string } | undefined): AdminCredentials | undefined {
  const username = read.string('ADMIN_USERNAME');
  const password = read.string('ADMIN_PASSWORD');
  if (username === undefined && password === undefined) return undefined;
  if (username === undefined || password === undefined) {
    read.problem('ADMIN_USERNAME and ADMIN_PASSWORD go together (leave both unset to turn the diagnostics pages off)');
    return undefined;
  }
  // The demo account's password is printed at every development start: it must never open the operator pages.
  if (demo && username.toLowerCase() === demo.username.toLowerCase()) read.problem('ADMIN_USERNAME must not be the demo account (DEMO_USERNAME); operator sign-in is separate from user accounts');
  if (demo && password === demo.password) read.problem('ADMIN_PASSWORD must not be the demo account\'s password');
  const hashed = password.startsWith('scrypt$');
  if (hashed && password.split('$').length !== 6) read.problem('ADMIN_PASSWORD looks like an scrypt hash but is not scrypt$N$r$p$salt$hash');
  if (production && !hashed && (isWeak(password) || password.toLowerCase() === username.toLowerCase())) {
    read.problem(`ADMIN_PASSWORD is a default, equals the user name or is shorter than ${MIN_PRODUCTION_SECRET} characters`);
  }
  return { username, password };
}

function isWeak(secret: string): boolean {
  return secret.length < MIN_PRODUCTION_SECRET || WEAK_SECRETS.has(secret.toLowerCase());
}
