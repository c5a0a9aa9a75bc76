import type { EnvReader } from '../config/env';

/** The bounds past which the process refuses work at once instead of queueing it (see OverloadGuard). */
export interface OverloadSettings {
  /** Requests being answered at once; one more is answered 503 straight away. 0 turns the bound off. */
  maxInFlight: number;
  /**
   * The latency (ms, admission to answer) the in-flight limit adapts to: while more than 1 % of
   * requests take longer, fewer are admitted at once (never under 64). 0 keeps the limit at maxInFlight.
   */
  targetLatencyMs: number;
  /** Mean event-loop delay (ms, over the last sampling window) past which requests are shed. 0 turns it off. */
  maxEventLoopDelayMs: number;
  /** Seconds a shed request is told to wait (Retry-After). */
  retryAfterSec: number;
  /** The listen queue of not-yet-accepted connections (the kernel caps it at net.core.somaxconn). */
  listenBacklog: number;
  /** Open connections the server keeps; past it a new connection is closed as soon as it is accepted. 0: no cap. */
  maxConnections: number;
}

/** Reads OVERLOAD_MAX_IN_FLIGHT, OVERLOAD_TARGET_LATENCY_MS, OVERLOAD_MAX_EVENT_LOOP_DELAY_MS, OVERLOAD_RETRY_AFTER, LISTEN_BACKLOG, MAX_CONNECTIONS. */
export function parseOverloadSettings(read: EnvReader): OverloadSettings {
  return {
    maxInFlight: read.integer('OVERLOAD_MAX_IN_FLIGHT', 256, 0, 1_000_000),
    targetLatencyMs: read.integer('OVERLOAD_TARGET_LATENCY_MS', 25, 0, 60_000),
    maxEventLoopDelayMs: read.integer('OVERLOAD_MAX_EVENT_LOOP_DELAY_MS', 500, 0, 60_000),
    retryAfterSec: read.integer('OVERLOAD_RETRY_AFTER', 1, 1, 3600),
    listenBacklog: read.integer('LISTEN_BACKLOG', 4096, 1, 65_535),
    maxConnections: read.integer('MAX_CONNECTIONS', 10_000, 0, 1_000_000),
  };
}
