import type { Cluster, RedisOptions } from 'ioredis';
import type Redis from 'ioredis';
import { StoreUnavailableError } from '../errors';
import { RedisClockOffset, type RedisTimeReading, redisTimeMs } from './redis-clock';
import { connectRedis, parseRedisUrl } from './redis-connection';
import { DEFAULT_COMMAND_TIMEOUT_MS, type FieldUpdate, type ListedMember, type Store } from './store';

// Lua keeps each read-modify-write a single step on the server, so two service processes racing on
// one key cannot both win (codes, refresh rotation, rate counters).
// ARGV[6], when not 0, is a deadline in Redis's own clock (ms): a write executed later is refused (-1).
const COMPARE_AND_SET = `
if ARGV[6] ~= '0' then
  local now = redis.call('TIME')
  if tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) > tonumber(ARGV[6]) then return -1 end
end
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '0' then
  if current then return 0 end
elseif current ~= ARGV[2] then
  return 0
end
if ARGV[3] == '0' then
  redis.call('DEL', KEYS[1])
elseif tonumber(ARGV[5]) > 0 then
  redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[5])
else
  redis.call('SET', KEYS[1], ARGV[4])
end
return 1`;

const READ_WITH_TIME = `
local now = redis.call('TIME')
local value = redis.call('GET', KEYS[1])
if value then return {now[1], now[2], value} end
return {now[1], now[2]}`;

const READ_WITH_TTL = `
local value = redis.call('GET', KEYS[1])
if not value then return {} end
return {value, redis.call('PTTL', KEYS[1])}`;

const INCREMENT_WITH_TTL = `
local ttl = redis.call('PTTL', KEYS[1])
local count = redis.call('INCRBY', KEYS[1], ARGV[2])
if ttl == -2 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count`;

/** Lua that adds `member` to the set `key`, its TTL extended to at least `ttl` ms ('0': none), as Store.addToSet promises. */
function addToSetLua(key: string, member: string, ttl: string): string {
  return `redis.call('SADD', ${key}, ${member})
local wanted = tonumber(${ttl})
if wanted > 0 then
  local left = redis.call('PTTL', ${key})
  if left >= 0 and left < wanted then redis.call('PEXPIRE', ${key}, wanted) end
  if left == -1 and redis.call('SCARD', ${key}) == 1 then redis.call('PEXPIRE', ${key}, wanted) end
end`;
}

const ADD_TO_SET = `
${addToSetLua('KEYS[1]', 'ARGV[1]', 'ARGV[2]')}
return 1`;

// Store.listMember. KEYS[1]: the record (a JSON array), KEYS[2]: the set used when there is none;
// ARGV[1]: the list's position (from 0), ARGV[2]: the member, ARGV[3]: the set's TTL (ms, '0': none).
// Answers {0, list} (listed in the record), {1} (in the set) or {2} (the record is left alone:
// cjson would not write it back as it was, since it turns an empty array into {} and escapes differently).
const LIST_MEMBER = `
local raw = redis.call('GET', KEYS[1])
if not raw then
${addToSetLua('KEYS[2]', 'ARGV[2]', 'ARGV[3]')}
  return {1}
end
if string.sub(raw, 1, 1) ~= '[' or string.find(raw, '\\\\', 1, true) then return {2} end
local ok, record = pcall(cjson.decode, raw)
if not ok or type(record) ~= 'table' then return {2} end
local at = tonumber(ARGV[1]) + 1
for i, element in ipairs(record) do
  if i ~= at and type(element) == 'table' and next(element) == nil then return {2} end
end
local list = record[at]
if list == nil then
  if #record ~= at - 1 then return {2} end
  list = {}
  record[at] = list
elseif type(list) ~= 'table' then
  return {2}
end
for _, listed in ipairs(list) do
  if listed == ARGV[2] then return {0, list} end
end
list[#list + 1] = ARGV[2]
local encoded, written = pcall(cjson.encode, record)
if not encoded then return {2} end
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then redis.call('SET', KEYS[1], written, 'PX', ttl) else redis.call('SET', KEYS[1], written) end
return {0, list}`;

const EXTEND_SET = `
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then return 0 end
local wanted = tonumber(ARGV[2])
local left = redis.call('PTTL', KEYS[1])
if left >= 0 and left < wanted then redis.call('PEXPIRE', KEYS[1], wanted) end
return 1`;

// Store.updateFields. ARGV[1]: deadline on Redis's clock (ms, '0': none); ARGV[2]: TTL (ms, '0':
// none); ARGV[3]: the guard count g, then g triples (field from 0, then '=' or '>=N' for base 36 where N
// is the orElse field or empty, then the value), then (field, value) pairs. Answers {0} (absent), {0, found} (a guard failed), {-1, found} (late), or
// {1, found, written}. Guards compare token hashes in plain Lua: a SHA-256 digest's timing reveals no secret.
const UPDATE_FIELDS = `
local value = redis.call('GET', KEYS[1])
if not value then return {0} end
local fields = {}
for field in string.gmatch(value .. '|', '([^|]*)|') do fields[#fields + 1] = field end
local guards = tonumber(ARGV[3])
for i = 0, guards - 1 do
  local have = fields[tonumber(ARGV[4 + i * 3]) + 1] or ''
  local want = ARGV[6 + i * 3]
  local kind = ARGV[5 + i * 3]
  if kind == '=' then
    if have ~= want then return {0, value} end
  else
    if have == '' and #kind > 2 then have = fields[tonumber(string.sub(kind, 3)) + 1] or '' end
    local found, wanted = tonumber(have, 36), tonumber(want, 36)
    if not found or not wanted or found < wanted then return {0, value} end
  end
end
if ARGV[1] ~= '0' then
  local now = redis.call('TIME')
  if tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) > tonumber(ARGV[1]) then return {-1, value} end
end
local i = 4 + guards * 3
while ARGV[i] do
  local at = tonumber(ARGV[i]) + 1
  for k = #fields + 1, at - 1 do fields[k] = '' end
  fields[at] = ARGV[i + 1]
  i = i + 2
end
local n = #fields
while n > 0 and fields[n] == '' do
  fields[n] = nil
  n = n - 1
end
local written = table.concat(fields, '|')
if tonumber(ARGV[2]) > 0 then redis.call('SET', KEYS[1], written, 'PX', ARGV[2]) else redis.call('SET', KEYS[1], written) end
return {1, value, written}`;

/** The commands we define with Lua; the same on a single node and on a Cluster. */
type ScriptedRedis = (Redis | Cluster) & {
  lwCompareAndSet(key: string, expectPresent: string, expected: string, writeNext: string, next: string, ttl: string, writeBy: string): Promise<number>;
  lwReadWithTime(key: string): Promise<[string, string, string?]>;
  lwReadWithTtl(key: string): Promise<[string?, number?]>;
  lwIncrement(key: string, ttl: string, by: string): Promise<number>;
  lwAddToSet(key: string, member: string, ttl: string): Promise<number>;
  lwExtendSet(key: string, member: string, ttl: string): Promise<number>;
  lwListMember(record: string, set: string, index: string, member: string, ttl: string): Promise<[number, string[]?]>;
  lwUpdateFields(key: string, ...args: string[]): Promise<[number, string?, string?]>;
};

export interface RedisStoreOptions {
  /** redis://, rediss://, redis-cluster://h1:p1,h2:p2 or redis-sentinel://h1:p1/master. */
  url: string;
  keyPrefix: string;
  /** A command that gets no answer in this time fails, so a hung Redis cannot hang a request. */
  commandTimeoutMs?: number;
  /**
   * Called on connection state changes, for logs, and with `clock_skew` when Redis's clock is found
   * further from this process's than a command timeout (detail: the offset in ms), once until it is back.
   */
  onEvent?: (event: 'ready' | 'error' | 'reconnecting' | 'end' | 'clock_skew', detail?: string) => void;
  /** This process's clock (ms since the epoch); Date.now unless a test sets it apart from Redis's. */
  now?: () => number;
}

/** How often Redis's clock is read again (also at every connection ready): clocks drift and NTP steps them. */
const CLOCK_READ_INTERVAL_MS = 30_000;

/** Builds ioredis options for a URL; the connection retries forever so the service heals itself. */
export function redisOptions(options: RedisStoreOptions): RedisOptions {
  return {
    // Fail fast while disconnected instead of queueing: the caller gets a 503 now, not a hang.
    enableOfflineQueue: false,
    // Commands issued in the same tick share one socket write: a token request's reads and writes
    // (and those of concurrent requests) stop paying a syscall each, about 15 % of the token path's CPU.
    enableAutoPipelining: true,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
    lazyConnect: false,
  };
}

/**
 * The production store: Redis through ioredis (single node, Sentinel or Cluster), every multi-step
 * operation done server-side in one command on one key, so it is Cluster-safe without hash tags.
 */
export class RedisStore implements Store {
  private readonly redis: ScriptedRedis;
  private readonly prefix: string;
  private readonly waitMs: number;
  /** Settles when the first connection is ready: until then commands wait briefly instead of failing. */
  private firstReady: Promise<void> | undefined;
  private readonly commandErrorListeners: Array<(error: Error) => void> = [];
  /** Set when a command went unanswered past its deadline; cleared by the next answered ping. */
  private stalled = false;
  private probing = false;
  private closed = false;
  private readonly now: () => number;
  private readonly clockOffset: RedisClockOffset;
  private readonly clockTimer: NodeJS.Timeout;
  private readonly onEvent: RedisStoreOptions['onEvent'];
  private skewReported = false;

  constructor(options: RedisStoreOptions) {
    this.prefix = options.keyPrefix;
    this.now = options.now ?? Date.now;
    this.onEvent = options.onEvent;
    const client = connectRedis(parseRedisUrl(options.url), redisOptions(options));
    client.defineCommand('lwCompareAndSet', { numberOfKeys: 1, lua: COMPARE_AND_SET });
    client.defineCommand('lwReadWithTime', { numberOfKeys: 1, lua: READ_WITH_TIME });
    client.defineCommand('lwReadWithTtl', { numberOfKeys: 1, lua: READ_WITH_TTL });
    client.defineCommand('lwIncrement', { numberOfKeys: 1, lua: INCREMENT_WITH_TTL });
    client.defineCommand('lwAddToSet', { numberOfKeys: 1, lua: ADD_TO_SET });
    client.defineCommand('lwExtendSet', { numberOfKeys: 1, lua: EXTEND_SET });
    client.defineCommand('lwListMember', { numberOfKeys: 2, lua: LIST_MEMBER });
    client.defineCommand('lwUpdateFields', { numberOfKeys: 1, lua: UPDATE_FIELDS });
    const onEvent = this.onEvent;
    client.on('ready', () => {
      this.stalled = false;
      onEvent?.('ready');
      void this.readClock();
    });
    client.on('reconnecting', () => onEvent?.('reconnecting'));
    client.on('end', () => onEvent?.('end'));
    // Without a listener ioredis would print every failed reconnect; the event goes to our log instead.
    client.on('error', (error: Error) => onEvent?.('error', error.message));
    this.redis = client as ScriptedRedis;
    this.waitMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    this.clockOffset = new RedisClockOffset(this.now, this.waitMs);
    this.clockTimer = setInterval(() => void this.readClock(), CLOCK_READ_INTERVAL_MS);
    this.clockTimer.unref();
    this.firstReady = new Promise<void>((resolve) => client.once('ready', () => resolve()));
    void this.firstReady.then(() => {
      this.firstReady = undefined;
    });
  }

  get(key: string): Promise<string | null> {
    return this.run(() => this.redis.get(this.k(key)));
  }

  async getWithTtl(key: string): Promise<{ value: string | null; ttlMs: number | undefined }> {
    const [value, ttlMs] = await this.run(() => this.redis.lwReadWithTtl(this.k(key)));
    if (value === undefined) return { value: null, ttlMs: undefined };
    return { value, ttlMs: ttlMs === undefined || ttlMs < 0 ? undefined : ttlMs };
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    await this.run(() =>
      ttlMs === undefined ? this.redis.set(this.k(key), value) : this.redis.set(this.k(key), value, 'PX', ttl(ttlMs)),
    );
  }

  async setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    const reply = await this.run(() =>
      ttlMs === undefined
        ? this.redis.set(this.k(key), value, 'NX')
        : this.redis.set(this.k(key), value, 'PX', ttl(ttlMs), 'NX'),
    );
    return reply === 'OK';
  }

  getAndSet(key: string, value: string, ttlMs?: number): Promise<string | null> {
    return this.run(() =>
      ttlMs === undefined
        ? this.redis.set(this.k(key), value, 'GET')
        : this.redis.set(this.k(key), value, 'PX', ttl(ttlMs), 'GET'),
    );
  }

  async readForUpdate(key: string): Promise<{ value: string | null; writeBy: number }> {
    const [seconds, micros, value] = await this.run(() => this.redis.lwReadWithTime(this.k(key)));
    return { value: value ?? null, writeBy: redisTimeMs(seconds, micros) + this.waitMs };
  }

  async compareAndSet(key: string, expected: string | null, next: string | null, ttlMs?: number, writeBy?: number): Promise<boolean> {
    const reply = await this.run(() =>
      this.redis.lwCompareAndSet(
        this.k(key),
        expected === null ? '0' : '1',
        expected ?? '',
        next === null ? '0' : '1',
        next ?? '',
        String(ttlMs === undefined ? 0 : ttl(ttlMs)),
        writeBy === undefined ? '0' : String(Math.trunc(writeBy)),
      ),
    );
    if (reply === -1) throw this.failed(new Error('write refused: it reached Redis after its deadline'));
    return reply === 1;
  }

  async updateFields(key: string, update: FieldUpdate): Promise<{ previous: string | null; written: string | null }> {
    // The deadline is said in Redis's time (see RedisClockOffset), as readForUpdate's is.
    const args = [String(this.clockOffset.deadline(this.waitMs)), String(update.ttlMs === undefined ? 0 : ttl(update.ttlMs)), String(update.guards.length)];
    for (const guard of update.guards) {
      if ('equals' in guard) args.push(String(guard.field), '=', guard.equals);
      else args.push(String(guard.field), `>=${guard.orElse ?? ''}`, guard.atLeastBase36);
    }
    for (const [field, value] of update.changes) args.push(String(field), value);
    const [outcome, previous, written] = await this.run(() => this.redis.lwUpdateFields(this.k(key), ...args));
    return { previous: previous ?? null, written: outcome === 1 ? (written ?? null) : null };
  }

  take(key: string): Promise<string | null> {
    return this.run(() => this.redis.getdel(this.k(key)));
  }

  async delete(...keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    // One DEL per key keeps every command on a single Cluster slot.
    const counts = await Promise.all(keys.map((key) => this.run(() => this.redis.del(this.k(key)))));
    return counts.reduce((sum, n) => sum + n, 0);
  }

  increment(key: string, ttlMs: number, by = 1): Promise<number> {
    return this.run(() => this.redis.lwIncrement(this.k(key), String(ttl(ttlMs)), String(Math.trunc(by))));
  }

  async addToSet(key: string, member: string, ttlMs?: number): Promise<void> {
    await this.run(() => this.redis.lwAddToSet(this.k(key), member, String(ttlMs === undefined ? 0 : ttl(ttlMs))));
  }

  async listMember(key: string, index: number, member: string, orElse: { setKey: string; ttlMs?: number | undefined }): Promise<ListedMember> {
    // A Cluster keeps the two keys on different nodes, where nothing orders this after the record's own write.
    if (this.redis.isCluster) return { in: 'neither' };
    const ttlArg = String(orElse.ttlMs === undefined ? 0 : ttl(orElse.ttlMs));
    const [where, members] = await this.run(() => this.redis.lwListMember(this.k(key), this.k(orElse.setKey), String(index), member, ttlArg));
    return where === 0 ? { in: 'record', members: members ?? [] } : where === 1 ? { in: 'set' } : { in: 'neither' };
  }

  members(key: string): Promise<string[]> {
    return this.run(() => this.redis.smembers(this.k(key)));
  }

  async removeFromSet(key: string, member: string): Promise<void> {
    await this.run(() => this.redis.srem(this.k(key), member));
  }

  async extendSet(key: string, member: string, ttlMs: number): Promise<void> {
    await this.run(() => this.redis.lwExtendSet(this.k(key), member, String(ttl(ttlMs))));
  }

  async keysStartingWith(prefix: string): Promise<string[]> {
    const pattern = `${(this.prefix + prefix).replace(/[*?[\]\\]/g, '\\$&')}*`;
    // Each master is scanned in turn.
    const keys = new Set<string>();
    for (const node of this.masters()) {
      let cursor = '0';
      do {
        // One deadline per batch: a listing of a large keyspace takes many, each answered quickly.
        const [next, batch] = await this.run(() => node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000));
        cursor = next;
        for (const key of batch) keys.add(key.slice(this.prefix.length));
      } while (cursor !== '0');
    }
    return [...keys];
  }

  async ping(): Promise<void> {
    await this.run(() => this.redis.ping());
  }

  /** Redis's clock minus this process's in ms, as last read (the lowest of a Cluster's masters); 0 before a first reading. */
  get redisClockOffsetMs(): number {
    return this.clockOffset.ms;
  }

  /**
   * Reads Redis's clock (every master's on a Cluster) and keeps its offset from this process's. The store
   * does so whenever a connection is ready and every 30 s; a reading that fails or answers late changes nothing.
   */
  async readClock(): Promise<void> {
    if (this.closed) return;
    const readings = await Promise.all(
      this.masters().map(async (node): Promise<RedisTimeReading | undefined> => {
        const sentAtMs = this.now();
        try {
          const [seconds, micros] = await withDeadline(node.time(), this.waitMs);
          return { seconds: String(seconds), micros: String(micros), sentAtMs, receivedAtMs: this.now() };
        } catch {
          return undefined;
        }
      }),
    );
    const answered = readings.filter((reading): reading is RedisTimeReading => reading !== undefined);
    this.clockOffset.update(answered, answered.length === readings.length);
    // Deadlines stay right either way; a skew this large still says NTP is off on one of the hosts.
    const skewed = this.clockOffset.measured && Math.abs(this.clockOffset.ms) > this.waitMs;
    if (skewed && !this.skewReported) this.onEvent?.('clock_skew', String(this.clockOffset.ms));
    this.skewReported = skewed;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.clockTimer);
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }

  /** Registers a callback told about every command that failed (the store error metric counts them). */
  onCommandError(listener: (error: Error) => void): void {
    this.commandErrorListeners.push(listener);
  }

  /** The nodes that hold keys: a Cluster's masters, else the one client (Sentinel's talks to the master). */
  private masters(): Redis[] {
    return this.redis.isCluster ? (this.redis as Cluster).nodes('master') : [this.redis as Redis];
  }

  private k(key: string): string {
    return this.prefix + key;
  }

  private async run<T>(command: () => Promise<T>): Promise<T> {
    if (this.firstReady) await waitAtMost(this.firstReady, this.waitMs);
    // While Redis is known not to answer, a command fails at once instead of joining a queue that would
    // only make the caller wait (and be executed late, when Redis resumes); a ping finds the way back.
    if (this.stalled) {
      this.probe();
      throw this.failed(new Error('not answering (a recent command timed out)'));
    }
    try {
      return await withDeadline(command(), this.waitMs);
    } catch (error) {
      if (error instanceof DeadlineExceeded) this.markStalled();
      throw this.failed(error as Error);
    }
  }

  private failed(error: Error): StoreUnavailableError {
    for (const listener of this.commandErrorListeners) listener(error);
    return new StoreUnavailableError(`redis: ${error.message}`);
  }

  private markStalled(): void {
    this.stalled = true;
    this.probe();
  }

  /** One ping at a time while stalled, repeated until one is answered (or a fresh connection is ready). */
  private probe(): void {
    if (this.probing || this.closed) return;
    this.probing = true;
    withDeadline(this.redis.ping(), this.waitMs).then(
      () => {
        this.probing = false;
        this.stalled = false;
      },
      () => {
        this.probing = false;
        if (this.stalled) setTimeout(() => this.probe(), PROBE_AGAIN_MS).unref();
      },
    );
  }
}

/** How soon a stalled store pings again after a ping went unanswered. */
const PROBE_AGAIN_MS = 100;

class DeadlineExceeded extends Error {
  constructor(ms: number) {
    super(`command timed out after ${ms} ms`);
  }
}

/**
 * The command's answer, or a DeadlineExceeded after `ms` from now. ioredis's own commandTimeout starts
 * only when a command is written, and with auto-pipelining a command waits for the pipeline before it,
 * so during a stall each queued pipeline would add a whole timeout (0.4 s, 0.8 s, 1.2 s, …); the
 * deadline here counts from the moment the caller asked.
 */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new DeadlineExceeded(ms)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function waitAtMost(promise: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function ttl(ms: number): number {
  return Math.max(1, Math.ceil(ms));
}
