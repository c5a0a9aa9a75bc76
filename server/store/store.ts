/**
 * The one storage contract of the service. Values are strings (callers serialise); every key the
 * domain passes is relative, the implementation adds the configured prefix. Each operation touches
 * exactly one key, so every atomic step stays on one Redis Cluster slot without hash tags; a future
 * operation over several keys must wrap them in one `{hash tag}`.
 *
 * TTLs are in milliseconds. `undefined` means the record does not expire.
 */
export interface Store {
  /** Reads a value; null when absent or expired. */
  get(key: string): Promise<string | null>;
  /** Writes a value, replacing any other. */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Writes only when the key is absent; true when this call wrote it. */
  setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean>;
  /** Writes a value and returns the one it replaced, as one step (for single-use records). */
  getAndSet(key: string, value: string, ttlMs?: number): Promise<string | null>;
  /**
   * Replaces the value only if it still equals `expected` (null: only if absent); `next` null deletes.
   * True when this call made the change. The building block for read-modify-write without races.
   */
  compareAndSet(key: string, expected: string | null, next: string | null, ttlMs?: number): Promise<boolean>;
  /** Reads and deletes as one step: of two callers racing, exactly one gets the value. */
  take(key: string): Promise<string | null>;
  /** Deletes keys; returns how many existed. */
  delete(...keys: string[]): Promise<number>;
  /** Adds `by` (default 1) to a counter, starting its TTL when the counter is created; returns the new count. */
  increment(key: string, ttlMs: number, by?: number): Promise<number>;
  /** Adds a member to a set; the set's TTL is extended to at least `ttlMs` when given. */
  addToSet(key: string, member: string, ttlMs?: number): Promise<void>;
  /** Lists the members of a set (empty when absent). */
  members(key: string): Promise<string[]>;
  /** Removes a member from a set. */
  removeFromSet(key: string, member: string): Promise<void>;
  /** Resolves when the store answers; rejects with StoreUnavailableError otherwise. */
  ping(): Promise<void>;
  /** Releases connections; pending work finishes first. */
  close(): Promise<void>;
}
