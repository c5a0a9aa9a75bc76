import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import { refuseConnect } from './http/connect-refusal';
import { forwardedForWatch } from './http/forwarded-for-watch';
import { withHotRoutes } from './http/hot-routes';
import { hotRoutes } from './hot-routes';
import { type Clock, systemClock } from './clock';
import type { Settings } from './config/settings';
import type { Logger } from './log';
import type { KeyRing } from './oauth/keys';
import { createServices, type Services } from './services';
import { pageAssetProblems } from './views/assets';
import { openStore, type Store } from './store';

export interface RunningService {
  services: Services;
  server: Server;
  /** The loopback URL the server listens on (not PUBLIC_URL, which may be a proxy's). */
  url: string;
  /** The address actually bound, as `host:port` (`0.0.0.0:3000`, `[::]:3000`, `127.0.0.1:41234`). */
  listening: string;
  /** Stops accepting connections, lets requests in flight finish, then closes the store. */
  close(): Promise<void>;
}

/**
 * Starts the whole service: store, domain, express, HTTP listener. `beforeListen` runs once the domain
 * is built and before the port opens (seeding the demo account, installing signal handlers), so the
 * first request that gets an answer, /healthz included, finds a service that can serve it.
 */
export async function startService(
  settings: Settings,
  deps: { log: Logger; store?: Store; clock?: Clock; keys?: KeyRing; beforeListen?: (services: Services) => Promise<void> },
): Promise<RunningService> {
  const clock = deps.clock ?? systemClock;
  const store = deps.store ?? openStore(settings.redis, clock, deps.log);
  const services = createServices(settings, { store, clock, log: deps.log, ...(deps.keys ? { keys: deps.keys } : {}) });
  const app = createApp(services);
  const missing = pageAssetProblems();
  if (missing.length > 0) deps.log.error({ event: 'service.assets_missing', problems: missing }, 'files the pages need are missing: /readyz answers 503 until they are there');
  if (deps.beforeListen) await deps.beforeListen(services);
  const server = await new Promise<Server>((resolve, reject) => {
    const handler = withHotRoutes(hotRoutes(services), app, { log: deps.log, https: settings.publicUrl.startsWith('https://') });
    const watch = forwardedForWatch(settings, deps.log);
    const listening = createServer(
      watch
        ? (req, res) => {
            watch(req);
            handler(req, res);
          }
        : handler,
    );
    listening.on('connect', refuseConnect(deps.log));
    listening.once('error', reject);
    listening.listen(settings.port, settings.host, () => resolve(listening));
  });
  // Alexa's token budget is 4.5 s; a client that holds a connection open must not hold a worker forever.
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address === '::' ? '::1' : address.address}]` : address.address === '0.0.0.0' ? '127.0.0.1' : address.address;
  return {
    services,
    server,
    url: `http://${host}:${address.port}`,
    listening: `${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await store.close();
    },
  };
}
