/** Time as the service sees it; injected so tests can move it forward instead of sleeping. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock for tests and the simulator: starts at real time and only moves when told to. */
export class ManualClock implements Clock {
  private current: number;

  constructor(start = Date.now()) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.current += ms;
  }
}

/** Whole seconds since the epoch, as JWT claims count time. */
export function epochSeconds(clock: Clock): number {
  return Math.floor(clock.now() / 1000);
}
