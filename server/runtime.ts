import type { Server } from 'node:http';
import type { Clock } from './clock';
import type { LoadReport } from './http/overload';
import type { Settings } from './config/settings';
import { createLinkwright } from './linkwright';
import type { Logger } from './log';
import type { KeyRing } from './oauth/keys';
import type { Services } from './services';
import type { Store } from './store';

export interface RunningService {
  services: Services;
  server: Server;
  /** How loaded the process is (see Linkwright.load). */
  load(): LoadReport;
  /** The loopback URL the server listens on (not PUBLIC_URL, which may be a proxy's). */
  url: string;
  /** The address actually bound, as `host:port` (`0.0.0.0:3000`, `[::]:3000`, `127.0.0.1:41234`). */
  listening: string;
  /** Stops accepting connections, lets requests in flight finish, then closes the store. */
  close(): Promise<void>;
}

/**
 * Builds and starts the whole service (see createLinkwright): store, domain, express, HTTP listener.
 * `beforeListen` runs once the domain is built and before the port opens (seeding the demo account,
 * installing signal handlers), so the first request that gets an answer finds a service that can serve it.
 */
export async function startService(
  settings: Settings,
  deps: { log: Logger; store?: Store; clock?: Clock; keys?: KeyRing; beforeListen?: (services: Services) => Promise<void> },
): Promise<RunningService> {
  const linkwright = createLinkwright(settings, deps);
  try {
    if (deps.beforeListen) await deps.beforeListen(linkwright.services);
    const { server, url, listening } = await linkwright.start();
    return { services: linkwright.services, server, url, listening, load: () => linkwright.load(), close: () => linkwright.stop() };
  } catch (error) {
    await linkwright.stop();
    throw error;
  }
}
