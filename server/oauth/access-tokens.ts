import jwt from 'jsonwebtoken';
import type { Clock } from '../clock';
import { epochSeconds } from '../clock';
import type { KeyRing } from './keys';
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
  ) {}

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
    const token = jwt.sign(claims, key.privateKey, { algorithm: key.alg, keyid: key.kid, header: { alg: key.alg, typ: 'at+jwt', kid: key.kid } });
    return { token, expiresIn: this.ttlSec };
  }

  /**
   * Verifies signature, issuer, audience and lifetime. The algorithm is pinned to the one of the key
   * named by `kid`, so a token cannot choose `none`, HS256 with our public key, or another curve.
   * Throws InvalidAccessTokenError with the reason. `audiences` are the ones accepted: by default only
   * this service, so a token meant for the MCP server acts nowhere here; introspection and revocation,
   * which describe every token we issued, pass them all.
   */
  verify(token: string, audiences: readonly string[] = [this.issuer]): AccessTokenClaims {
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded.payload === 'string') throw new InvalidAccessTokenError('not a JWT');
    const kid = decoded.header.kid;
    const key = kid ? this.keys.find(kid) : undefined;
    if (!key) throw new InvalidAccessTokenError(`unknown signing key ${kid ?? '(none)'}`);
    try {
      const claims = jwt.verify(token, key.publicKey, {
        algorithms: [key.alg],
        issuer: this.issuer,
        audience: audiences.length === 1 ? (audiences[0] as string) : (audiences as [string, ...string[]]),
        clockTimestamp: epochSeconds(this.clock),
      }) as jwt.JwtPayload;
      if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string' || typeof claims.client_id !== 'string') {
        throw new InvalidAccessTokenError('required claims missing');
      }
      if (claims.gty !== undefined && claims.gty !== CLIENT_CREDENTIALS_GTY) throw new InvalidAccessTokenError(`unknown gty ${String(claims.gty).slice(0, 40)}`);
      return claims as unknown as AccessTokenClaims;
    } catch (error) {
      if (error instanceof InvalidAccessTokenError) throw error;
      throw new InvalidAccessTokenError((error as Error).message);
    }
  }
}

export class InvalidAccessTokenError extends Error {
  constructor(readonly reason: string) {
    super(`invalid access token: ${reason}`);
    this.name = 'InvalidAccessTokenError';
  }
}
