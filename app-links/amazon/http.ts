import { setTimeout as delay } from 'node:timers/promises';
import axios, { type AxiosInstance, type AxiosRequestConfig, type AxiosResponse, isAxiosError } from 'axios';
import type { Clock } from '../../server/clock';
import type { Logger } from '../../server/log';
import { AppLinkError } from '../errors';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** The first backoff; each further retry doubles it (with jitter). */
  baseDelayMs: number;
  /** The longest Retry-After honoured; a longer one ends the retries at once. */
  maxRetryAfterMs: number;
}

export interface AmazonHttpOptions {
  timeoutMs: number;
  policy: RetryPolicy;
  log: Logger;
  clock: Clock;
  /** Waits between attempts; tests pass a recorder instead of a timer. */
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1) for jitter; tests pass a constant. */
  random?: () => number;
  /** Told about every attempt: the call's name, the HTTP status (undefined when none came back) and its seconds. */
  observe?: (call: string, status: number | undefined, seconds: number) => void;
}

/** What a caller needs to build one attempt's request; called again for every retry. */
export type RequestBuilder = (attempt: number) => AxiosRequestConfig | Promise<AxiosRequestConfig>;

/**
 * Every call to Amazon goes through here: one axios instance with a timeout, no redirects (a bearer token
 * must never follow a redirect to another host), and retries with backoff on 429, 5xx and network
 * failures, never on other 4xx (those are answers, and repeating them changes nothing).
 */
export class AmazonHttp {
  private readonly axios: AxiosInstance;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly options: AmazonHttpOptions) {
    this.axios = axios.create({
      timeout: options.timeoutMs,
      maxRedirects: 0,
      maxContentLength: 256 * 1024,
      validateStatus: () => true,
      headers: { Accept: 'application/json', 'User-Agent': 'linkwright-app-links' },
    });
    this.sleep = options.sleep ?? ((ms) => delay(ms).then(() => undefined));
    this.random = options.random ?? Math.random;
  }

  /**
   * Sends a request, retrying as the policy allows. Returns the last response whatever its status (the
   * caller maps it); throws AppLinkError('amazon_unavailable') when no response ever came back.
   * `call` names the call in logs (e.g. "lwa.token"); no URL query, header or body is ever logged.
   */
  async send(call: string, build: RequestBuilder): Promise<AxiosResponse> {
    const { retries } = this.options.policy;
    for (let attempt = 0; ; attempt += 1) {
      const config = await build(attempt);
      const host = hostOf(config.url);
      const started = this.options.clock.now();
      const startedReal = performance.now();
      try {
        const response = await this.axios.request(config);
        const elapsed = performance.now() - startedReal;
        const ms = Math.round(elapsed);
        this.options.observe?.(call, response.status, elapsed / 1000);
        const retryable = response.status === 429 || response.status >= 500;
        this.options.log[retryable ? 'warn' : 'debug']({ event: 'app_links.amazon_call', call, host, status: response.status, attempt, ms }, 'amazon call');
        if (!retryable || attempt >= retries) return response;
        const wait = this.waitBefore(attempt, response, started);
        if (wait === undefined) return response;
        await this.sleep(wait);
      } catch (error) {
        if (!isAxiosError(error) || error.response) throw error;
        const detail = error.code ?? 'network error';
        this.options.observe?.(call, undefined, (performance.now() - startedReal) / 1000);
        this.options.log.warn({ event: 'app_links.amazon_call', call, host, failure: detail, attempt }, 'amazon call failed');
        if (attempt >= retries) throw new AppLinkError('amazon_unavailable', `${call} to ${host}: ${detail} after ${attempt + 1} attempt(s)`);
        await this.sleep(this.backoff(attempt));
      }
    }
  }

  /** How long to wait before the next attempt, or undefined when Amazon asked for longer than we will wait. */
  private waitBefore(attempt: number, response: AxiosResponse, sentAt: number): number | undefined {
    const header = response.headers['retry-after'];
    const retryAfter = typeof header === 'string' ? parseRetryAfter(header, sentAt) : undefined;
    if (retryAfter === undefined) return this.backoff(attempt);
    return retryAfter <= this.options.policy.maxRetryAfterMs ? retryAfter : undefined;
  }

  /** Exponential backoff with "equal jitter": half fixed, half random, so retries of many users spread out. */
  private backoff(attempt: number): number {
    const ceiling = this.options.policy.baseDelayMs * 2 ** attempt;
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }
}

/** Retry-After as milliseconds from `now`: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string, now: number): number | undefined {
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function hostOf(url: string | undefined): string {
  try {
    return new URL(url ?? '').host;
  } catch {
    return '?';
  }
}
