import type { Clock } from '../clock';
import type { Store } from '../store';
import type { LinkingStep } from './metrics';
import { BufferedRing } from './buffered-ring';
import { StoreRing } from './store-ring';

/** One linking failure as the diagnostics page lists it. */
export interface LinkingFailureRecord {
  /** Position in the log; increases by one per failure. */
  seq: number;
  at: number;
  step: LinkingStep;
  /** The error code the caller received. */
  code: string;
  /** Short category (failure-reasons.ts) and the advice that goes with it. */
  category: string;
  advice: string;
  /** Which check failed, as the domain wrote it, with anything token-like blanked out. */
  reason: string;
  clientId?: string;
  userId?: string;
  /** The request id, to find the full log lines. */
  reqId?: string;
}

/** The last N linking failures with their reasons, shared by every instance through the store. */
export class FailureLog {
  private readonly ring: BufferedRing<Omit<LinkingFailureRecord, 'seq'>>;

  constructor(
    store: Store,
    private readonly clock: Clock,
    capacity: number,
    /** Told when a batch could not be written (the store is down): how many failures were lost. */
    onLost: (count: number, error: Error) => void = () => undefined,
  ) {
    this.ring = new BufferedRing(new StoreRing(store, 'failures', capacity), onLost);
  }

  /**
   * Records a failure in memory; it reaches the store with the others of the same second (BufferedRing),
   * so a refusal waits for no store write and a flood of them writes at most one ring per second.
   */
  append(failure: Omit<LinkingFailureRecord, 'seq' | 'at'>): void {
    this.ring.push({
      ...failure,
      reason: scrub(failure.reason).slice(0, 400),
      ...(failure.clientId !== undefined ? { clientId: scrub(failure.clientId).slice(0, 256) } : {}),
      at: this.clock.now(),
    });
  }

  /** Writes the failures still in memory (recent() does it first; tests and shutdown call it). */
  flush(): Promise<void> {
    return this.ring.flush();
  }

  /** The most recent failures, newest first (this process's pending ones included). */
  async recent(limit?: number): Promise<LinkingFailureRecord[]> {
    return (await this.ring.recent(limit)).map(({ seq, entry }) => ({ ...entry, seq }));
  }
}

/**
 * Blanks long runs of token alphabet (our codes and refresh tokens are 43 base64url characters, JWT parts
 * longer), so a reason that ever quoted a credential cannot carry it onto the operator page.
 */
export function scrub(text: string): string {
  return text.replace(/[A-Za-z0-9_-]{32,}/g, '[…]');
}

/** Identical failures shown once: how often, first and last seen, and the latest occurrence's ids. */
export interface FailureGroup {
  latest: LinkingFailureRecord;
  count: number;
  firstAt: number;
  lastAt: number;
}

/**
 * Groups failures that are the same failure (step, code, reason and client), newest group first, so a
 * misconfiguration that fails every request shows as one line with its count rather than a page of it.
 */
export function groupFailures(failures: readonly LinkingFailureRecord[]): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  for (const failure of failures) {
    const key = JSON.stringify([failure.step, failure.code, failure.reason, failure.clientId ?? null]);
    const group = groups.get(key);
    if (!group) {
      groups.set(key, { latest: failure, count: 1, firstAt: failure.at, lastAt: failure.at });
      continue;
    }
    group.count += 1;
    if (failure.at < group.firstAt) group.firstAt = failure.at;
    if (failure.at > group.lastAt || (failure.at === group.lastAt && failure.seq > group.latest.seq)) {
      group.lastAt = failure.at;
      group.latest = failure;
    }
  }
  return [...groups.values()].sort((a, b) => b.lastAt - a.lastAt || b.latest.seq - a.latest.seq);
}
