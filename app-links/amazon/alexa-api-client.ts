import type { AxiosResponse } from 'axios';
import { alexaApiBase, type AmazonUrls } from '../../server/config/amazon';
import type { SkillStage } from '../settings';
import { AppLinkError, logSafeExcerpt } from '../errors';
import type { AmazonHttp } from './http';

/** What the Skill Enablement API says about the user and the skill. */
export interface EnablementStatus {
  /** e.g. ENABLED; NOT_ENABLED when Amazon knows no enablement. */
  enablementStatus: string;
  /** e.g. LINKED; undefined when Amazon did not say. */
  accountLinkStatus: string | undefined;
  stage: string | undefined;
}

export interface AccountLinkRequest {
  redirectUri: string;
  authCode: string;
  type: 'AUTH_CODE';
}

/** The outcome of trying one endpoint. */
export type EnableAttempt = { host: string; ok: true; status: EnablementStatus } | { host: string; ok: false; error: AppLinkError };

/**
 * The user-facing Alexa APIs app-to-app linking uses: endpoint discovery and the Skill Enablement API
 * (enable + link, status, disable), all with the user's Amazon access token.
 */
export class AlexaApiClient {
  constructor(
    private readonly http: AmazonHttp,
    private readonly urls: AmazonUrls,
    private readonly skillId: string,
  ) {}

  /** The hostnames of the user's Alexa API endpoints (e.g. ["api.amazonalexa.com"]), each checked to be Amazon's. */
  async discoverEndpoints(accessToken: string): Promise<string[]> {
    const response = await this.http.send('alexa.endpoints', () => ({
      method: 'GET',
      url: `${this.urls.alexaApiUrl}/v1/alexaApiEndpoint`,
      headers: bearer(accessToken),
    }));
    if (response.status !== 200) throw failure('endpoint discovery', response, { 401: 'amazon_client_misconfigured', 403: 'amazon_client_misconfigured' });
    const endpoints = (response.data as { endpoints?: unknown } | null)?.endpoints;
    if (!Array.isArray(endpoints) || endpoints.length === 0) throw new AppLinkError('amazon_unavailable', 'endpoint discovery answered without endpoints');
    const hosts = endpoints.filter((host): host is string => typeof host === 'string' && this.isAlexaHost(host));
    // A discovery answer naming another host would send the user's Amazon token there: such hosts are dropped.
    if (hosts.length === 0) throw new AppLinkError('amazon_unavailable', `endpoint discovery named no Alexa API host (${endpoints.length} entries refused)`);
    return [...new Set(hosts.map((host) => host.toLowerCase()))];
  }

  /**
   * Enables the skill and links the account on one endpoint; expects 201. `linkRequest` is called for each
   * attempt so a retry never presents a code that an earlier attempt may already have spent.
   */
  async enable(host: string, accessToken: string, stage: SkillStage, linkRequest: () => Promise<AccountLinkRequest>): Promise<EnableAttempt> {
    try {
      const response = await this.http.send('alexa.enable', async () => ({
        method: 'POST',
        url: this.enablementUrl(host),
        headers: { ...bearer(accessToken), 'Content-Type': 'application/json' },
        data: { stage, accountLinkRequest: await linkRequest() },
      }));
      if (response.status === 201) return { host, ok: true, status: statusFrom(response.data, 'ENABLED') };
      return {
        host,
        ok: false,
        error: failure('enablement', response, { 400: 'enablement_refused', 401: 'skill_disabled', 403: 'skill_stage_not_allowed', 404: 'amazon_client_misconfigured' }, 'enablement_refused'),
      };
    } catch (error) {
      if (error instanceof AppLinkError) return { host, ok: false, error };
      throw error;
    }
  }

  /** The enablement and account-link status on one endpoint; NOT_ENABLED when Amazon has none (404). */
  async status(host: string, accessToken: string): Promise<EnablementStatus> {
    const response = await this.http.send('alexa.enablement_status', () => ({ method: 'GET', url: this.enablementUrl(host), headers: bearer(accessToken) }));
    if (response.status === 200) return statusFrom(response.data, 'UNKNOWN');
    if (response.status === 404) return { enablementStatus: 'NOT_ENABLED', accountLinkStatus: undefined, stage: undefined };
    throw failure('enablement status', response, { 401: 'skill_disabled', 403: 'skill_stage_not_allowed' });
  }

  /** Disables the skill for the user (which also unlinks); true when it was enabled, false when Amazon had no enablement. */
  async disable(host: string, accessToken: string): Promise<boolean> {
    const response = await this.http.send('alexa.disable', () => ({ method: 'DELETE', url: this.enablementUrl(host), headers: bearer(accessToken) }));
    if (response.status === 204 || response.status === 200) return true;
    if (response.status === 404) return false;
    throw failure('disable', response, { 401: 'skill_disabled', 403: 'skill_stage_not_allowed' });
  }

  private enablementUrl(host: string): string {
    return `${alexaApiBase(this.urls, host)}/v1/users/~current/skills/${encodeURIComponent(this.skillId)}/enablement`;
  }

  private isAlexaHost(host: string): boolean {
    const lower = host.toLowerCase();
    if (lower in this.urls.alexaApiHostOverrides) return true;
    return /^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(lower) && (lower.endsWith('.amazonalexa.com') || lower.endsWith('.amazon.com'));
  }
}

function bearer(accessToken: string): Record<string, string> {
  // Amazon requires "Bearer" in exactly this case (a lower-case scheme is answered 400).
  return { Authorization: `Bearer ${accessToken}` };
}

function statusFrom(data: unknown, fallback: string): EnablementStatus {
  const body = (typeof data === 'object' && data !== null ? data : {}) as { status?: unknown; accountLink?: { status?: unknown }; skill?: { stage?: unknown } };
  return {
    enablementStatus: typeof body.status === 'string' ? body.status : fallback,
    accountLinkStatus: typeof body.accountLink?.status === 'string' ? body.accountLink.status : undefined,
    stage: typeof body.skill?.stage === 'string' ? body.skill.stage : undefined,
  };
}

type Mapping = Partial<Record<number, ConstructorParameters<typeof AppLinkError>[0]>>;

function failure(what: string, response: AxiosResponse, byStatus: Mapping, otherClientError: ConstructorParameters<typeof AppLinkError>[0] = 'amazon_client_misconfigured'): AppLinkError {
  const message = (response.data as { message?: unknown } | null)?.message;
  const reason = `Alexa ${what} answered HTTP ${response.status} ${logSafeExcerpt(message)}`.trim();
  if (response.status === 429 || response.status >= 500) return new AppLinkError('amazon_unavailable', reason);
  return new AppLinkError(byStatus[response.status] ?? otherClientError, reason);
}
