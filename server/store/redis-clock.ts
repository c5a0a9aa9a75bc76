/** One reading of a Redis server's clock: its TIME answer and when, on this process's clock, it was asked and answered. */
export interface RedisTimeReading {
  /** TIME's two fields: seconds and microseconds, as Redis answers them. */
  seconds: string;
  micros: string;
  sentAtMs: number;
  receivedAtMs: number;
}

/** A TIME answer (seconds, microseconds) in ms since the epoch, as the Lua scripts read TIME. */
export function redisTimeMs(seconds: string, micros: string): number {
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

/**
 * How far a Redis server's clock is ahead of this process's (negative when behind), learned from TIME.
 *
 * A write with a deadline is refused by Redis when Redis's own clock has passed it, so the deadline must
 * be said in Redis's time. A deadline taken from this process's clock would be wrong by the skew between
 * the two: a Redis clock behind ours by more than a command timeout would apply a write held up in a
 * stall long after its caller was answered 503 (the hazard the deadline exists for), and one ahead would
 * refuse every write. The offset kept is a lower bound (TIME ran no later than its answer arrived), and
 * over a Cluster the lowest of the masters', so the deadline is never later in any master's time than
 * meant: an error only ever makes a write give up early, which callers already handle.
 */
export class RedisClockOffset {
  private offsetMs = 0;
  private known = false;

  constructor(
    private readonly now: () => number,
    /** Readings that took longer than this to answer are too loose to keep (a stalled Redis answering late). */
    private readonly maxRoundTripMs: number,
  ) {}

  /** Redis's clock minus this process's, in ms (0 until a first reading). */
  get ms(): number {
    return this.offsetMs;
  }

  /** Whether a reading has been taken. */
  get measured(): boolean {
    return this.known;
  }

  /**
   * Folds in one reading per master (all taken together). Readings answered too slowly are left out; when
   * none is left the previous offset stays. `complete` is false when some master gave no reading: the
   * offset then only goes down, as that master's may be as low as the last one kept.
   */
  update(readings: readonly RedisTimeReading[], complete = true): void {
    let lowest: number | undefined;
    for (const reading of readings) {
      if (reading.receivedAtMs - reading.sentAtMs > this.maxRoundTripMs) continue;
      const redisMs = redisTimeMs(reading.seconds, reading.micros);
      if (!Number.isFinite(redisMs)) continue;
      const bound = redisMs - reading.receivedAtMs;
      lowest = lowest === undefined ? bound : Math.min(lowest, bound);
    }
    if (lowest === undefined) return;
    this.offsetMs = complete || !this.known ? lowest : Math.min(this.offsetMs, lowest);
    this.known = true;
  }

  /** The moment `waitMs` from now, on Redis's clock (ms since the epoch). */
  deadline(waitMs: number): number {
    return Math.trunc(this.now() + this.offsetMs + waitMs);
  }
}
