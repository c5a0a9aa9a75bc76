import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import { type Clock, systemClock } from './clock';
import { loadSettings, type Settings } from './config/settings';
import { refuseConnect } from './http/connect-refusal';
import { withHotRoutes } from './http/hot-routes';
import { type LoadReport, OverloadGuard } from './http/overload';
import { hotRoutes } from './hot-routes';
import { createLogger, type Logger } from './log';
import type { KeyRing } from './oauth/keys';
import { createServices, type Services } from './services';
import { openStore, type Store } from './store';

/** What a Linkwright is built from besides its settings; all optional (tests and embedding pass their own). */
export interface LinkwrightDeps {
  /** A pino logger (default: one at LOG_LEVEL on stdout). */
  log?: Logger;
  /** A store (default: Redis at REDIS_URL, else in memory). */
  store?: Store;
  clock?: Clock;
  keys?: KeyRing;
}

/** Where a started Linkwright listens. */
export interface Listening {
  /** The loopback URL the server listens on (not PUBLIC_URL, which may be a proxy's). */
  url: string;
  server: Server;
}

/** The whole service as a value: nothing listens until `start()`. */
export interface Linkwright {
  /**
   * The request listener: the hot routes (POST /alexa, POST /oauth/token) in front of the express
   * application. Mount it in your own `http.createServer(app)`, or let `start()` listen for you.
   */
  app: RequestListener;
  /** The domain objects (accounts, grants, revocations…), for embedding and administration. */
  services: Services;
  settings: Settings;
  /** How loaded the process is right now: requests in flight, the adaptive bound, event-loop delay, shedding. */
  load(): LoadReport;
  /** Listens on PORT and HOST; resolves once the server accepts connections. */
  start(): Promise<Listening>;
  /** Stops accepting connections, lets requests in flight finish, then closes the store. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Builds Linkwright from settings (default: the environment, as `npm start` reads it). Nothing listens
 * until `start()`; the store is opened here (Redis connects in the background).
 */
export function createLinkwright(settings: Settings = loadSettings(), deps: LinkwrightDeps = {}): Linkwright {
  const log = deps.log ?? createLogger(settings.logLevel);
  const clock = deps.clock ?? systemClock;
  const store = deps.store ?? openStore(settings.redis, clock, log);
  const services = createServices(settings, { store, clock, log, ...(deps.keys ? { keys: deps.keys } : {}) });
  const overload = new OverloadGuard(settings.overload, log);
  const load = (): LoadReport => overload.report();
  const app = withHotRoutes(hotRoutes(services), createApp(services, { load }), { log, https: settings.publicUrl.startsWith('https://'), overload });
  let server: Server | undefined;
  let stopped: Promise<void> | undefined;

  return {
    app,
    services,
    settings,
    load,
    async start() {
      if (server) throw new Error('Linkwright is already started');
      const listening = createServer(app);
      listening.on('connect', refuseConnect(log));
      // Alexa's token budget is 4.5 s; a client that holds a connection open must not hold a worker forever.
      listening.headersTimeout = 10_000;
      listening.requestTimeout = 15_000;
      if (settings.overload.maxConnections > 0) listening.maxConnections = settings.overload.maxConnections;
      await new Promise<void>((resolve, reject) => {
        listening.once('error', reject);
        // Node's default backlog (511) overflows in a connection storm and the kernel then drops SYNs,
        // which the client only retries after seconds: a larger queue plus a connection cap refuses fast instead.
        listening.listen({ port: settings.port, host: settings.host, backlog: settings.overload.listenBacklog }, () => resolve());
      });
      server = listening;
      return { url: loopbackUrl(listening.address() as AddressInfo), server: listening };
    },
    stop() {
      stopped ??= (async () => {
        if (server) {
          const closing = server;
          await new Promise<void>((resolve) => {
            closing.close(() => resolve());
            closing.closeIdleConnections();
          });
        }
        overload.stop();
        await store.close();
      })();
      return stopped;
    },
  };
}

function loopbackUrl(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address === '::' ? '::1' : address.address}]` : address.address === '0.0.0.0' ? '127.0.0.1' : address.address;
  return `http://${host}:${address.port}`;
}
