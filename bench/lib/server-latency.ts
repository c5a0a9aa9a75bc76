/**
 * What the server itself measured: the buckets of one of its Prometheus latency histograms, read from
 * GET /metrics before and after a run, so the load generator's own delay (and the kernel's queues) can
 * be told apart from the time the process took once it read a request.
 */

/** Cumulative counts by upper bound in seconds (`le`; +Inf as Infinity), as the exposition format gives them. */
export type HistogramBuckets = Map<number, number>;

/**
 * The buckets of histogram `name` whose labels include every one of `labels`, from a text exposition
 * (https://prometheus.io/docs/instrumenting/exposition_formats/). Series of other labels are skipped.
 */
export function histogramBuckets(exposition: string, name: string, labels: Record<string, string>): HistogramBuckets {
  const buckets: HistogramBuckets = new Map();
  const prefix = `${name}_bucket{`;
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const close = line.lastIndexOf('}');
    const pairs = new Map([...line.slice(prefix.length, close).matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1] as string, m[2] as string]));
    if (!Object.entries(labels).every(([label, value]) => pairs.get(label) === value)) continue;
    const le = pairs.get('le');
    const count = Number(line.slice(close + 1).trim());
    if (le === undefined || !Number.isFinite(count)) continue;
    buckets.set(le === '+Inf' ? Infinity : Number(le), count);
  }
  return buckets;
}

/** What a run added to a histogram: the summary the overload report prints. */
export interface LatencyBound {
  /** Observations in the run. */
  count: number;
  /** The smallest bucket bound at or under which `quantile` of them fell, in ms (Infinity: past the last bound). */
  quantileAtMostMs: number;
  /** The share of them answered within `withinMs`. */
  shareWithin: number;
}

/**
 * The bound of `quantile` and the share within `withinMs` (which must be a bucket bound) of the
 * observations between two readings of one histogram.
 */
export function latencyBound(before: HistogramBuckets, after: HistogramBuckets, quantile: number, withinMs: number): LatencyBound {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const added = (le: number): number => (after.get(le) ?? 0) - (before.get(le) ?? 0);
  const count = added(Infinity);
  const reached = bounds.find((le) => count > 0 && added(le) >= quantile * count) ?? Infinity;
  const within = bounds.find((le) => Math.abs(le * 1000 - withinMs) < 1e-9);
  return {
    count,
    quantileAtMostMs: reached * 1000,
    shareWithin: count > 0 && within !== undefined ? added(within) / count : Number.NaN,
  };
}

/** GET /metrics with the bench's metrics token. */
export async function scrapeMetrics(url: string, token: string): Promise<string> {
  const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  return response.text();
}
