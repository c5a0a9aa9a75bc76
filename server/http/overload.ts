import type { IncomingMessage, ServerResponse } from 'node:http';
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import type { Logger } from '../log';
import { ConcurrencyLimit } from './concurrency-limit';
import type { OverloadSettings } from './overload-settings';

/** Why a request was shed. */
export type ShedReason = 'in_flight' | 'event_loop_delay';

/** What /readyz and the tests see of the guard. */
export interface LoadReport {
  /** Requests being answered now (health and metrics probes not counted). */
  inFlight: number;
  /** Requests admitted at once right now (adapts between 64 and OVERLOAD_MAX_IN_FLIGHT); 0 when unbounded. */
  inFlightLimit: number;
  /** Mean event-loop delay over the last 100 ms window, in ms (0 when that bound is off). */
  eventLoopDelayMs: number;
  /** A request arriving now would be answered 503. */
  shedding: boolean;
  /** Requests answered 503 since the process started. */
  shedTotal: number;
}

/** Paths never shed: a balancer's probes and the metrics scrape must see a busy process as it is. */
const NEVER_SHED = new Set(['/healthz', '/readyz', '/metrics']);
/** How often the event-loop delay is read and the in-flight limit adapted. */
const WINDOW_MS = 100;
const WARN_EVERY_MS = 5_000;
const MIN_IN_FLIGHT = 64;
/**
 * The event loop must run late in this many windows in a row before requests are shed: one long block
 * (a big synchronous job) is over by the time its window is read, and shedding the next 100 ms for it
 * would refuse a fast client's every request while the process is idle. A saturated loop is late in
 * every window, so it is still shed within about two of them.
 */
const LATE_WINDOWS_TO_SHED = 2;

/**
 * Sheds load early. Past a bound of requests in flight, or while the event loop runs late, a request
 * is answered 503 with Retry-After before its body is read: a refusal costs a few microseconds and no
 * store command, so the requests already accepted keep their latency (Alexa gives a token request
 * 4.5 s; an answer after that is worse than a refusal now, which Alexa retries). The in-flight bound
 * adapts to the latency target (see ConcurrencyLimit). Memory stays bounded by it; recovery is
 * immediate, as each request is judged when it arrives.
 */
export class OverloadGuard {
  private inFlight = 0;
  private delayMs = 0;
  /** Consecutive sampling windows whose mean delay was over the bound. */
  private lateWindows = 0;
  private shedTotal = 0;
  private shedSinceWarning = 0;
  private lastWarning = 0;
  private finished = 0;
  private slow = 0;
  private limited = false;
  private readonly limit: ConcurrencyLimit | undefined;
  private readonly histogram: IntervalHistogram | undefined;
  private readonly sampler: NodeJS.Timeout | undefined;
  private readonly body: Buffer;
  private readonly head: string[];

  constructor(
    private readonly settings: OverloadSettings,
    private readonly log: Logger,
  ) {
    this.body = Buffer.from(JSON.stringify({ error: 'temporarily_unavailable', error_description: `The service is overloaded; retry in ${settings.retryAfterSec} s.` }));
    this.head = [
      ['Retry-After', String(settings.retryAfterSec)],
      ['Cache-Control', 'no-store'],
      ['X-Content-Type-Options', 'nosniff'],
      ['Content-Type', 'application/json; charset=utf-8'],
      ['Content-Length', String(this.body.length)],
    ].flat();
    if (settings.maxInFlight > 0) this.limit = new ConcurrencyLimit(Math.min(MIN_IN_FLIGHT, settings.maxInFlight), settings.maxInFlight);
    if (settings.maxEventLoopDelayMs > 0) {
      this.histogram = monitorEventLoopDelay({ resolution: 10 });
      this.histogram.enable();
    }
    if (this.histogram || (this.limit && settings.targetLatencyMs > 0)) {
      this.sampler = setInterval(() => this.endWindow(), WINDOW_MS);
      this.sampler.unref();
    }
  }

  /**
   * Admits the request (counted until its response closes) and returns true, or answers it 503 and
   * returns false. Health and metrics paths are always admitted and not counted.
   */
  admit(path: string, req: IncomingMessage, res: ServerResponse): boolean {
    if (NEVER_SHED.has(path)) return true;
    const reason = this.overloadedBy();
    if (reason !== undefined) {
      if (reason === 'in_flight') this.limited = true;
      this.shed(reason, req, res);
      return false;
    }
    this.inFlight += 1;
    const admitted = performance.now();
    res.once('close', () => {
      this.inFlight -= 1;
      this.finished += 1;
      if (performance.now() - admitted > this.settings.targetLatencyMs) this.slow += 1;
    });
    return true;
  }

  /** The bound the process is over right now, if any. */
  overloadedBy(): ShedReason | undefined {
    if (this.limit && this.inFlight >= this.limit.value) return 'in_flight';
    if (this.histogram && this.lateWindows >= LATE_WINDOWS_TO_SHED) return 'event_loop_delay';
    return undefined;
  }

  report(): LoadReport {
    return {
      inFlight: this.inFlight,
      inFlightLimit: this.limit?.value ?? 0,
      eventLoopDelayMs: Math.round(this.delayMs * 10) / 10,
      shedding: this.overloadedBy() !== undefined,
      shedTotal: this.shedTotal,
    };
  }

  /** Stops sampling (the service is closing). */
  stop(): void {
    if (this.sampler) clearInterval(this.sampler);
    this.histogram?.disable();
  }

  /** Folds one sampling window's mean event-loop delay (ms) into the decision; the sampler calls it every window. */
  recordWindowDelay(delayMs: number): void {
    this.delayMs = delayMs;
    this.lateWindows = delayMs > this.settings.maxEventLoopDelayMs ? this.lateWindows + 1 : 0;
  }

  private endWindow(): void {
    if (this.histogram) {
      // The mean over the window, not the maximum: one garbage-collection pause must not shed a window.
      this.recordWindowDelay(this.histogram.count > 0 ? this.histogram.mean / 1e6 : 0);
      this.histogram.reset();
    }
    if (this.limit && this.settings.targetLatencyMs > 0) this.limit.onWindow({ finished: this.finished, slow: this.slow, limited: this.limited });
    this.finished = 0;
    this.slow = 0;
    this.limited = false;
  }

  private shed(reason: ShedReason, req: IncomingMessage, res: ServerResponse): void {
    this.shedTotal += 1;
    this.shedSinceWarning += 1;
    const now = Date.now();
    // One line per few seconds, not per refusal: logging each would cost more than the refusal.
    if (now - this.lastWarning >= WARN_EVERY_MS) {
      this.log.warn(
        { event: 'http.shedding', reason, inFlight: this.inFlight, inFlightLimit: this.limit?.value, eventLoopDelayMs: Math.round(this.delayMs), shed: this.shedSinceWarning },
        'overloaded: refusing requests with 503',
      );
      this.lastWarning = now;
      this.shedSinceWarning = 0;
    }
    // Prebuilt head and body: under overload most requests end here, so a refusal must cost little.
    res.writeHead(503, this.head);
    res.end(this.body);
    // The body is not read; dropping it keeps the connection usable for the client's retry.
    req.resume();
  }
}
