import type { Clock } from '../clock';
import { systemClock } from '../clock';
import { applyFieldUpdate, type FieldUpdate, type ListedMember, type Store } from './store';

interface Entry {
  value: string | Set<string>;
  expiresAt: number | undefined;
}

/**
 * The embedded store for development and the demo: one process, nothing persisted. It keeps the
 * same contract as Redis (single-step takes, compare-and-set, TTLs), so code tested on it behaves
 * the same in production. Expired entries are dropped when touched and by a periodic sweep.
 */
export class MemoryStore implements Store {
  private readonly entries = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly clock: Clock = systemClock, sweepEveryMs = 60_000) {
    this.sweeper = setInterval(() => this.sweep(), sweepEveryMs);
    this.sweeper.unref();
  }

  async get(key: string): Promise<string | null> {
    return this.readString(key);
  }

  async getWithTtl(key: string): Promise<{ value: string | null; ttlMs: number | undefined }> {
    const entry = this.live(key);
    if (!entry || typeof entry.value !== 'string') return { value: null, ttlMs: undefined };
    return { value: entry.value, ttlMs: entry.expiresAt === undefined ? undefined : entry.expiresAt - this.clock.now() };
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.write(key, value, ttlMs);
  }

  async setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    if (this.live(key)) return false;
    this.write(key, value, ttlMs);
    return true;
  }

  async getAndSet(key: string, value: string, ttlMs?: number): Promise<string | null> {
    const previous = this.readString(key);
    this.write(key, value, ttlMs);
    return previous;
  }

  async readForUpdate(key: string): Promise<{ value: string | null; writeBy: number }> {
    // In-process writes are never held up: no deadline.
    return { value: this.readString(key), writeBy: Number.MAX_SAFE_INTEGER };
  }

  async compareAndSet(key: string, expected: string | null, next: string | null, ttlMs?: number, _writeBy?: number): Promise<boolean> {
    if (this.readString(key) !== expected) return false;
    if (next === null) this.entries.delete(key);
    else this.write(key, next, ttlMs);
    return true;
  }

  async updateFields(key: string, update: FieldUpdate): Promise<{ previous: string | null; written: string | null }> {
    const previous = this.readString(key);
    if (previous === null) return { previous, written: null };
    const written = applyFieldUpdate(previous, update);
    if (written !== null) this.write(key, written, update.ttlMs);
    return { previous, written };
  }

  async take(key: string): Promise<string | null> {
    const value = this.readString(key);
    this.entries.delete(key);
    return value;
  }

  async delete(...keys: string[]): Promise<number> {
    let removed = 0;
    for (const key of keys) {
      if (this.live(key)) removed += 1;
      this.entries.delete(key);
    }
    return removed;
  }

  async increment(key: string, ttlMs: number, by = 1): Promise<number> {
    const current = this.readString(key);
    const count = (current === null ? 0 : Number(current)) + by;
    const entry = this.live(key);
    this.entries.set(key, { value: String(count), expiresAt: entry ? entry.expiresAt : this.clock.now() + ttlMs });
    return count;
  }

  async listMember(key: string, index: number, member: string, orElse: { setKey: string; ttlMs?: number | undefined }): Promise<ListedMember> {
    const entry = this.live(key);
    if (!entry) {
      this.addMember(orElse.setKey, member, orElse.ttlMs);
      return { in: 'set' };
    }
    // The same records as Redis's step refuses, so both stores answer alike (see RedisStore.listMember).
    if (typeof entry.value !== 'string' || !entry.value.startsWith('[') || entry.value.includes('\\')) return { in: 'neither' };
    let record: unknown;
    try {
      record = JSON.parse(entry.value);
    } catch {
      return { in: 'neither' };
    }
    if (!Array.isArray(record) || record.some((element, i) => i !== index && isEmptyContainer(element))) return { in: 'neither' };
    const list: unknown = record[index] ?? (record.length === index ? [] : undefined);
    if (!Array.isArray(list)) return { in: 'neither' };
    if (list.includes(member)) return { in: 'record', members: list.map(String) };
    record[index] = [...list, member];
    this.entries.set(key, { value: JSON.stringify(record), expiresAt: entry.expiresAt });
    return { in: 'record', members: [...list.map(String), member] };
  }

  async addToSet(key: string, member: string, ttlMs?: number): Promise<void> {
    this.addMember(key, member, ttlMs);
  }

  private addMember(key: string, member: string, ttlMs: number | undefined): void {
    const entry = this.live(key);
    const set = entry && entry.value instanceof Set ? entry.value : new Set<string>();
    set.add(member);
    let expiresAt = entry?.expiresAt;
    if (ttlMs !== undefined) {
      const wanted = this.clock.now() + ttlMs;
      if (!entry || (expiresAt !== undefined && expiresAt < wanted)) expiresAt = wanted;
    } else if (!entry) {
      expiresAt = undefined;
    }
    this.entries.set(key, { value: set, expiresAt });
  }

  async members(key: string): Promise<string[]> {
    const entry = this.live(key);
    return entry && entry.value instanceof Set ? [...entry.value] : [];
  }

  async removeFromSet(key: string, member: string): Promise<void> {
    const entry = this.live(key);
    if (!entry || !(entry.value instanceof Set)) return;
    entry.value.delete(member);
    if (entry.value.size === 0) this.entries.delete(key);
  }

  async extendSet(key: string, member: string, ttlMs: number): Promise<void> {
    const entry = this.live(key);
    if (!entry || !(entry.value instanceof Set) || !entry.value.has(member)) return;
    await this.addToSet(key, member, ttlMs);
  }

  async keysStartingWith(prefix: string): Promise<string[]> {
    this.sweep();
    return [...this.entries.keys()].filter((key) => key.startsWith(prefix));
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }

  /** How many live records the store holds (for tests and the diagnostics page). */
  size(): number {
    this.sweep();
    return this.entries.size;
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private readString(key: string): string | null {
    const entry = this.live(key);
    return entry && typeof entry.value === 'string' ? entry.value : null;
  }

  private write(key: string, value: string, ttlMs?: number): void {
    this.entries.set(key, { value, expiresAt: ttlMs === undefined ? undefined : this.clock.now() + ttlMs });
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) this.entries.delete(key);
    }
  }
}

function isEmptyContainer(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}
