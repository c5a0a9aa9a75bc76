import { type Clock, systemClock } from '../shared/clock';
import type { KitLogger } from '../shared/log';
import { JwksKeySet } from './resolvers/jwks';
import { LwaTokenResolver } from './resolvers/lwa-resolver';
import { OidcTokenResolver } from './resolvers/oidc-resolver';
// The verifier's own module, not the tokens entry: that one also carries the express middleware's types.
import type { IntrospectionCredentials } from '../tokens/introspection-client';
import { createTokenVerifier, type TokenVerifier } from '../tokens/verifier';
import { LinkwrightTokenResolver } from './resolvers/linkwright-resolver';
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
  /**
   * Linkwright's PUBLIC_URL: its access tokens are verified with linkwright/tokens' createTokenVerifier
   * (its JWKS, ES256 pinned, issuer and audience; with `introspection`, revocation within `revocationCheckMs`).
   */
  issuer?: string;
  /**
   * With `issuer`: credentials for Linkwright's /oauth/introspect (INTROSPECTION_CLIENT_ID/SECRET there).
   * Without them a revoked token keeps working until it expires (ACCESS_TOKEN_TTL, an hour by default).
   */
  introspection?: IntrospectionCredentials;
  /** With `introspection`: how long an "active" answer is trusted per token, in ms (default 5000): the revocation delay. */
  revocationCheckMs?: number;
  /** With `issuer`: your own verifier (e.g. one createTokenVerifier shared with your API) instead of the kit's. */
  tokenVerifier?: Pick<TokenVerifier, 'verify'>;
  /** Login with Amazon is the provider (`true` for Amazon's profile API with the defaults): the user is Amazon's. */
  lwa?: LwaProviderOptions | boolean;
  /** An OpenID Connect provider (the company's own IdP) issued the tokens: verified by its discovery and JWKS. */
  oidc?: OidcProviderOptions;
  /** Maps an LWA or OIDC subject to the company's user (default: the subject is the user id). */
  accounts?: ExternalAccounts;
  /** Timeout of one provider call, in milliseconds (default 2000). */
  timeoutMs?: number;
  /** The clock token lifetimes and caches are judged by (default: the system clock). */
  clock?: Clock;
}

const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];

/** The token resolver the options name; exactly one of `issuer`, `lwa`, `oidc` must be given (`who` names the caller in errors). */
export function createProviderResolver(options: ProviderOptions, log?: KitLogger, clientId?: string, who = 'createLinkingKit'): TokenResolver {
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
  if (options.issuer !== undefined) {
    const verifier =
      options.tokenVerifier ??
      createTokenVerifier({
        issuer: options.issuer,
        ...(options.introspection ? { introspection: options.introspection } : {}),
        ...(options.revocationCheckMs !== undefined ? { revocationCheckMs: options.revocationCheckMs } : {}),
        timeoutMs,
        clock,
        onEvent: (event, detail) => log?.info({ event, ...detail }, 'Linkwright token verifier'),
      });
    return new LinkwrightTokenResolver(verifier, clientId);
  }
  const oidc = options.oidc as OidcProviderOptions;
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
    accounts,
    clock,
  );
}
