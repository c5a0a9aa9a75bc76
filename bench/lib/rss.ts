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

/** How RSS moved over a soak: the median of the first and of the last `windowMs` of readings. */
export interface RssDrift {
  startKb: number;
  endKb: number;
  /** endKb / startKb − 1; 0.1 means it grew by 10 %. */
  growth: number;
}

/**
 * Compares the start and end of a soak. Medians over a window, not single readings, so one
 * garbage-collection spike cannot decide the verdict.
 */
export function rssDrift(samples: RssSample[], windowMs: number): RssDrift | undefined {
  if (samples.length < 2) return undefined;
  const last = samples[samples.length - 1]?.atMs ?? 0;
  const first = samples[0]?.atMs ?? 0;
  const head = samples.filter((s) => s.atMs <= first + windowMs).map((s) => s.kb);
  const tail = samples.filter((s) => s.atMs >= last - windowMs).map((s) => s.kb);
  const startKb = median(head);
  const endKb = median(tail);
  return { startKb, endKb, growth: startKb > 0 ? endKb / startKb - 1 : 0 };
}

/** The median of a list of numbers (the mean of the middle two for an even count; NaN when empty). */
export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
