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
  /**
   * Reads a value with how long it has left (undefined: it does not expire; value null: absent), so a
   * caller can leave a record alone that it would only rewrite to renew.
   */
  getWithTtl(key: string): Promise<{ value: string | null; ttlMs: number | undefined }>;
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
  /**
   * Rewrites fields of a `|`-separated record in one step when every guard holds: read, checked and
   * written on the store's side, so a read-modify-write whose change is known before the read costs one
   * round trip instead of two (readForUpdate, then compareAndSet). Fields are numbered from 0, a missing
   * one reads as '', and trailing empty fields are dropped from what is written. Answers the record
   * found (null: absent) and the record written (null: nothing written, because a guard failed or the
   * record is absent, or because the command reached the store later than it can still be answered:
   * see readForUpdate; the deadline counts on the store's own clock, as readForUpdate's does).
   */
  updateFields(key: string, update: FieldUpdate): Promise<{ previous: string | null; written: string | null }>;
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
   * Lists `member` in the array at position `index` of the JSON array stored at `key` (a record's list of
   * ids), unless it is there already, and answers the list; when `key` holds nothing, adds `member` to the set `orElse.setKey`
   * instead, as addToSet does. One step on the server, applied after every command this process sent
   * before it, so a caller may send a record's first write and this in the same breath and know the
   * listing never lands first. Answers 'neither' (and changes nothing) for a record it cannot rewrite
   * faithfully (not an array, escapes in its strings, an empty array or object beside the list), and
   * always where the two writes could be applied out of order (a Cluster); the caller then lists the
   * member its own way. Absent from stores that cannot do it.
   */
  listMember?(key: string, index: number, member: string, orElse: { setKey: string; ttlMs?: number | undefined }): Promise<ListedMember>;
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

/**
 * A condition on one field of a `|`-separated record: equal to a text, or a base-36 number at least as
 * large; `orElse` names the field read instead when this one is empty (a record that leaves out a field
 * equal to another, as a family leaves out a lastUsedAt equal to its createdAt).
 */
export type FieldGuard = { field: number; equals: string } | { field: number; orElse?: number; atLeastBase36: string };

/** What Store.updateFields checks and writes. */
export interface FieldUpdate {
  /** Every one must hold for anything to be written. */
  guards: readonly FieldGuard[];
  /** The fields to write, as [index, value]. */
  changes: ReadonlyArray<readonly [number, string]>;
  /** The TTL of the rewritten record (undefined: none). */
  ttlMs?: number | undefined;
}

/** Store.updateFields' rule, for stores that apply it in process: the record written, or null when a guard fails. */
export function applyFieldUpdate(value: string, update: FieldUpdate): string | null {
  const fields = value.split('|');
  for (const guard of update.guards) {
    const have = fields[guard.field] ?? '';
    if ('equals' in guard) {
      if (have !== guard.equals) return null;
    } else {
      const found = parseBase36(have === '' && guard.orElse !== undefined ? (fields[guard.orElse] ?? '') : have);
      const wanted = parseBase36(guard.atLeastBase36);
      if (found === undefined || wanted === undefined || found < wanted) return null;
    }
  }
  for (const [index, text] of update.changes) {
    while (fields.length < index) fields.push('');
    fields[index] = text;
  }
  while (fields.length > 0 && fields[fields.length - 1] === '') fields.pop();
  return fields.join('|');
}

/** An unsigned base-36 integer, as Lua's tonumber(text, 36) reads one; undefined for anything else. */
function parseBase36(text: string): number | undefined {
  return /^[0-9a-zA-Z]+$/.test(text) ? parseInt(text, 36) : undefined;
}

/** Where Store.listMember listed a member: in the record (with what its list then holds), in the set, or nowhere. */
export type ListedMember = { in: 'record'; members: string[] } | { in: 'set' } | { in: 'neither' };
