import axios from 'axios';
import type { Clock } from '../../shared/clock';
import { ResolutionCache } from './resolution-cache';
import { type ExternalAccounts, notLinked, ProviderUnavailableError, type Resolution, type TokenResolver } from './token-resolver';

/** Options of {@link LwaTokenResolver}. */
export interface LwaResolverOptions {
  /** LWA's profile API (https://api.amazon.com/user/profile). */
  profileUrl: string;
  timeoutMs: number;
  /** How long a profile answer is reused for one token; LWA access tokens live one hour. */
  cacheSec: number;
  /** Maps the Amazon user to the company's user (default: the Amazon user_id is the user id). */
  accounts: ExternalAccounts;
  clock: Clock;
}

interface LwaProfile {
  user_id?: unknown;
  name?: unknown;
  email?: unknown;
}

/**
 * Resolves Login with Amazon access tokens through the LWA profile API (user_id, name, email) and maps
 * the Amazon user to a local account, created on first sight. Answers are cached per token hash for
 * at most an hour (an LWA access token's whole life); a token LWA rejects means "not linked".
 */
export class LwaTokenResolver implements TokenResolver {
  readonly provider = 'lwa' as const;
  private readonly cache: ResolutionCache;

  constructor(private readonly options: LwaResolverOptions) {
    this.cache = new ResolutionCache(options.clock);
  }

  /** The local account of the Amazon user the token belongs to, or "not linked". */
  async resolve(token: string): Promise<Resolution> {
    return this.cache.resolve(token, async () => {
      const resolution = await this.lookUp(token);
      return { resolution, ttlMs: this.options.cacheSec * 1000 };
    });
  }

  /** Drops cached profiles. */
  forgetCached(): void {
    this.cache.clear();
  }

  private async lookUp(token: string): Promise<Resolution> {
    let profile: LwaProfile;
    try {
      const response = await axios.get<LwaProfile>(this.options.profileUrl, {
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
        timeout: this.options.timeoutMs,
        maxRedirects: 0,
        validateStatus: (status) => status === 200,
      });
      profile = response.data;
    } catch (error) {
      const status = axios.isAxiosError(error) ? error.response?.status : undefined;
      // 4xx (but not rate limiting) is LWA's verdict on the token; anything else is LWA being unavailable.
      if (status !== undefined && status >= 400 && status < 500 && status !== 429) return notLinked(`LWA profile API refused the token (HTTP ${status})`);
      throw new ProviderUnavailableError(`LWA profile API ${status ? `answered HTTP ${status}` : `unreachable (${axios.isAxiosError(error) ? (error.code ?? error.message) : (error as Error).message})`}`);
    }
    if (typeof profile !== 'object' || profile === null || typeof profile.user_id !== 'string' || profile.user_id === '' || profile.user_id.length > 256) {
      throw new ProviderUnavailableError('LWA profile API answered without a user_id');
    }
    const account = await this.options.accounts.findOrCreateExternal('lwa', profile.user_id, {
      ...(typeof profile.name === 'string' ? { name: profile.name } : {}),
      ...(typeof profile.email === 'string' ? { email: profile.email } : {}),
    });
    return { linked: true, user: { userId: account.id, ...(account.displayName !== undefined ? { displayName: account.displayName } : {}) } };
  }
}
