import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import { refuseConnect } from './http/connect-refusal';
import { withHotRoutes } from './http/hot-routes';
import { OverloadGuard } from './http/overload';
import { hotRoutes } from './hot-routes';
import { type Clock, systemClock } from './clock';
import type { Settings } from './config/settings';
import type { Logger } from './log';
import type { KeyRing } from './oauth/keys';
import { createServices, type Services } from './services';
import { openStore, type Store } from './store';

export interface RunningService {
  services: Services;
  server: Server;
  /** Sheds requests while the process is saturated; its report is on /readyz. */
  overload: OverloadGuard;
  /** The loopback URL the server listens on (not PUBLIC_URL, which may be a proxy's). */
  url: string;
  /** Stops accepting connections, lets requests in flight finish, then closes the store. */
  close(): Promise<void>;
}

/** Starts the whole service: store, domain, express, HTTP listener. */
export async function startService(
  settings: Settings,
  deps: { log: Logger; store?: Store; clock?: Clock; keys?: KeyRing },
): Promise<RunningService> {
  const clock = deps.clock ?? systemClock;
  const store = deps.store ?? openStore(settings.redis, clock, deps.log);
  const services = createServices(settings, { store, clock, log: deps.log, ...(deps.keys ? { keys: deps.keys } : {}) });
  const overload = new OverloadGuard(settings.overload, deps.log);
  const app = createApp(services, { load: () => overload.report() });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = createServer(withHotRoutes(hotRoutes(services), app, { log: deps.log, https: settings.publicUrl.startsWith('https://'), overload }));
    listening.on('connect', refuseConnect(deps.log));
    listening.once('error', reject);
    // Node's default backlog (511) overflows in a connection storm and the kernel then drops SYNs,
    // which the client only retries after seconds: a larger queue plus a connection cap refuses fast instead.
    listening.listen({ port: settings.port, host: settings.host, backlog: settings.overload.listenBacklog }, () => resolve(listening));
  });
  if (settings.overload.maxConnections > 0) server.maxConnections = settings.overload.maxConnections;
  // Alexa's token budget is 4.5 s; a client that holds a connection open must not hold a worker forever.
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address === '::' ? '::1' : address.address}]` : address.address === '0.0.0.0' ? '127.0.0.1' : address.address;
  return {
    services,
    server,
    overload,
    url: `http://${host}:${address.port}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      overload.stop();
      await store.close();
    },
  };
}
