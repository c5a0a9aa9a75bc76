import axios from 'axios';
import jwt from 'jsonwebtoken';
import type { Clock } from '../../shared/clock';
import { epochSeconds } from '../../shared/clock';
import type { JwksKeySet } from './jwks';
import { ResolutionCache } from './resolution-cache';
import { type ExternalAccounts, notLinked, ProviderUnavailableError, type Resolution, type TokenResolver } from './token-resolver';

/** An OpenID Connect provider whose access tokens are accepted (Auth0, Okta, Keycloak, Linkwright…). */
export interface OidcResolverSettings {
  /** The `iss` claim, compared exactly (Auth0's ends with a slash, so it is kept as given). */
  issuer: string;
  /** The `aud` claim the access tokens must carry (the API identifier at the provider). */
  audience: string;
  /** When set, name and e-mail come from the userinfo endpoint rather than from token claims. */
  userinfoUrl: string | undefined;
  /** Signature algorithms accepted; a key's own `alg` narrows it further. */
  algorithms: string[];
  timeoutMs: number;
}

/** Clock skew allowed against another party's clock (exp, nbf, iat). */
const CLOCK_TOLERANCE_SEC = 30;

interface Profile {
  name?: string;
  email?: string;
}

/**
 * Resolves access tokens of any OpenID Connect provider (Auth0 and the like): a JWT verified against
 * the provider's JWKS with pinned algorithms, exact issuer and audience; name and e-mail from the
 * token's claims or, when configured, from the userinfo endpoint. The subject maps to a local account
 * created on first sight. Answers are cached per token hash until the token expires.
 */
export class OidcTokenResolver implements TokenResolver {
  readonly provider: string;
  private readonly cache: ResolutionCache;
  /** Accounts are keyed by issuer host too, so two providers' equal subjects never share an account. */
  private readonly accountProvider: string;

  constructor(
    private readonly settings: OidcResolverSettings,
    private readonly keys: Pick<JwksKeySet, 'keyFor'>,
    private readonly accounts: ExternalAccounts,
    private readonly clock: Clock,
    provider = 'oidc',
  ) {
    this.cache = new ResolutionCache(clock);
    this.provider = provider;
    this.accountProvider = `oidc:${new URL(settings.issuer).host}`;
  }

  /** The local account of the token's subject, or "not linked" with the reason. */
  async resolve(token: string): Promise<Resolution> {
    return this.cache.resolve(token, () => this.lookUp(token));
  }

  /** Drops cached users. */
  forgetCached(): void {
    this.cache.clear();
  }

  private async lookUp(token: string): Promise<{ resolution: Resolution; ttlMs: number }> {
    const unlinked = (reason: string) => ({ resolution: notLinked(reason), ttlMs: 0 });
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded.payload === 'string') return unlinked('access token is not a JWT');
    const alg = decoded.header.alg;
    if (!this.settings.algorithms.includes(alg)) return unlinked(`access token algorithm ${alg} is not accepted`);
    const key = await this.keys.keyFor(decoded.header.kid);
    if (!key) return unlinked(`no JWKS key for kid ${decoded.header.kid ?? '(none)'}`);
    let claims: jwt.JwtPayload;
    try {
      // Algorithms are pinned to what the key supports and we accept: a token cannot pick `none` or HS256.
      claims = jwt.verify(token, key.key, {
        algorithms: key.algorithms as jwt.Algorithm[],
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        clockTimestamp: epochSeconds(this.clock),
        clockTolerance: CLOCK_TOLERANCE_SEC,
      }) as jwt.JwtPayload;
    } catch (error) {
      return unlinked(`access token rejected: ${(error as Error).message}`);
    }
    if (typeof claims.sub !== 'string' || claims.sub === '' || claims.sub.length > 255) return unlinked('access token has no subject');
    if (typeof claims.exp !== 'number') return unlinked('access token has no expiry');

    let profile: Profile = { ...stringClaim('name', claims.name), ...stringClaim('email', claims.email) };
    if (this.settings.userinfoUrl) {
      const fromUserinfo = await this.userinfo(token, claims.sub);
      if ('reason' in fromUserinfo) return unlinked(fromUserinfo.reason);
      profile = { ...profile, ...fromUserinfo };
    }
    const account = await this.accounts.findOrCreateExternal(this.accountProvider, claims.sub, profile);
    return {
      resolution: { linked: true, user: { userId: account.id, ...(account.displayName !== undefined ? { displayName: account.displayName } : {}) } },
      ttlMs: claims.exp * 1000 - this.clock.now(),
    };
  }

  /**
   * The profile userinfo gives for the token. A 401/403 is "no profile", not "not linked": providers
   * such as Auth0 refuse an API-audience access token at userinfo (unless `openid` was requested), and
   * the token itself already passed every check; treating it as unlinked would leave a user whose link
   * Alexa holds in a loop of link-account cards. An outage (5xx, timeout) still throws (an apology).
   */
  private async userinfo(token: string, subject: string): Promise<Profile | { reason: string }> {
    let body: Record<string, unknown>;
    try {
      const response = await axios.get<Record<string, unknown>>(this.settings.userinfoUrl as string, {
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
        timeout: this.settings.timeoutMs,
        maxRedirects: 0,
        validateStatus: (status) => status === 200,
      });
      body = response.data;
    } catch (error) {
      const status = axios.isAxiosError(error) ? error.response?.status : undefined;
      if (status === 401 || status === 403) return {};
      throw new ProviderUnavailableError(`userinfo ${status ? `answered HTTP ${status}` : 'unreachable'}`);
    }
    if (typeof body !== 'object' || body === null) throw new ProviderUnavailableError('userinfo answered without JSON');
    // OpenID Connect Core 5.3.2: a userinfo answer for another subject must not be used.
    if (body.sub !== subject) return { reason: 'userinfo subject differs from the token subject' };
    return { ...stringClaim('name', body.name), ...stringClaim('email', body.email) };
  }
}

function stringClaim<K extends keyof Profile>(name: K, value: unknown): Pick<Profile, K> | Record<string, never> {
  return typeof value === 'string' && value.trim() !== '' ? ({ [name]: value.trim() } as Pick<Profile, K>) : {};
}
