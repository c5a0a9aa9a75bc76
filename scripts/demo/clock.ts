import type { Clock } from '../../server/clock';

/**
 * Real time plus a jump the demo may make ("an hour later"): the service and the simulator share it,
 * so token expiry is seen the same way on both sides without waiting an hour.
 */
export class DemoClock implements Clock {
  private offsetMs = 0;

  /** Milliseconds since the epoch, moved forward by every advance() so far. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves time forward by `ms` milliseconds for everyone holding this clock. */
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
