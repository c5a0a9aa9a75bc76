import type { CaseKind } from '../cases/types';
import type { LoadResult } from './load';
import type { ProfileSummary } from './profile';
import type { RssDrift, RssSample } from './rss';
import type { RunSummary } from './summary';

/** The soak of one case: a long run at the highest connection count, watching RSS. */
export interface SoakResult {
  connections: number;
  durationSec: number;
  rps: number;
  p99Ms: number;
  errors: number;
  drift: RssDrift | undefined;
  samples: RssSample[];
}

/**
 * The overload case: the same endpoint at a sustainable load (`baseline`) and at about four times the
 * rate it sustains on many connections (`overload`), where the service must shed what it cannot serve.
 */
export interface OverloadResult {
  baselineConnections: number;
  baselineRps: number;
  baselineP99Ms: number;
  connections: number;
  /** The rate asked of autocannon (4 × baseline) and what it managed to send (answers + timeouts per second). */
  targetRps: number;
  offeredRps: number;
  acceptedRps: number;
  shedRps: number;
  acceptedP99Ms: number;
  /** acceptedP99Ms / baselineP99Ms. */
  p99Ratio: number;
  maxMs: number;
  timeouts: number;
  socketErrors: number;
  /** Answers that were neither the case's success nor a 503. */
  badResponses: number;
  rssMaxKb: number;
  /** The load generator's CPU in the storm, as a share of its core (near 1: the generator limits the figures). */
  generatorCpuShare: number;
  /** Storm connections that got no answer in the whole run (never accepted, or starved). */
  unansweredConnections: number;
  /**
   * The storm's accepted requests as the server timed them (linkwright_token_request_duration_seconds,
   * from reading a request to answering it): the bucket bound of their p99, and the share within 50 ms.
   * What the client saw beyond that waited in the kernel's queues or in the load generator.
   */
  server?: { p99AtMostMs: number; shareWithin50Ms: number; count: number } | undefined;
}

/** Everything measured for one case; `error` when it could not run (the reason, not a figure). */
export interface CaseResult {
  id: string;
  title: string;
  kind: CaseKind;
  error?: string;
  warmupRps?: number;
  rows: RunSummary[];
  runs: Array<Omit<LoadResult, 'rssSamples'>>;
  soak?: SoakResult;
  overload?: OverloadResult;
  profile?: ProfileSummary;
}
