import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SkillRequestOutcome } from '../skill/skill-endpoint-observer';

/** Where a linking attempt can fail; the `step` label of linkwright_linking_failures_total. */
export type LinkingStep = 'authorize' | 'token' | 'skill' | 'app_links';

/** Latency buckets (seconds) around the budgets that matter: Alexa's 4.5 s for tokens, 8 s for skill answers. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4.5, 8];

/** A label value we made up or that comes from a closed set: lower-case words; anything else is "other". */
const CODE = /^[a-z][a-z0-9_.]{0,47}$/;

/**
 * The service's Prometheus metrics, in a registry of its own: tests run many services in one process,
 * and the global default registry would mix their counts (and refuse a second registration).
 * Every label value passes through a closed set or a strict pattern, so no caller can create unbounded series.
 */
export class OpsMetrics {
  readonly registry = new Registry();
  private readonly tokenRequests: Counter<'grant_type' | 'outcome'>;
  private readonly tokenDuration: Histogram<'grant_type'>;
  private readonly linkingFailures: Counter<'step' | 'reason'>;
  private readonly appLinkSteps: Counter<'step' | 'outcome'>;
  private readonly amazonRequests: Counter<'endpoint' | 'status'>;
  private readonly amazonDuration: Histogram<'endpoint'>;
  private readonly skillRequests: Counter<'type' | 'outcome'>;
  private readonly skillDuration: Histogram<'type'>;
  private readonly tokenResolutions: Counter<'provider' | 'outcome'>;
  private readonly storeErrors: Counter<'kind'>;

  constructor(options: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.tokenRequests = new Counter({
      name: 'linkwright_token_requests_total',
      help: 'Requests to POST /oauth/token by grant type and outcome (issued, or the OAuth error code answered).',
      labelNames: ['grant_type', 'outcome'],
      registers,
    });
    this.tokenDuration = new Histogram({
      name: 'linkwright_token_request_duration_seconds',
      help: 'Time to answer POST /oauth/token; Alexa gives up after 4.5 s.',
      labelNames: ['grant_type'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.linkingFailures = new Counter({
      name: 'linkwright_linking_failures_total',
      help: 'Account-linking failures by step and reason (the reasons the diagnostics page explains).',
      labelNames: ['step', 'reason'],
      registers,
    });
    this.appLinkSteps = new Counter({
      name: 'linkwright_app_links_steps_total',
      help: 'App-to-app linking requests by step and outcome (ok, or the error code the app received).',
      labelNames: ['step', 'outcome'],
      registers,
    });
    this.amazonRequests = new Counter({
      name: 'linkwright_amazon_requests_total',
      help: 'Calls to Amazon (Login with Amazon, Alexa APIs) by endpoint and HTTP status (network_error when none came back).',
      labelNames: ['endpoint', 'status'],
      registers,
    });
    this.amazonDuration = new Histogram({
      name: 'linkwright_amazon_request_duration_seconds',
      help: 'Latency of each call to Amazon (one attempt; retries are separate observations).',
      labelNames: ['endpoint'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.skillRequests = new Counter({
      name: 'linkwright_skill_requests_total',
      help: 'Requests to the skill endpoint by Alexa request type and outcome (ok, link_required, apologised, refused).',
      labelNames: ['type', 'outcome'],
      registers,
    });
    this.skillDuration = new Histogram({
      name: 'linkwright_skill_request_duration_seconds',
      help: 'Time to answer a skill request; Alexa waits about 8 s.',
      labelNames: ['type'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.tokenResolutions = new Counter({
      name: 'linkwright_skill_token_resolutions_total',
      help: 'Access tokens the skill resolved to a user, by provider and outcome (linked, not_linked, provider_error).',
      labelNames: ['provider', 'outcome'],
      registers,
    });
    this.storeErrors = new Counter({
      name: 'linkwright_store_errors_total',
      help: 'Store (Redis) commands that failed, by kind (timeout, unavailable, other).',
      labelNames: ['kind'],
      registers,
    });
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Counts one answered token request and its duration. */
  tokenRequest(grantType: string | undefined, outcome: string, seconds: number): void {
    const grant = grantType === undefined ? 'none' : grantType === 'authorization_code' || grantType === 'refresh_token' || grantType === 'client_credentials' ? grantType : 'other';
    this.tokenRequests.inc({ grant_type: grant, outcome: code(outcome) });
    this.tokenDuration.observe({ grant_type: grant }, seconds);
  }

  /** Counts one linking failure. */
  linkingFailure(step: LinkingStep, reason: string): void {
    this.linkingFailures.inc({ step, reason: code(reason) });
  }

  /** Counts one app-to-app request by step (start, complete, status, unlink, authorize, return page…). */
  appLinkStep(step: string, outcome: string): void {
    this.appLinkSteps.inc({ step: code(step), outcome: code(outcome) });
  }

  /** Counts one call to Amazon; `status` is the HTTP status, or undefined when no answer came back. */
  amazonCall(endpoint: string, status: number | undefined, seconds: number): void {
    this.amazonRequests.inc({ endpoint: code(endpoint), status: status === undefined ? 'network_error' : String(status) });
    this.amazonDuration.observe({ endpoint: code(endpoint) }, seconds);
  }

  /** Counts one skill request and its duration. */
  skillRequest(type: string, outcome: SkillRequestOutcome, seconds: number): void {
    const label = requestType(type);
    this.skillRequests.inc({ type: label, outcome });
    this.skillDuration.observe({ type: label }, seconds);
  }

  /** Counts one token the skill tried to resolve. */
  tokenResolution(provider: string, outcome: 'linked' | 'not_linked' | 'provider_error'): void {
    this.tokenResolutions.inc({ provider: code(provider), outcome });
  }

  /** Counts one failed store command. */
  storeError(kind: 'timeout' | 'unavailable' | 'other'): void {
    this.storeErrors.inc({ kind });
  }

  /**
   * Exports how far the store's clock is from this process's (RedisStore reads it at every connection
   * and every 30 s): write deadlines follow the store's clock, so a skew is harmless to them, but one
   * past a second says NTP is off on a host, which tokens' lifetimes and logs' times depend on too.
   */
  watchStoreClock(offsetMs: () => number): void {
    new Gauge({
      name: 'linkwright_store_clock_offset_seconds',
      help: "The store's (Redis's) clock minus this process's, as last read (the lowest of a Cluster's masters).",
      registers: [this.registry],
      collect() {
        this.set(offsetMs() / 1000);
      },
    });
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

function code(value: string): string {
  return CODE.test(value) ? value : 'other';
}

/** Alexa request types (`LaunchRequest`, `AlexaSkillEvent.SkillDisabled`…); requests that never verified are "unverified". */
function requestType(value: string): string {
  if (value === 'unverified') return value;
  return /^[A-Z][A-Za-z]{1,40}(\.[A-Z][A-Za-z]{1,40}){0,2}$/.test(value) ? value : 'other';
}
