import { createHmac } from 'node:crypto';
import jws from 'jws';
import type { Clock } from '../clock';
import { safeEqual } from '../crypto-utils';
import { epochSeconds } from '../clock';
import type { KeyRing, SigningKey } from './keys';
import type { ProfileClaims } from './profile-claims';
import { pooledRandomToken } from './random-pool';

/**
 * The claims of our access tokens (RFC 9068 shape). `sub` is the account's id in Linkwright: stable for
 * the account's life, the same for every client, never reused. `sid` names the refresh family they came
 * from. The profile claims are present only when ACCESS_TOKEN_CLAIMS asks for them. A client_credentials
 * token has no user: `sub` is the client id (RFC 9068 §2.2) and `gty` says so, so no resource server can
 * mistake it for a user who happens to share the client's name.
 */
export interface AccessTokenClaims extends ProfileClaims {
  iss: string;
  aud: string;
  sub: string;
  client_id: string;
  scope: string;
  sid: string;
  jti: string;
  iat: number;
  exp: number;
  gty?: typeof CLIENT_CREDENTIALS_GTY;
}

/** The `gty` claim of tokens issued with the client_credentials grant (no user behind them). */
export const CLIENT_CREDENTIALS_GTY = 'client_credentials';

export interface AccessTokenGrant {
  /** The user; for a client_credentials token, the client id. */
  userId: string;
  clientId: string;
  scope: string;
  /** The refresh family; for a client_credentials token, a random id of its own (revocation markers use it). */
  familyId: string;
  /** Set for client_credentials tokens. */
  gty?: typeof CLIENT_CREDENTIALS_GTY;
}

/** Signs and verifies the service's access tokens. */
export class AccessTokens {
  constructor(
    private readonly keys: KeyRing,
    private readonly issuer: string,
    readonly ttlSec: number,
    private readonly clock: Clock,
    /**
     * The audience of a client's tokens when it is not this service (an Alexa+ add-on's MCP server).
     * Chosen by the client, never by the request: a token cannot be stretched to a resource its client
     * was not registered for (RFC 8707 `resource` is only checked against it).
     */
    private readonly audienceOfClient: (clientId: string) => string | undefined = () => undefined,
  ) {
    this.untaggedUntilMs = clock.now() + 2 * ttlSec * 1000;
  }

  /** Until when tokens without a tag are still verified by signature (see verify). */
  private readonly untaggedUntilMs: number;

  /** The audience our tokens carry by default: the service itself is the resource server. */
  get audience(): string {
    return this.issuer;
  }

  /** The audience of the tokens issued to this client. */
  audienceFor(clientId: string): string {
    return this.audienceOfClient(clientId) ?? this.issuer;
  }

  /** Signs a new access token for a grant, with the profile claims given (none unless ACCESS_TOKEN_CLAIMS asks). */
  sign(grant: AccessTokenGrant, profile: ProfileClaims = {}): { token: string; expiresIn: number } {
    const key = this.keys.active;
    const iat = epochSeconds(this.clock);
    const claims: AccessTokenClaims = {
      ...profile,
      iss: this.issuer,
      aud: this.audienceFor(grant.clientId),
      sub: grant.userId,
      client_id: grant.clientId,
      scope: grant.scope,
      sid: grant.familyId,
      jti: pooledRandomToken(12),
      iat,
      exp: iat + this.ttlSec,
      ...(grant.gty ? { gty: grant.gty } : {}),
    };
    // The payload is serialized here, not by the JWS library, so the tag covers the exact bytes signed.
    const payload = JSON.stringify(claims);
    const header = { alg: key.alg, typ: 'at+jwt', kid: key.kid, [TAG_HEADER]: tagOf(key.tagKey, Buffer.from(payload, 'utf8').toString('base64url')) };
    const token = jws.sign({ header: header as jws.Header, payload, privateKey: key.privateKey });
    return { token, expiresIn: this.ttlSec };
  }

  /**
   * Verifies signature, issuer, audience and lifetime. Throws InvalidAccessTokenError with the reason.
   * `audiences` are the ones accepted: by default only this service, so a token meant for the MCP server
   * acts nowhere here; introspection and revocation, which describe every token we issued, pass them all.
   *
   * Our tokens carry a tag beside their signature: an HMAC of the payload under a key derived from the
   * signing key (SigningKey.tagKey), so only a holder of the signing key can make one. It is checked
   * first because it costs about a tenth of an ES256 verification (measured: 10 µs against 110 µs): a
   * token whose payload was made or changed by anyone else is refused before any signature check, so a
   * stream of fresh forgeries costs less than valid tokens do. The signature is still verified for every
   * token accepted, so a token altered anywhere is refused, as every resource server elsewhere (which
   * ignores the header and verifies against the JWKS) would refuse it. Untagged tokens (issued by a
   * process not yet upgraded) are verified by signature alone for two token lifetimes after this process
   * started, then refused at once: none of them can still be valid.
   */
  verify(token: string, audiences: readonly string[] = [this.issuer]): AccessTokenClaims {
    const parts = token.split('.');
    if (parts.length !== 3) throw new InvalidAccessTokenError('jwt malformed');
    const [headerPart, payloadPart] = parts as [string, string, string];
    const header = parseSegment(headerPart);
    const kid = header?.kid;
    const key = typeof kid === 'string' ? this.keys.find(kid) : undefined;
    if (!header || !key) throw new InvalidAccessTokenError(`unknown signing key ${typeof kid === 'string' ? kid.slice(0, 64) : '(none)'}`);
    // Pinned to the algorithm of the key named by `kid`: a token cannot choose `none`, HS256 with our public key, or another curve.
    if (header.alg !== key.alg) throw new InvalidAccessTokenError('invalid algorithm');
    const tag = header[TAG_HEADER];
    if (tag === undefined) {
      if (this.clock.now() >= this.untaggedUntilMs) throw new InvalidAccessTokenError('untagged token');
    } else if (typeof tag !== 'string' || !safeEqual(tag, tagOf(key.tagKey, payloadPart))) {
      throw new InvalidAccessTokenError('invalid signature');
    }
    if (!signatureValid(token, key)) throw new InvalidAccessTokenError('invalid signature');
    const claims = parseSegment(payloadPart);
    if (!claims) throw new InvalidAccessTokenError('jwt malformed');
    return checkClaims(claims, this.issuer, audiences, epochSeconds(this.clock));
  }
}

/** The JWS header parameter carrying the tag (RFC 7515 §4.3 private name; others ignore it). */
const TAG_HEADER = 'lwt';
/** 128 bits of HMAC-SHA256: forging one is a 2^128 guess. */
const TAG_BYTES = 16;

function tagOf(tagKey: Buffer, payloadPart: string): string {
  return createHmac('sha256', tagKey).update(payloadPart).digest().subarray(0, TAG_BYTES).toString('base64url');
}

function signatureValid(token: string, key: SigningKey): boolean {
  try {
    // @types/jws predates KeyObject support; jwa (under jws) takes a KeyObject and so skips re-parsing a PEM per call.
    return jws.verify(token, key.alg, key.publicKey as unknown as Buffer);
  } catch {
    return false; // A signature of the wrong length for the curve throws instead of answering false.
  }
}

function parseSegment(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The registered-claim checks jsonwebtoken makes (same reasons, so logs read alike), and ours: the
 * claims every token of ours carries, and a `gty` we know.
 */
function checkClaims(claims: Record<string, unknown>, issuer: string, audiences: readonly string[], now: number): AccessTokenClaims {
  if (typeof claims.exp !== 'number') throw new InvalidAccessTokenError('jwt expired');
  if (now >= claims.exp) throw new InvalidAccessTokenError('jwt expired');
  if (typeof claims.nbf === 'number' && now < claims.nbf) throw new InvalidAccessTokenError('jwt not active');
  if (claims.iss !== issuer) throw new InvalidAccessTokenError(`jwt issuer invalid. expected: ${issuer}`);
  const aud = claims.aud;
  const presented = Array.isArray(aud) ? aud : [aud];
  if (!presented.some((a) => typeof a === 'string' && audiences.includes(a))) throw new InvalidAccessTokenError(`jwt audience invalid. expected: ${audiences.join(' or ')}`);
  if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string' || typeof claims.client_id !== 'string') {
    throw new InvalidAccessTokenError('required claims missing');
  }
  if (claims.gty !== undefined && claims.gty !== CLIENT_CREDENTIALS_GTY) throw new InvalidAccessTokenError(`unknown gty ${String(claims.gty).slice(0, 40)}`);
  return claims as unknown as AccessTokenClaims;
}

export class InvalidAccessTokenError extends Error {
  constructor(readonly reason: string) {
    super(`invalid access token: ${reason}`);
    this.name = 'InvalidAccessTokenError';
  }
}
