/**
 * How long a store command may go unanswered before it fails (REDIS_COMMAND_TIMEOUT_MS's default).
 * A healthy Redis answers in well under a millisecond; a stalled one must cost a token request a 503
 * well inside Alexa's 4.5 s budget for the token endpoint. The deadline counts from the call, and once
 * one command missed it the store fails the next ones at once until Redis answers a ping, so a request
 * waits at most about this long however many commands it makes.
 */
export const DEFAULT_COMMAND_TIMEOUT_MS = 500;

/**
 * The one storage contract of the service. Values are strings (callers serialise); every key the
 * domain passes is relative, the implementation adds the configured prefix. Each operation touches
 * exactly one key, so every atomic step stays on one Redis Cluster slot without hash tags; a future
 * operation over several keys must wrap them in one `{hash tag}`. (keysStartingWith is a listing, not a
 * step: it reads every node.)
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
  compareAndSet(key: string, expected: string | null, next: string | null, ttlMs?: number, writeBy?: number): Promise<boolean>;
  /**
   * Reads a value for a later compareAndSet, with `writeBy`: the time (on the store's own clock) after
   * which a write based on this read would arrive too late to be answered. Passed to compareAndSet, it
   * makes a write that was held up (a stalled Redis executing its backlog) fail with
   * StoreUnavailableError instead of being applied after its caller was told it failed.
   */
  readForUpdate(key: string): Promise<{ value: string | null; writeBy: number }>;
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
  /**
   * Extends a set's TTL to at least `ttlMs` if the set holds `member`, as addToSet would; a set that
   * does not hold it (or does not exist) is left alone, never created.
   */
  extendSet(key: string, member: string, ttlMs: number): Promise<void>;
  /**
   * Every live key that starts with `prefix`, for listings an operator asks for (`account list`): it
   * reads the whole keyspace, a batch at a time on every node, so no request path may use it, and it is
   * no snapshot (keys written meanwhile may or may not be listed).
   */
  keysStartingWith(prefix: string): Promise<string[]>;
  /** Resolves when the store answers; rejects with StoreUnavailableError otherwise. */
  ping(): Promise<void>;
  /** Releases connections; pending work finishes first. */
  close(): Promise<void>;
}
