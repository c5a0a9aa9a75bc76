import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import { type Clock, systemClock } from './clock';
import { loadSettings, type Settings } from './config/settings';
import { refuseConnect } from './http/connect-refusal';
import { forwardedForWatch } from './http/forwarded-for-watch';
import { withHotRoutes } from './http/hot-routes';
import { type LoadReport, OverloadGuard } from './http/overload';
import { hotRoutes } from './hot-routes';
import { createLogger, type Logger } from './log';
import type { KeyRing } from './oauth/keys';
import { createServices, type Services } from './services';
import { openStore, type Store } from './store';
import { pageAssetProblems } from './views/assets';

/** What a Linkwright is built from besides its settings; all optional (tests and embedding pass their own). */
export interface LinkwrightDeps {
  /** A pino logger (default: one at LOG_LEVEL on stdout). */
  log?: Logger;
  /** A store (default: Redis at REDIS_URL, else in memory). */
  store?: Store;
  /** The clock codes, tokens and sessions are timed by (default: the system clock; tests pass their own). */
  clock?: Clock;
  /** The token signing keys (default: the PEMs in the settings, else keys generated here). */
  keys?: KeyRing;
}

/** Where a started Linkwright listens. */
export interface Listening {
  /** The loopback URL the server listens on (not PUBLIC_URL, which may be a proxy's). */
  url: string;
  /** The address actually bound, as `host:port` (`0.0.0.0:3000`, `[::]:3000`, `127.0.0.1:41234`). */
  listening: string;
  /** The node:http server, for its address or your own shutdown. */
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
  /** The settings it was built from (secrets included: never log them). */
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
  const handler = withHotRoutes(hotRoutes(services), createApp(services, { load }), { log, https: settings.publicUrl.startsWith('https://'), overload });
  const watch = forwardedForWatch(settings, log);
  const app: RequestListener = watch
    ? (req, res) => {
        watch(req);
        handler(req, res);
      }
    : handler;
  const missing = pageAssetProblems();
  if (missing.length > 0) log.error({ event: 'service.assets_missing', problems: missing }, 'files the pages need are missing: /readyz answers 503 until they are there');
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
      const address = listening.address() as AddressInfo;
      return { url: loopbackUrl(address), listening: `${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`, server: listening };
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
