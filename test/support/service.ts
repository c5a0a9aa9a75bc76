import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { ManualClock } from '../../server/clock';
import type { Env } from '../../server/config/env';
import { createLogger, type Logger } from '../../server/log';
import type { KeyRing } from '../../server/oauth/keys';
import { type RunningService, startService } from '../../server/runtime';
import { MemoryStore } from '../../server/store/memory';
import { RedisStore } from '../../server/store/redis';
import type { Store } from '../../server/store';
import { freePort } from './ports';
import { testRedisUrl } from './redis-server';
import { testSettings } from './settings';

/** Log lines a test service wrote, parsed, for tests that check what is (and is not) logged. */
export class CapturedLog {
  readonly lines: Array<Record<string, unknown>> = [];
  readonly raw: string[] = [];

  stream(): Writable {
    return new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
          this.raw.push(line);
          this.lines.push(JSON.parse(line) as Record<string, unknown>);
        }
        done();
      },
    });
  }

  /** Lines whose `event` equals the given one. */
  events(event: string): Array<Record<string, unknown>> {
    return this.lines.filter((line) => line.event === event);
  }
}

export interface TestService extends RunningService {
  clock: ManualClock;
  logs: CapturedLog;
  store: Store;
}

export interface TestServiceOptions {
  env?: Env;
  /** 'memory' (default) or 'redis' (a real redis-server, private unless REDIS_URL is set). */
  store?: 'memory' | 'redis' | Store;
  keys?: KeyRing;
  clock?: ManualClock;
  /** The captured log's level (default debug, so tests see every line). */
  logLevel?: string;
}

/** Starts the whole service on a free loopback port with a manual clock and a captured debug log. */
export async function startTestService(options: TestServiceOptions = {}): Promise<TestService> {
  const port = await freePort();
  const settings = testSettings(port, options.env);
  const clock = options.clock ?? new ManualClock();
  const logs = new CapturedLog();
  const log: Logger = createLogger(options.logLevel ?? 'debug', logs.stream());
  const store = await resolveStore(options.store ?? 'memory', clock);
  const running = await startService(settings, { log, store, clock, ...(options.keys ? { keys: options.keys } : {}) });
  return { ...running, clock, logs, store };
}

/** A fresh store for a test: memory, or Redis under a unique key prefix so tests never collide. */
export async function resolveStore(kind: 'memory' | 'redis' | Store, clock: ManualClock): Promise<Store> {
  if (kind === 'memory') return new MemoryStore(clock);
  if (kind === 'redis') return new RedisStore({ url: await testRedisUrl(), keyPrefix: `test:${randomUUID()}:` });
  return kind;
}
