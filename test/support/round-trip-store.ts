import type { ManualClock } from '../../server/clock';
import { MemoryStore } from '../../server/store/memory';

/**
 * A memory store that groups its calls into round trips the way a pipelining Redis client sends them:
 * a call made while another is still pending travels with it; a call made once all have settled starts
 * a new round trip.
 */
export class RoundTripStore extends MemoryStore {
  rounds: string[][] = [];
  private pending = 0;
  recording = false;
  /** While set, every call waits for it before the memory store answers (a stalled Redis). */
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.open?.();
    this.gate = undefined;
  }

  constructor(clock: ManualClock) {
    super(clock);
    for (const name of ['get', 'getWithTtl', 'set', 'setIfAbsent', 'getAndSet', 'readForUpdate', 'compareAndSet', 'take', 'delete', 'increment', 'addToSet', 'members', 'removeFromSet', 'extendSet', 'listMember'] as const) {
      const original = (MemoryStore.prototype[name] as (...args: unknown[]) => Promise<unknown>).bind(this);
      (this as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
        if (this.recording) {
          if (this.pending === 0) this.rounds.push([]);
          this.rounds[this.rounds.length - 1]?.push(`${name} ${String(args[0]).split(':')[0]}`);
        }
        this.pending += 1;
        const gate = this.gate;
        return (gate ? gate.then(() => original(...args)) : original(...args)).finally(() => {
          this.pending -= 1;
        });
      };
    }
  }
}

