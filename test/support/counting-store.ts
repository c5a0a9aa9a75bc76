import { MemoryStore } from '../../server/store/memory';

/** A memory store that counts writes, to show what a visitor whom nobody has vouched for costs. */
export class CountingStore extends MemoryStore {
  writes = 0;
  override async set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.writes += 1;
    return super.set(key, value, ttlMs);
  }
  override async setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    this.writes += 1;
    return super.setIfAbsent(key, value, ttlMs);
  }
  override async compareAndSet(key: string, expected: string | null, next: string | null, ttlMs?: number): Promise<boolean> {
    this.writes += 1;
    return super.compareAndSet(key, expected, next, ttlMs);
  }
  override async increment(key: string, ttlMs: number, by?: number): Promise<number> {
    this.writes += 1;
    return super.increment(key, ttlMs, by);
  }
}
