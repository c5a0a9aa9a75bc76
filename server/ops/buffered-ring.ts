import type { StoreRing } from './store-ring';

/** How long an entry waits in memory before the batch is written. */
export const RING_FLUSH_AFTER_MS = 1000;

/**
 * A StoreRing written in batches: an entry is kept in memory and written with the others of the same
 * second in one counter step and one pipelined round of slot writes. A refusal then costs no store round
 * trip of its own, and a flood of refusals costs at most one ring's worth of writes per second (the ring
 * only shows its last `capacity` entries, so older pending ones are dropped, though still counted).
 */
export class BufferedRing<T extends object> {
  private pending: T[] = [];
  private total = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ring: StoreRing<T>,
    /** Told how many entries a failed write lost (the store is down); the ring is a diagnostic, not a record. */
    private readonly onLost: (count: number, error: Error) => void,
    private readonly flushAfterMs = RING_FLUSH_AFTER_MS,
  ) {}

  /** Queues an entry; never touches the store itself. */
  push(entry: T): void {
    this.pending.push(entry);
    this.total += 1;
    if (this.pending.length > this.ring.capacity) this.pending.shift();
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.flushAfterMs);
    this.timer.unref();
  }

  /** Writes what is pending; a failure is reported to onLost, never thrown. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    const total = this.total;
    this.pending = [];
    this.total = 0;
    if (batch.length === 0) return;
    try {
      await this.ring.appendMany(batch, total);
    } catch (error) {
      this.onLost(batch.length, error as Error);
    }
  }

  /** The newest entries, this process's pending ones included (they are written first). */
  async recent(limit?: number): Promise<Array<{ seq: number; entry: T }>> {
    await this.flush();
    return this.ring.recent(limit);
  }
}
