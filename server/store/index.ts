import type { Clock } from '../clock';
import type { Logger } from '../log';
import { MemoryStore } from './memory';
import { RedisStore } from './redis';
import type { Store } from './store';

export type { FieldGuard, FieldUpdate, ListedMember, Store } from './store';

export interface StoreSettings {
  url: string | undefined;
  keyPrefix: string;
  commandTimeoutMs: number;
}

/** Opens the configured store: Redis when a URL is given, the embedded memory store otherwise. */
export function openStore(settings: StoreSettings, clock: Clock, log: Logger): Store {
  if (!settings.url) return new MemoryStore(clock);
  let lastError = '';
  return new RedisStore({
    url: settings.url,
    keyPrefix: settings.keyPrefix,
    commandTimeoutMs: settings.commandTimeoutMs,
    onEvent: (event, detail) => {
      if (event === 'clock_skew') {
        log.warn({ event: 'store.clock_skew', redisAheadMs: Number(detail) }, "Redis's clock is far from this process's: write deadlines follow Redis's clock; check NTP on both hosts");
      } else if (event === 'error') {
        // Reconnect loops repeat the same error; one line per distinct failure is enough.
        if (detail !== lastError) log.warn({ event: 'store.error', detail }, 'redis connection problem');
        lastError = detail ?? '';
      } else {
        if (event === 'ready') lastError = '';
        log.info({ event: `store.${event}` }, `redis ${event}`);
      }
    },
  });
}
