import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { type EventLog, maskParams } from './events';

/**
 * How a simulated Amazon host misbehaves, for the unhappy stories: answer with an HTTP error status,
 * drop the connection without answering ('reset'), or never answer ('hang', until the caller gives up).
 */
export type HostFailure = number | 'reset' | 'hang';

/** One simulated host listening on loopback. */
export interface LoopbackHost {
  /** The host name it stands in for ('api.amazon.com'). */
  name: string;
  /** `http://127.0.0.1:<port>`. */
  baseUrl: string;
  port: number;
  /** Makes every later request fail this way; undefined restores normal service. */
  setFailure(failure: HostFailure | undefined): void;
  failure(): HostFailure | undefined;
  close(): Promise<void>;
}

/**
 * What a route tells the request log about the exchange it handled. `from` defaults to 'service',
 * `to` to the host's name; `note` is a short explanation (never a secret).
 */
export interface ExchangeNote {
  from?: string;
  to?: string;
  note?: string;
}

/** Sets the log fields for the current request (see ExchangeNote). */
export function noteExchange(res: Response, note: ExchangeNote): void {
  const current = (res.locals.exchange ?? {}) as ExchangeNote;
  res.locals.exchange = { ...current, ...note };
}

/**
 * Starts a simulated host on 127.0.0.1 (`port` 0 picks a free one; loopback only, never a public
 * interface). Every request is written to the event log and goes through the failure gate first.
 */
export async function startHost(name: string, events: EventLog, configure: (app: Express) => void, port = 0): Promise<LoopbackHost> {
  let failure: HostFailure | undefined;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(recordExchanges(name, events));
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (failure === undefined) return next();
    noteExchange(res, { note: `simulated failure: ${failure}` });
    if (failure === 'reset') {
      req.socket.destroy();
      return;
    }
    if (failure === 'hang') return; // close() ends the connection.
    res.status(failure).json({ message: `Simulated failure: ${name} answers ${failure}.` });
  });
  configure(app);
  app.use((req: Request, res: Response) => {
    res.status(404).json({ message: `No such resource on ${name}: ${req.method} ${req.path}` });
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const { status = 500, expose = false, message, type } = error as { status?: number; expose?: boolean; message?: string; type?: string };
    // Body parser errors are the caller's: only their type is noted, since a parse message can quote
    // the body (and a body can hold a code or secret).
    if (type !== undefined) {
      noteExchange(res, { note: `bad body: ${type}` });
      res.status(status === 413 ? 413 : 400).json({ message: status === 413 ? 'The request body is too large.' : 'The request body is malformed.' });
      return;
    }
    // Errors marked `expose` carry a message meant for the caller; anything else says nothing more.
    noteExchange(res, { note: `error: ${message ?? String(error)}` });
    const usable = expose && message !== undefined && status >= 400 && status < 600;
    res.status(usable ? status : 500).json({ message: usable ? message : 'An unexpected error occurred.' });
  });

  const server = createServer(app);
  // Keep-alive sockets from the caller's fetch would otherwise hold close() open.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    name,
    baseUrl: `http://127.0.0.1:${address.port}`,
    port: address.port,
    setFailure: (next) => {
      failure = next;
    },
    failure: () => failure,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** User-Agent of the simulator's own Alexa, so its calls to the simulated Login with Amazon are labelled. */
export const SIMULATED_ALEXA_AGENT = 'Linkwright-Amazon-Simulator/1.0 (Alexa)';

/**
 * Writes each request to the event log: its place is taken when it arrives (so it is listed before
 * the calls it causes) and its outcome is filled in when the answer is finished or the connection
 * is dropped. Parameters are masked.
 */
function recordExchanges(name: string, events: EventLog) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const params: Record<string, unknown> = { ...(req.query as Record<string, unknown>) };
    if (req.headers.authorization) params.authorization = req.headers.authorization;
    const pending = events.begin({ from: '', to: name, method: req.method, url: req.path, params: {} });
    let finished = false;
    const finish = (status: number | undefined) => {
      if (finished) return;
      finished = true;
      const exchange = (res.locals.exchange ?? {}) as ExchangeNote;
      const body = typeof req.body === 'object' && req.body !== null && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};
      pending.finish({
        from: exchange.from ?? (req.headers['user-agent'] === SIMULATED_ALEXA_AGENT ? 'Alexa' : 'service'),
        to: exchange.to ?? name,
        params: maskParams({ ...params, ...flatten(body) }),
        ...(status === undefined ? {} : { status }),
        ...(exchange.note ? { note: exchange.note } : {}),
      });
    };
    res.on('finish', () => finish(res.statusCode));
    res.on('close', () => finish(res.writableFinished ? res.statusCode : undefined));
    next();
  };
}

/** One level of nested JSON objects lifted to the top, so masking sees `authCode` inside `accountLinkRequest`. */
function flatten(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [inner, innerValue] of Object.entries(value as Record<string, unknown>)) out[inner] = innerValue;
    } else out[key] = value;
  }
  return out;
}
