import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { AccountDirectory } from '../../server/accounts/directory';
import { type Clock, epochSeconds } from '../../server/clock';
import type { AmazonHttp } from '../amazon/http';
import { AppLinkError } from '../errors';
import type { OidcUserTokenSettings } from '../settings';
import { type AppUser, invalidToken, type UserTokenVerifier } from './user-tokens';

/** How long fetched signing keys are trusted before they are fetched again. */
const JWKS_MAX_AGE_MS = 10 * 60_000;
/** A token naming an unknown key triggers a refetch at most this often (key rotation, not a DoS lever). */
const JWKS_REFETCH_MIN_MS = 30_000;

interface CachedKey {
  key: KeyObject;
  alg: string | undefined;
}

/**
 * JWT access tokens from an OIDC provider (Auth0, Okta, Cognito…): verified against the provider's JWKS
 * with the algorithms pinned by settings, the issuer and the audience; `sub` maps to a local account.
 */
export class OidcTokenVerifier implements UserTokenVerifier {
  readonly provider = 'oidc' as const;
  private keys = new Map<string, CachedKey>();
  private fetchedAt = -Infinity;
  private readonly providerName: string;

  constructor(
    private readonly settings: OidcUserTokenSettings,
    private readonly http: AmazonHttp,
    private readonly accounts: AccountDirectory,
    private readonly clock: Clock,
  ) {
    this.providerName = `oidc:${new URL(settings.issuer).host}`;
  }

  /** The local account of the provider's user the token belongs to. */
  async verify(token: string): Promise<AppUser> {
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded.payload === 'string') throw invalidToken('not a JWT');
    const alg = decoded.header.alg;
    if (!(this.settings.algorithms as string[]).includes(alg)) throw invalidToken(`algorithm ${alg} not allowed`);
    const key = await this.keyFor(decoded.header.kid);
    if (!key) throw invalidToken(`unknown signing key ${decoded.header.kid ?? '(none)'}`);
    if (key.alg !== undefined && key.alg !== alg) throw invalidToken(`key is for ${key.alg}, token says ${alg}`);
    let claims: jwt.JwtPayload;
    try {
      claims = jwt.verify(token, key.key, {
        algorithms: [alg as jwt.Algorithm],
        issuer: [this.settings.issuer, `${this.settings.issuer}/`],
        audience: this.settings.audience,
        clockTimestamp: epochSeconds(this.clock),
      }) as jwt.JwtPayload;
    } catch (error) {
      throw invalidToken((error as Error).message);
    }
    if (typeof claims.sub !== 'string' || claims.sub === '') throw invalidToken('no sub claim');
    const account = await this.accounts.findOrCreateExternal(this.providerName, claims.sub, {
      ...(typeof claims.name === 'string' ? { name: claims.name } : {}),
      ...(typeof claims.email === 'string' ? { email: claims.email } : {}),
    });
    return { userId: account.id, displayName: account.displayName, provider: 'oidc' };
  }

  private async keyFor(kid: string | undefined): Promise<CachedKey | undefined> {
    const now = this.clock.now();
    const stale = now - this.fetchedAt > JWKS_MAX_AGE_MS;
    const unknown = kid === undefined ? this.keys.size !== 1 : !this.keys.has(kid);
    if (stale || (unknown && now - this.fetchedAt > JWKS_REFETCH_MIN_MS)) await this.refresh();
    if (kid === undefined) return this.keys.size === 1 ? [...this.keys.values()][0] : undefined;
    return this.keys.get(kid);
  }

  private async refresh(): Promise<void> {
    let keys: unknown;
    let failure: string | undefined;
    try {
      const response = await this.http.send('oidc.jwks', () => ({ method: 'GET', url: this.settings.jwksUrl }));
      keys = (response.data as { keys?: unknown } | null)?.keys;
      if (response.status !== 200 || !Array.isArray(keys)) failure = `JWKS answered HTTP ${response.status}`;
    } catch (error) {
      if (!(error instanceof AppLinkError)) throw error;
      failure = error.reason;
    }
    if (failure !== undefined || !Array.isArray(keys)) {
      if (this.keys.size > 0) return; // keep serving with the keys we have while the provider is down
      throw new AppLinkError('provider_unavailable', failure ?? 'JWKS unusable');
    }
    const next = new Map<string, CachedKey>();
    for (const [index, jwk] of (keys as JsonWebKey[]).entries()) {
      if (jwk.use !== undefined && jwk.use !== 'sig') continue;
      try {
        next.set(typeof jwk.kid === 'string' ? jwk.kid : `#${index}`, { key: createPublicKey({ key: jwk, format: 'jwk' }), alg: typeof jwk.alg === 'string' ? jwk.alg : undefined });
      } catch {
        // A key we cannot parse is skipped; tokens signed with it are refused as "unknown key".
      }
    }
    this.keys = next;
    this.fetchedAt = this.clock.now();
  }
}
