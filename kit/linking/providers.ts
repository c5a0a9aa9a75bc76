import { type Clock, systemClock } from '../shared/clock';
import type { KitLogger } from '../shared/log';
import { JwksKeySet } from './resolvers/jwks';
import { LwaTokenResolver } from './resolvers/lwa-resolver';
import { OidcTokenResolver } from './resolvers/oidc-resolver';
import { VerifierTokenResolver } from './resolvers/verifier-resolver';
import { createTokenVerifier } from '../tokens';
import { type ExternalAccounts, subjectAsUserId, type TokenResolver } from './resolvers/token-resolver';

/** Login with Amazon as the account-linking provider. */
export interface LwaProviderOptions {
  /** LWA's profile API (default https://api.amazon.com/user/profile). */
  profileUrl?: string;
  /** How long a profile answer is reused for one token, in seconds (default and at most 3600). */
  cacheSec?: number;
}

/** Any OpenID Connect provider whose access tokens (JWTs) link accounts. */
export interface OidcProviderOptions {
  /** The `iss` claim, compared exactly. */
  issuer: string;
  /** The provider's JWKS URL. */
  jwksUrl: string;
  /** The `aud` claim the access tokens must carry (tokens for another API must not link). */
  audience: string;
  /** When set, name and e-mail come from the userinfo endpoint. */
  userinfoUrl?: string;
  /** Accepted algorithms (default the RSA, PSS and EC families; never `none` or HMAC). */
  algorithms?: string[];
}

/** Where the kit finds the company's users for a token. */
export interface ProviderOptions {
  /** Linkwright's PUBLIC_URL: its access tokens are verified against `${issuer}/oauth/jwks`. */
  issuer?: string;
  /**
   * With `issuer`: credentials for Linkwright's `/oauth/introspect` (its INTROSPECTION_CLIENT_ID and
   * INTROSPECTION_CLIENT_SECRET). A revoked token (unlinked, SkillDisabled, RFC 7009, ops) is then "not
   * linked" at most `revocationCheckMs` after its revocation; without them a revoked token keeps
   * verifying until it expires (ACCESS_TOKEN_TTL).
   */
  introspection?: { clientId: string; clientSecret: string };
  /** With `introspection`: how long Linkwright's "still active" answer is trusted per token, in ms (default 5000). */
  revocationCheckMs?: number;
  lwa?: LwaProviderOptions | boolean;
  oidc?: OidcProviderOptions;
  /** Maps an LWA or OIDC subject to the company's user (default: the subject is the user id). */
  accounts?: ExternalAccounts;
  /** Timeout of one provider call, in milliseconds (default 2000). */
  timeoutMs?: number;
  clock?: Clock;
}

const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];

/** The token resolver the options name; exactly one of `issuer`, `lwa`, `oidc` must be given (`who` names the caller in errors). */
export function createProviderResolver(options: ProviderOptions, log?: KitLogger, who = 'createLinkingKit'): TokenResolver {
  const chosen = [options.issuer !== undefined, options.lwa !== undefined && options.lwa !== false, options.oidc !== undefined].filter(Boolean).length;
  if (chosen !== 1) throw new TypeError(`${who}: give exactly one of issuer (Linkwright), lwa or oidc, or a resolver`);
  if (options.introspection !== undefined && options.issuer === undefined) throw new TypeError(`${who}: introspection is Linkwright's: it needs issuer`);
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? 2000;
  const accounts = options.accounts ?? subjectAsUserId;
  if (options.lwa !== undefined && options.lwa !== false) {
    const lwa = options.lwa === true ? {} : options.lwa;
    return new LwaTokenResolver({ profileUrl: lwa.profileUrl ?? 'https://api.amazon.com/user/profile', timeoutMs, cacheSec: Math.min(lwa.cacheSec ?? 3600, 3600), accounts, clock });
  }
  const oidc: OidcProviderOptions = options.oidc ?? linkwrightProvider(options.issuer as string, who);
  if (options.issuer !== undefined && options.introspection !== undefined) {
    // Introspection is what sees a revocation; the verifier does the rest of the checks as well.
    const verifier = createTokenVerifier({
      issuer: oidc.issuer,
      audience: oidc.audience,
      algorithms: oidc.algorithms,
      jwksUri: oidc.jwksUrl,
      introspection: options.introspection,
      revocationCheckMs: options.revocationCheckMs ?? 5000,
      clock,
      timeoutMs,
      onEvent: (event, detail) => log?.info({ event, ...detail }, 'Linkwright token verifier'),
    });
    return new VerifierTokenResolver(verifier);
  }
  const keys = new JwksKeySet({
    url: oidc.jwksUrl,
    timeoutMs,
    clock,
    allowedAlgorithms: oidc.algorithms ?? ASYMMETRIC_ALGORITHMS,
    minRefreshMs: 60_000,
    maxAgeMs: 3_600_000,
    onEvent: (event, detail) => log?.info({ event, ...detail }, 'key set'),
  });
  return new OidcTokenResolver(
    { issuer: oidc.issuer, audience: oidc.audience, userinfoUrl: oidc.userinfoUrl, algorithms: oidc.algorithms ?? ASYMMETRIC_ALGORITHMS, timeoutMs },
    keys,
    // Linkwright's `sub` already is the company's user id.
    options.oidc ? accounts : subjectAsUserId,
    clock,
    options.oidc ? 'oidc' : 'linkwright',
  );
}

/** Linkwright as an OIDC-style issuer: its tokens name itself as issuer and audience. */
function linkwrightProvider(issuer: string, who: string): OidcProviderOptions {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new TypeError(`${who}: issuer must be Linkwright's PUBLIC_URL, got "${issuer}"`);
  }
  const origin = url.href.replace(/\/$/, '');
  return { issuer: origin, jwksUrl: `${origin}/oauth/jwks`, audience: origin, algorithms: ['ES256', 'RS256'] };
}
