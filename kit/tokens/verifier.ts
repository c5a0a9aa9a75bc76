import { hash } from 'node:crypto';
import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import { LRUCache } from 'lru-cache';
import { introspect, type IntrospectionCredentials } from './introspection-client';
import { IssuerDiscovery } from './issuer-endpoints';
import { type Clock, KeySetUnavailableError, RemoteKeySet } from './key-set';

/** The claims of a Linkwright access token (RFC 9068 shape); the profile claims appear only when ACCESS_TOKEN_CLAIMS asks. */
export interface LinkwrightAccessTokenClaims extends JWTPayload {
  iss: string;
  /** The user's Linkwright account id: stable for the account's life, the same for every client, never reused. */
  sub: string;
  /** The OAuth client the token was issued to. */
  client_id: string;
  /** The granted scopes, space-separated. */
  scope?: string;
  exp: number;
  /** The grant (refresh family) the token came from. */
  sid?: string;
  /** The account's username (only with ACCESS_TOKEN_CLAIMS including `preferred_username`). */
  preferred_username?: string;
  /** The account's e-mail address (only with ACCESS_TOKEN_CLAIMS including `email`). */
  email?: string;
  /** The account's display name (only with ACCESS_TOKEN_CLAIMS including `name`). */
  name?: string;
}

/** A token that verified: who it names, for which client, with which scopes, until when. */
export interface VerifiedAccessToken {
  /** The user's Linkwright account id (the `sub` claim). */
  sub: string;
  /** The OAuth client the token was issued to (`client_id`): Alexa's, or another client of the company. */
  clientId: string;
  /** The granted scopes, split. */
  scope: string[];
  /** The audiences the token names (`aud`). */
  audience: string[];
  /** When the token expires (`exp`). */
  expiresAt: Date;
  /** Every claim, as signed. */
  claims: LinkwrightAccessTokenClaims;
}

/**
 * Why a token was refused. Each is distinct so a service can log and count them:
 * `malformed` (not a JWT of ours: bad encoding, wrong `typ`, required claims missing),
 * `bad_signature` (the signature does not verify, or the token is not signed with an allowed algorithm:
 * `none`, HS256 and the like), `unknown_key` (its `kid` is not in the issuer's key set, even refetched),
 * `expired`, `wrong_issuer`, `wrong_audience`, `revoked` (the issuer or the `isRevoked` hook said so),
 * `unavailable` (keys, introspection or the hook could not be asked: a provider outage, not the token's fault).
 */
export type TokenRefusalReason = 'malformed' | 'bad_signature' | 'unknown_key' | 'expired' | 'wrong_issuer' | 'wrong_audience' | 'revoked' | 'unavailable';

/** What `verify` answers: it never throws for a bad token. */
export type TokenVerification = { ok: true; token: VerifiedAccessToken } | { ok: false; reason: TokenRefusalReason };

/** Options of {@link createTokenVerifier}. Only `issuer` is required. */
export interface TokenVerifierOptions {
  /** Linkwright's PUBLIC_URL, exactly as its tokens' `iss` (and its metadata's `issuer`) say it. */
  issuer: string;
  /** The audience(s) to accept; default the issuer, which is the `aud` Linkwright's tokens carry. */
  audience?: string | string[];
  /** Signature algorithms accepted; default `['ES256']`, what Linkwright signs with (P-256 keys). */
  algorithms?: string[];
  /** The JWKS URL; default the metadata's `jwks_uri`, else `${issuer}/oauth/jwks`. */
  jwksUri?: string;
  /** Allowed clock difference for `exp`/`nbf`/`iat`, in seconds; default 5. */
  clockToleranceSec?: number;
  /**
   * Credentials for Linkwright's `/oauth/introspect` (INTROSPECTION_CLIENT_ID/SECRET there). With them a
   * revoked token is refused at most `revocationCheckMs` after its revocation; without them, only
   * through `isRevoked` or when the token expires (ACCESS_TOKEN_TTL, an hour by default).
   */
  introspection?: IntrospectionCredentials & { endpoint?: string };
  /** How long an "active" introspection answer is trusted, per token, in ms; default 5000. The revocation delay bound. */
  revocationCheckMs?: number;
  /** A check of your own (say, your user's own "signed out everywhere" flag): true refuses the token as `revoked`. */
  isRevoked?: (claims: LinkwrightAccessTokenClaims) => boolean | Promise<boolean>;
  /** Time source in ms since the epoch; default `Date.now`. Expiry and every cache use it. */
  clock?: Clock;
  /** Timeout of each HTTP call (metadata, JWKS, introspection), in ms; default 3000. */
  timeoutMs?: number;
  /** Shortest gap between JWKS downloads for an unknown `kid`, in ms; default 30000. */
  jwksCooldownMs?: number;
  /** JWKS downloaded again when older than this, in ms; default 600000 (Linkwright serves it with max-age 300). */
  jwksMaxAgeMs?: number;
  /** How many tokens each cache (verified, refused) remembers; default 10000. */
  cacheSize?: number;
  /** Called for key set downloads and their failures (for your log); never with a token. */
  onEvent?: (event: string, detail: Record<string, unknown>) => void;
}

/** Verifies Linkwright access tokens; made by {@link createTokenVerifier}. */
export interface TokenVerifier {
  /** Verifies a bearer token: signature, algorithm, issuer, audience, expiry, then revocation. Never throws for a bad token. */
  verify(token: string): Promise<TokenVerification>;
  /** The issuer this verifier trusts. */
  readonly issuer: string;
}

/** Longest token looked at; Linkwright's are under 1 kB. */
const MAX_TOKEN_LENGTH = 8192;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
/** A refused token string never becomes valid; it is remembered this long (the LRU bound applies too). */
const REFUSED_TTL_MS = 10 * 60_000;
/** After a failed download (metadata, JWKS), the next attempt waits this long; requests meanwhile are `unavailable` at once. */
const RETRY_AFTER_FAILURE_MS = 2000;

interface RevocationCheck {
  checkedAt: number;
  pending?: Promise<boolean>;
}

/**
 * Creates a verifier of Linkwright access tokens for any Node resource server. Tokens are checked
 * against the issuer's JWKS (cached, refetched for an unknown `kid` at most once per `jwksCooldownMs`)
 * with the algorithm pinned, then issuer, audience and expiry, then revocation: the `isRevoked` hook on
 * every call, and with `introspection` credentials Linkwright's `/oauth/introspect` at most once per
 * token per `revocationCheckMs`, so a revocation is seen within that delay. Verified and refused tokens
 * are remembered by their SHA-256 (bounded LRUs), so a repeated token, forged ones included, costs a hash.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  if (typeof options?.issuer !== 'string' || !/^https?:\/\//.test(options.issuer)) throw new TypeError('createTokenVerifier: options.issuer must be the issuer URL (Linkwright\'s PUBLIC_URL)');
  const issuer = options.issuer;
  const clock: Clock = options.clock ?? { now: () => Date.now() };
  const algorithms = options.algorithms ?? ['ES256'];
  if (algorithms.length === 0 || algorithms.some((alg) => alg === 'none' || /^HS/.test(alg))) {
    // Symmetric algorithms would let anyone holding the public JWKS forge tokens (key confusion).
    throw new TypeError('createTokenVerifier: algorithms must be asymmetric (ES256, ES384, RS256, PS256, EdDSA…)');
  }
  for (const name of ['clockToleranceSec', 'revocationCheckMs', 'timeoutMs', 'jwksCooldownMs', 'jwksMaxAgeMs', 'cacheSize'] as const) {
    const value = options[name];
    const least = name === 'cacheSize' ? 1 : 0;
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < least)) throw new TypeError(`createTokenVerifier: options.${name} must be a number ≥ ${least}`);
  }
  if (options.introspection && (typeof options.introspection.clientId !== 'string' || typeof options.introspection.clientSecret !== 'string' || options.introspection.clientId === '')) {
    throw new TypeError('createTokenVerifier: options.introspection needs clientId and clientSecret');
  }
  const audience = options.audience ?? issuer;
  const timeoutMs = options.timeoutMs ?? 3000;
  const revocationCheckMs = options.revocationCheckMs ?? 5000;
  const clockTolerance = options.clockToleranceSec ?? 5;
  const max = options.cacheSize ?? 10_000;
  const perf = { now: () => clock.now() };

  const discovery = new IssuerDiscovery(
    issuer,
    { ...(options.jwksUri ? { jwksUri: options.jwksUri } : {}), ...(options.introspection?.endpoint ? { introspectionEndpoint: options.introspection.endpoint } : {}) },
    { clock, timeoutMs, retryMs: RETRY_AFTER_FAILURE_MS },
  );
  const keys = new RemoteKeySet({
    url: async () => (await discovery.endpoints()).jwksUri,
    clock,
    timeoutMs,
    cooldownMs: options.jwksCooldownMs ?? 30_000,
    maxAgeMs: options.jwksMaxAgeMs ?? 600_000,
    retryMs: RETRY_AFTER_FAILURE_MS,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  const verified = new LRUCache<string, VerifiedAccessToken>({ max, ttlResolution: 0, perf });
  const refused = new LRUCache<string, TokenRefusalReason>({ max, ttlResolution: 0, perf });
  const revocationChecks = new LRUCache<string, RevocationCheck>({ max, ttlResolution: 0, perf });

  const refuse = (key: string | undefined, reason: TokenRefusalReason, ttl = REFUSED_TTL_MS): TokenVerification => {
    // An outage is not the token's fault: the next request asks again.
    if (key !== undefined && reason !== 'unavailable') refused.set(key, reason, { ttl });
    return { ok: false, reason };
  };

  const checkSignature = async (token: string, key: string): Promise<VerifiedAccessToken | TokenRefusalReason> => {
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      return 'malformed';
    }
    // Cheap refusal before any key lookup: an algorithm we do not accept never reaches the JWKS.
    if (typeof alg !== 'string' || !algorithms.includes(alg)) return 'bad_signature';
    try {
      const { payload } = await jwtVerify<LinkwrightAccessTokenClaims>(token, keys.resolve, {
        issuer,
        audience,
        algorithms,
        clockTolerance,
        currentDate: new Date(clock.now()),
        typ: 'at+jwt',
        requiredClaims: ['sub', 'exp', 'client_id'],
      });
      if (typeof payload.sub !== 'string' || typeof payload.client_id !== 'string' || (payload.scope !== undefined && typeof payload.scope !== 'string')) return 'malformed';
      return toVerified(payload);
    } catch (error) {
      const reason = reasonOf(error);
      if (reason === 'unknown_key') refused.set(key, reason, { ttl: options.jwksCooldownMs ?? 30_000 });
      return reason;
    }
  };

  // After a failed introspection every token waits RETRY_AFTER_FAILURE_MS before the next call, so an
  // outage costs the issuer one request per interval, not one per incoming request.
  let introspectionFailedAt = Number.NEGATIVE_INFINITY;
  const introspectionSays = async (token: string, key: string, endpoint: () => Promise<string>, credentials: IntrospectionCredentials): Promise<boolean> => {
    const now = clock.now();
    const check = revocationChecks.get(key);
    if (check?.pending) return check.pending;
    if (check && now - check.checkedAt < revocationCheckMs) return true;
    if (now - introspectionFailedAt < RETRY_AFTER_FAILURE_MS) throw new Error('introspection failed moments ago');
    const entry: RevocationCheck = { checkedAt: check?.checkedAt ?? Number.NEGATIVE_INFINITY };
    entry.pending = endpoint()
      .then((url) => introspect(url, credentials, token, timeoutMs))
      .then(
        (active) => {
          revocationChecks.set(key, { checkedAt: clock.now() });
          return active;
        },
        (error: unknown) => {
          introspectionFailedAt = clock.now();
          revocationChecks.delete(key);
          throw error;
        },
      );
    revocationChecks.set(key, entry);
    return entry.pending;
  };

  const revocationOf = async (token: string, key: string, found: VerifiedAccessToken): Promise<'revoked' | 'expired' | 'unavailable' | undefined> => {
    try {
      if (options.isRevoked && (await options.isRevoked(found.claims))) return 'revoked';
      const credentials = options.introspection;
      if (credentials && !(await introspectionSays(token, key, async () => (await discovery.endpoints()).introspectionEndpoint, credentials))) {
        // Inside our clock tolerance the issuer may already count the token expired: say so, not "revoked".
        return clock.now() >= found.expiresAt.getTime() ? 'expired' : 'revoked';
      }
      return undefined;
    } catch (error) {
      options.onEvent?.('tokens.revocation_check_failed', { reason: error instanceof Error ? error.message : String(error) });
      return 'unavailable';
    }
  };

  return {
    issuer,
    async verify(token: string): Promise<TokenVerification> {
      if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !JWT_SHAPE.test(token)) return { ok: false, reason: 'malformed' };
      const key = hash('sha256', token, 'base64url');
      const known = refused.get(key);
      if (known !== undefined) return { ok: false, reason: known };
      let found = verified.get(key);
      if (found && clock.now() >= found.expiresAt.getTime() + clockTolerance * 1000) {
        verified.delete(key);
        return refuse(key, 'expired');
      }
      if (!found) {
        const checked = await checkSignature(token, key);
        if (typeof checked === 'string') return checked === 'unknown_key' ? { ok: false, reason: checked } : refuse(key, checked);
        found = checked;
        verified.set(key, found, { ttl: Math.max(1, found.expiresAt.getTime() + clockTolerance * 1000 - clock.now()) });
      }
      const revoked = await revocationOf(token, key, found);
      if (revoked === 'revoked' || revoked === 'expired') {
        verified.delete(key);
        return refuse(key, revoked, Math.max(1, found.expiresAt.getTime() + clockTolerance * 1000 - clock.now()));
      }
      if (revoked === 'unavailable') return { ok: false, reason: 'unavailable' };
      return { ok: true, token: found };
    },
  };
}

function toVerified(claims: LinkwrightAccessTokenClaims): VerifiedAccessToken {
  return {
    sub: claims.sub,
    clientId: claims.client_id,
    scope: (claims.scope ?? '').split(' ').filter(Boolean),
    audience: claims.aud === undefined ? [] : Array.isArray(claims.aud) ? claims.aud : [claims.aud],
    expiresAt: new Date(claims.exp * 1000),
    claims,
  };
}

/** jose's errors, mapped to the reasons a caller acts on. */
function reasonOf(error: unknown): TokenRefusalReason {
  if (error instanceof KeySetUnavailableError) return 'unavailable';
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return 'wrong_issuer';
    if (error.claim === 'aud') return 'wrong_audience';
    return 'malformed';
  }
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JOSEAlgNotAllowed) return 'bad_signature';
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) return 'unknown_key';
  if (error instanceof errors.JOSEError) return 'malformed';
  // A TypeError from key import (a JWK of the wrong type for the algorithm) and the like: not a token of ours.
  return 'malformed';
}
