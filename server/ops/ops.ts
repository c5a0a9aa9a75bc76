import { StoreUnavailableError } from '../errors';
import type { Logger } from '../log';
import type { Services } from '../services';
import type { Store } from '../store';
import { FailureLog } from './failure-log';
import { explainFailure, type FailureExplanation, type FailureFacts } from './failure-reasons';
import { type LinkingStep, OpsMetrics } from './metrics';
import { type ObservedEndpoint, type Sighting, TrafficLog } from './traffic';

/** What a failure site knows besides the facts: who was involved, for the diagnostics list. */
export interface FailureContext {
  clientId?: string | undefined;
  userId?: string | undefined;
  /** The request (express's or a hot route's), for its id and logger. */
  req?: { id: string; log: Logger } | undefined;
  /** The error behind the failure, when there is one: store outages are not written to the (unreachable) store. */
  error?: unknown;
}

/**
 * The operator's view of one running service: its metrics registry, the capped list of recent linking
 * failures and the record of what the authorization and token endpoints see.
 */
export class Ops {
  readonly metrics: OpsMetrics;
  readonly failures: FailureLog;
  readonly traffic: TrafficLog;

  constructor(private readonly services: Services) {
    // Process metrics sample the event loop and GC continuously: only worth it when /metrics is on.
    this.metrics = new OpsMetrics({ processMetrics: services.settings.ops.metricsToken !== undefined });
    this.failures = new FailureLog(services.store, services.clock, services.settings.ops.failuresKept, (count, error) => {
      services.log.warn({ event: 'ops.failure_not_recorded', count, reason: error.message }, 'could not record linking failures for the diagnostics page');
    });
    // Every registered client and redirect URI is counted on its own: several skills, the app and services share the endpoints.
    const clients = services.settings.oauth.clients.filter((c) => c.clientId !== '');
    this.traffic = new TrafficLog(services.store, services.clock, { clientIds: clients.map((c) => c.clientId), redirectUris: registeredRedirectUris(services.settings) });
    watchStoreErrors(services.store, this.metrics);
    watchStoreClock(services.store, this.metrics);
  }

  /** Puts a failure in a support engineer's terms (category and advice) without recording it. */
  explain(step: LinkingStep, facts: FailureFacts): FailureExplanation {
    return explainFailure(step, facts);
  }

  /**
   * Records a linking failure: the metric, and the diagnostics list unless the store itself failed.
   * Never throws: a failure to record must not change the answer the caller gets.
   */
  async linkingFailed(step: LinkingStep, facts: FailureFacts, context: FailureContext = {}): Promise<FailureExplanation> {
    const explanation = explainFailure(step, facts);
    this.metrics.linkingFailure(step, explanation.category);
    if (context.error instanceof StoreUnavailableError) return explanation;
    // In memory, written with the others of the same second: a refusal waits for no store write.
    this.failures.append({
      step,
      code: facts.code,
      reason: facts.reason,
      category: explanation.category,
      advice: explanation.advice,
      ...(context.clientId !== undefined ? { clientId: context.clientId } : {}),
      ...(context.userId !== undefined ? { userId: context.userId } : {}),
      ...(context.req ? { reqId: context.req.id } : {}),
    });
    return explanation;
  }

  /** Records what a request to the authorization or token endpoint showed, without delaying it. */
  sighted(endpoint: ObservedEndpoint, sighting: Sighting): void {
    this.traffic.record(endpoint, sighting).catch((error: unknown) => {
      this.services.log.debug({ event: 'ops.sighting_not_recorded', reason: (error as Error).message }, 'could not record traffic for the diagnostics page');
    });
  }
}

const byService = new WeakMap<Services, Ops>();

/** The Ops of a service, created on first use: one metrics registry per service instance. */
export function opsOf(services: Services): Ops {
  let ops = byService.get(services);
  if (!ops) {
    ops = new Ops(services);
    byService.set(services, ops);
  }
  return ops;
}

/** A store that can report failed commands (RedisStore); the memory store never fails one. */
interface ObservableStore extends Store {
  onCommandError(listener: (error: Error) => void): void;
}

function watchStoreErrors(store: Store, metrics: OpsMetrics): void {
  const observable = store as Partial<ObservableStore>;
  if (typeof observable.onCommandError !== 'function') return;
  observable.onCommandError.call(store, (error: Error) => metrics.storeError(storeErrorKind(error)));
}

/** A store whose clock is another machine's (RedisStore); the memory store shares this process's. */
interface ClockedStore extends Store {
  readonly redisClockOffsetMs: number;
}

function watchStoreClock(store: Store, metrics: OpsMetrics): void {
  if (typeof (store as Partial<ClockedStore>).redisClockOffsetMs !== 'number') return;
  metrics.watchStoreClock(() => (store as ClockedStore).redisClockOffsetMs);
}

/** Sorts ioredis failures into the kinds an alert would treat differently. */
export function storeErrorKind(error: Error): 'timeout' | 'unavailable' | 'other' {
  const message = error.message.toLowerCase();
  if (message.includes('timed out') || message.includes('timeout')) return 'timeout';
  if (/writeable|connection is closed|econnrefused|econnreset|enotfound|offline|not connected|clusterdown|loading/.test(message)) return 'unavailable';
  return 'other';
}

/**
 * The redirect URIs a token request may name: every client's and, when app-to-app linking hands Alexa a
 * code bound to the app's redirect URL (APP_LINKS_ENABLEMENT_REDIRECT=app), that URL too.
 */
function registeredRedirectUris(settings: Services['settings']): string[] {
  const { appLinks, oauth } = settings;
  const app = appLinks.enabled && appLinks.enablementRedirect === 'app' ? [appLinks.appRedirectUrl] : [];
  return [...new Set([...oauth.clients.flatMap((c) => c.redirectUris), ...app])];
}
