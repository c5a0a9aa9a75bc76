import type { LoadResult } from './load';
import { median } from './rss';

/** The figures of one case at one connection count, over its repeats. */
export interface RunSummary {
  connections: number;
  repeats: number;
  /** Mean req/s over the repeats, and the spread, so noise is visible next to the figure. */
  rps: number;
  rpsMin: number;
  rpsMax: number;
  /** Medians over the repeats of each repeat's exact percentile. */
  p50Ms: number;
  p99Ms: number;
  /** Socket errors plus responses that failed the case's check, over all repeats. */
  errors: number;
  completed: number;
  rssMaxKb: number;
  /** Median over the repeats of the server's CPU µs per request. */
  cpuUsPerRequest: number;
  /** Median over the repeats of the store's CPU µs per request (NaN for peers, whose store is in memory). */
  storeCpuUsPerRequest: number;
  poolExhausted: boolean;
}

/** Folds a case's repeats at one connection count into the row the table prints. */
export function summarize(runs: LoadResult[]): RunSummary {
  const first = runs[0];
  if (!first) throw new Error('summarize needs at least one run');
  const rates = runs.map((r) => r.rps);
  return {
    connections: first.connections,
    repeats: runs.length,
    rps: rates.reduce((a, b) => a + b, 0) / rates.length,
    rpsMin: Math.min(...rates),
    rpsMax: Math.max(...rates),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    errors: runs.reduce((sum, r) => sum + r.socketErrors + r.badResponses, 0),
    completed: runs.reduce((sum, r) => sum + r.completed, 0),
    rssMaxKb: Math.max(...runs.map((r) => r.rssMaxKb)),
    cpuUsPerRequest: median(runs.map((r) => r.cpuUsPerRequest)),
    storeCpuUsPerRequest: median(runs.map((r) => r.storeCpuUsPerRequest)),
    poolExhausted: runs.some((r) => r.poolExhausted),
  };
}
