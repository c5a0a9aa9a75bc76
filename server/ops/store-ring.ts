import type { Store } from '../store';

/** How long a ring's entries (and its counter) live. */
const RETENTION_MS = 30 * 86_400_000;

/**
 * The last N entries of a kind, kept in the store so every instance of the service writes to and reads the
 * same list. The Store contract has no list type, so it is a ring: a counter hands out positions and each
 * entry goes to slot `position mod N`. Every step touches one key (Cluster-safe); an entry carries its own
 * position, so a slot left over from before the counter restarted is recognised and skipped.
 */
export class StoreRing<T extends object> {
  constructor(
    private readonly store: Store,
    private readonly name: string,
    readonly capacity: number,
  ) {}

  /** Appends an entry and returns its position; throws when the store is down. */
  async append(entry: T): Promise<number> {
    const seq = await this.store.increment(this.seqKey(), RETENTION_MS);
    await this.store.set(this.slotKey(seq), JSON.stringify({ seq, entry }), RETENTION_MS);
    return seq;
  }

  /**
   * Appends a batch with one counter step: `total` positions are taken (more than the entries when the
   * caller dropped some it could not keep) and the entries fill the last of them, in order. Of a batch
   * larger than the ring only the newest `capacity` are written; the others would be overwritten anyway.
   */
  async appendMany(entries: T[], total = entries.length): Promise<number> {
    const kept = entries.slice(-this.capacity);
    const last = await this.store.increment(this.seqKey(), RETENTION_MS, Math.max(total, kept.length));
    const first = last - kept.length + 1;
    await Promise.all(kept.map((entry, i) => this.store.set(this.slotKey(first + i), JSON.stringify({ seq: first + i, entry }), RETENTION_MS)));
    return last;
  }

  /** Up to `limit` most recent entries, newest first, each with its position. */
  async recent(limit = this.capacity): Promise<Array<{ seq: number; entry: T }>> {
    const last = Number((await this.store.get(this.seqKey())) ?? '0');
    const count = Math.max(0, Math.min(limit, this.capacity, last));
    const seqs = Array.from({ length: count }, (_, i) => last - i);
    const raws = await Promise.all(seqs.map((seq) => this.store.get(this.slotKey(seq))));
    const found: Array<{ seq: number; entry: T }> = [];
    raws.forEach((raw, i) => {
      if (raw === null) return;
      const stored = JSON.parse(raw) as { seq: number; entry: T };
      if (stored.seq === seqs[i]) found.push(stored);
    });
    return found;
  }

  private seqKey(): string {
    return `ops:${this.name}:seq`;
  }

  private slotKey(seq: number): string {
    return `ops:${this.name}:slot:${seq % this.capacity}`;
  }
}
