import type { Clock } from '../../server/clock';
import { type EventLog, maskParams } from '../events';
import { SIMULATED_ALEXA_AGENT } from '../host';
import { requireServiceUrl, type SkillConfig } from './skill-config';

/** Tokens Alexa holds for a linked customer. */
export interface LinkedTokens {
  accessToken: string;
  refreshToken: string | undefined;
  scope: string | undefined;
  /** When Alexa considers the access token expired (its clock, ms). */
  expiresAt: number;
  obtainedAt: number;
}

/** What a call to the service's token endpoint came to. */
export type TokenOutcome =
  | { ok: true; tokens: LinkedTokens; warnings: string[] }
  | {
      ok: false;
      /** HTTP status, undefined when there was no answer (refused, reset, timed out). */
      status: number | undefined;
      /** The OAuth error code the service sent, if any. */
      error: string | undefined;
      description: string | undefined;
      /** One line on what went wrong, for the event log and the caller. */
      reason: string;
    };

/** Alexa gives an access token URI 4.5 seconds to answer. */
export const TOKEN_ENDPOINT_TIMEOUT_MS = 4500;

/**
 * Alexa as the OAuth client of the service: redeems authorization codes and refreshes tokens at the
 * skill's access token URI, authenticating with the configured scheme, exactly one way at a time.
 */
export class AccountLinkingClient {
  constructor(
    private readonly skill: () => SkillConfig,
    private readonly clock: Clock,
    private readonly events: EventLog,
    private readonly ownLwaTokenUrl?: () => string,
  ) {}

  /** The authorization_code grant (with the PKCE verifier when one was used). */
  redeem(code: string, redirectUri: string, codeVerifier?: string): Promise<TokenOutcome> {
    const form: Record<string, string> = { grant_type: 'authorization_code', code, redirect_uri: redirectUri };
    if (codeVerifier !== undefined) form.code_verifier = codeVerifier;
    return this.post(form);
  }

  /** The refresh_token grant. */
  refresh(refreshToken: string): Promise<TokenOutcome> {
    return this.post({ grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  /** True when the token URI is the simulator's own Login with Amazon (account linking through LWA). */
  private callsOwnLwa(url: string): boolean {
    return this.ownLwaTokenUrl !== undefined && url === this.ownLwaTokenUrl();
  }

  private async post(form: Record<string, string>): Promise<TokenOutcome> {
    const skill = this.skill();
    const url = requireServiceUrl(skill, 'tokenUrl');
    const headers: Record<string, string> = {
      'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8',
      Accept: 'application/json',
      'User-Agent': SIMULATED_ALEXA_AGENT,
    };
    const body = new URLSearchParams(form);
    if (skill.scheme === 'HTTP_BASIC') {
      // RFC 6749 §2.3.1: id and secret are form-encoded before base64, so a ':' in either survives.
      const pair = `${formEncode(skill.clientId)}:${formEncode(skill.clientSecret)}`;
      headers.Authorization = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
    } else {
      body.set('client_id', skill.clientId);
      body.set('client_secret', skill.clientSecret);
    }
    const logged = maskParams({ ...Object.fromEntries(body), ...(headers.Authorization ? { authorization: headers.Authorization } : {}) });
    // A call to the simulator's own Login with Amazon is logged by the receiving host; log it once.
    const pending = this.callsOwnLwa(url) ? undefined : this.events.begin({ from: 'Alexa', to: 'service', method: 'POST', url, params: logged });
    const record = (status: number | undefined, note: string) => pending?.finish({ ...(status === undefined ? {} : { status }), note });

    let response: globalThis.Response;
    let text: string;
    try {
      response = await fetch(url, { method: 'POST', headers, body: body.toString(), redirect: 'manual', signal: AbortSignal.timeout(TOKEN_ENDPOINT_TIMEOUT_MS) });
      text = await response.text();
    } catch (error) {
      const reason = `no answer from the token endpoint: ${describeNetworkError(error)}`;
      record(undefined, reason);
      return { ok: false, status: undefined, error: undefined, description: undefined, reason };
    }
    const json = parseJson(text);
    if (response.status !== 200) {
      const error = typeof json?.error === 'string' ? json.error : undefined;
      const description = typeof json?.error_description === 'string' ? json.error_description : undefined;
      const reason = error ? `${error}${description ? `: ${description}` : ''}` : `HTTP ${response.status}`;
      record(response.status, reason);
      return { ok: false, status: response.status, error, description, reason };
    }
    const accessToken = json?.access_token;
    if (typeof accessToken !== 'string' || accessToken === '') {
      const reason = 'the token response has no access_token (or is not JSON)';
      record(response.status, reason);
      return { ok: false, status: response.status, error: undefined, description: undefined, reason };
    }
    const warnings: string[] = [];
    const refreshToken = typeof json?.refresh_token === 'string' && json.refresh_token !== '' ? json.refresh_token : undefined;
    if (refreshToken === undefined && form.grant_type === 'authorization_code') warnings.push('no refresh_token: Alexa cannot refresh and the link will break when the access token expires');
    if (typeof json?.token_type !== 'string' || json.token_type.toLowerCase() !== 'bearer') warnings.push(`token_type is ${JSON.stringify(json?.token_type)}, expected Bearer`);
    let expiresIn = parseExpiresIn(json?.expires_in);
    if (expiresIn === undefined) {
      expiresIn = skill.defaultTokenExpirationSec;
      warnings.push(`no usable expires_in: using the default of ${expiresIn} s`);
    } else if (expiresIn < 360) warnings.push(`expires_in ${expiresIn} s is below Alexa's 360 s minimum`);
    const now = this.clock.now();
    const tokens: LinkedTokens = {
      accessToken,
      refreshToken,
      scope: typeof json?.scope === 'string' ? json.scope : undefined,
      expiresAt: now + expiresIn * 1000,
      obtainedAt: now,
    };
    record(response.status, ['tokens received', ...warnings].join('; '));
    return { ok: true, tokens, warnings };
  }
}

/** application/x-www-form-urlencoded encoding of one value. */
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** expires_in as a positive whole number of seconds; Amazon's own examples send it as a string, so both count. */
function parseExpiresIn(value: unknown): number | undefined {
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(number) && number > 0 ? number : undefined;
}

/** A short reason for a failed fetch: the system error code when there is one. */
export function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if ((error as Error).name === 'TimeoutError') return 'timed out';
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}
