import { readFileSync } from 'node:fs';

/** The resident set size of a process in kB (VmRSS), or undefined once the process is gone. */
export function readRssKb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** One RSS reading, `atMs` after the sampler started. */
export interface RssSample {
  atMs: number;
  kb: number;
}

/** Samples a process's RSS at a fixed interval until stopped; readings cost one small /proc read. */
export class RssSampler {
  readonly samples: RssSample[] = [];
  private readonly started = Date.now();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    intervalMs = 250,
  ) {
    this.take();
    this.timer = setInterval(() => this.take(), intervalMs);
  }

  /** Stops sampling (taking one last reading) and returns every reading. */
  stop(): RssSample[] {
    clearInterval(this.timer);
    this.take();
    return this.samples;
  }

  /** The highest reading so far, in kB (0 when none). */
  get maxKb(): number {
    return this.samples.reduce((max, sample) => Math.max(max, sample.kb), 0);
  }

  private take(): void {
    const kb = readRssKb(this.pid);
    if (kb !== undefined) this.samples.push({ atMs: Date.now() - this.started, kb });
  }
}

/** How RSS moved over a soak: the least-squares line through the readings after the first seconds. */
export interface RssDrift {
  /** The fitted line at the first and the last reading kept. */
  startKb: number;
  endKb: number;
  /** endKb / startKb − 1; 0.1 means it grew by 10 %. */
  growth: number;
  /** The fitted slope, kB per minute. */
  slopeKbPerMin: number;
  /** Readings before this were left out (start-up: JIT, caches and pools filling). */
  skippedMs: number;
}

/**
 * The trend of a soak's RSS: readings of the first `skipMs` are left out, and a least-squares line is
 * fitted through the rest. A slow leak shows as a slope however the readings scatter, while one
 * garbage-collection dip (or spike) moves a line fitted through hundreds of readings very little,
 * unlike a comparison of two windows, which one dip at the start could decide.
 */
export function rssDrift(samples: RssSample[], skipMs: number): RssDrift | undefined {
  const first = samples[0]?.atMs ?? 0;
  const kept = samples.filter((s) => s.atMs >= first + skipMs);
  if (kept.length < 3) return undefined;
  const n = kept.length;
  const meanT = kept.reduce((sum, s) => sum + s.atMs, 0) / n;
  const meanKb = kept.reduce((sum, s) => sum + s.kb, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const s of kept) {
    covariance += (s.atMs - meanT) * (s.kb - meanKb);
    variance += (s.atMs - meanT) ** 2;
  }
  const slope = variance > 0 ? covariance / variance : 0; // kB per ms
  const at = (t: number) => meanKb + slope * (t - meanT);
  const startKb = at((kept[0] as RssSample).atMs);
  const endKb = at((kept[n - 1] as RssSample).atMs);
  return { startKb, endKb, growth: startKb > 0 ? endKb / startKb - 1 : 0, slopeKbPerMin: slope * 60_000, skippedMs: skipMs };
}

/** The median of a list of numbers (the mean of the middle two for an even count; NaN when empty). */
export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
