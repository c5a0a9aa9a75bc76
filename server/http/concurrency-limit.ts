/** What the requests that finished in one sampling window showed. */
export interface WindowStats {
  /** Requests that finished. */
  finished: number;
  /** Of those, how many took longer than the target latency (admission to the end of the answer). */
  slow: number;
  /** A request was refused because the limit was reached. */
  limited: boolean;
}

/** A window is slow when more than this share of its requests were over the target (a p99 over it). */
const SLOW_SHARE = 0.01;
const DECREASE = 0.8;
const INCREASE = 0.1;

/**
 * The number of requests admitted at once, adapted to what the process can answer in time (additive
 * increase, multiplicative decrease, as TCP does with its window). A fixed bound cannot be right for
 * every host: 256 in flight is 30 ms of work where a request costs 100 µs of CPU, and seconds where
 * the store answers slowly. When more than 1 % of a window's requests took longer than the target the
 * limit shrinks by a fifth; when the limit turned requests away and the window was fast it grows by a
 * tenth, never past `max` nor under `min`.
 */
export class ConcurrencyLimit {
  private current: number;

  constructor(
    private readonly min: number,
    private readonly max: number,
  ) {
    this.current = max;
  }

  get value(): number {
    return this.current;
  }

  /** Adapts the limit to one window's requests and returns it. */
  onWindow(stats: WindowStats): number {
    if (stats.finished > 0 && stats.slow / stats.finished > SLOW_SHARE) {
      this.current = Math.max(this.min, Math.floor(this.current * DECREASE));
    } else if (stats.limited) {
      this.current = Math.min(this.max, this.current + Math.max(1, Math.floor(this.current * INCREASE)));
    }
    return this.current;
  }
}
