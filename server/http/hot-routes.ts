import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { type Logger, requestScope } from '../log';
import { declaredLength } from './body-limit';
import { toServiceError } from './error-handler';
import type { OverloadGuard } from './overload';
import { requestIdFrom } from './request-context';

/**
 * The two endpoints Alexa calls at volume (POST /oauth/token for every user every hour, POST /alexa for
 * every utterance) are served straight from node:http: express costs about 100 µs a request on this
 * stack, more than everything our token endpoint does. Every other route stays in express. A hot route
 * gets what the express stack would have given it: the request id and its log scope, a body read with a
 * limit, the security headers, one summary log line, and a generic 500 if it throws.
 */
export interface HotRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  headers: IncomingHttpHeaders;
  /** A request header by case-insensitive name (first value when repeated). */
  header(name: string): string | undefined;
  /** The raw body bytes (empty when none was sent). */
  body: Buffer;
  id: string;
  log: Logger;
  remoteAddress: string | undefined;
}

export interface HotResponse {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON. */
  json: unknown;
}

export interface HotRoute {
  method: 'POST';
  path: string;
  /** Bodies larger than this are refused with `tooLarge` before they are read. */
  bodyLimitBytes: number;
  handle(req: HotRequest): Promise<HotResponse>;
  /** The answer to a body over the limit (each endpoint words it in its own protocol). */
  tooLarge(req: HotRequest): HotResponse;
}

export interface HotRoutesOptions {
  log: Logger;
  /** Adds Strict-Transport-Security, as helmet does for the express routes, when the public URL is https. */
  https: boolean;
  /** Sheds every request but the health probes while the process is saturated (all routes, not only the hot ones). */
  overload?: OverloadGuard | undefined;
}

/**
 * Wraps the express app: requests for a hot route are answered here, everything else goes to `fallback`.
 */
export function withHotRoutes(
  routes: HotRoute[],
  fallback: (req: IncomingMessage, res: ServerResponse) => void,
  options: HotRoutesOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const table = new Map(routes.map((route) => [`${route.method} ${route.path}`, route]));
  const security = securityHeaders(options.https).flat();
  return (req, res) => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    if (options.overload && !options.overload.admit(path, req, res)) return;
    // One trailing slash is the same path, as express (non-strict routing) treats every other route.
    const route = table.get(`${req.method ?? ''} ${path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path}`);
    if (!route) {
      fallback(req, res);
      return;
    }
    serve(route, req, res, path, options.log, security);
  };
}

function serve(route: HotRoute, req: IncomingMessage, res: ServerResponse, path: string, log: Logger, security: string[]): void {
  const id = requestIdFrom(req.headers['x-request-id']);
  const started = process.hrtime.bigint();
  const scope = { reqId: id };
  // Socket and stream events fire outside this request's async context; each listener re-enters its
  // scope with requestScope.run (AsyncResource.bind costs a tracked resource per call, about half of
  // a hot request's CPU in garbage collection).
  const inScope =
    <A extends unknown[]>(listener: (...args: A) => void) =>
    (...args: A): void =>
      requestScope.run(scope, () => listener(...args));
  requestScope.run(scope, () => {
    const hot: HotRequest = {
      method: req.method ?? 'POST',
      path,
      headers: req.headers,
      header: (name) => {
        const value = req.headers[name.toLowerCase()];
        return Array.isArray(value) ? value[0] : value;
      },
      body: EMPTY,
      id,
      log,
      remoteAddress: req.socket.remoteAddress,
    };
    if (log.isLevelEnabled('info')) {
      res.on(
        'finish',
        inScope(() => {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          log.info({ event: 'http.request', method: hot.method, path, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
        }),
      );
    }
    const send = (answer: HotResponse): void => {
      if (res.headersSent) return;
      const body = JSON.stringify(answer.json);
      // One flat list to writeHead: node:http then stores no header map of its own (a few µs an answer).
      const head = [...security, 'X-Request-Id', id, 'Content-Type', 'application/json; charset=utf-8', 'Content-Length', String(Buffer.byteLength(body))];
      if (answer.headers) for (const name in answer.headers) head.push(name, answer.headers[name] as string);
      res.writeHead(answer.status, head);
      res.end(body);
    };
    const fail = (error: unknown): void => {
      const known = toServiceError(error);
      log.error({ event: 'http.error', err: error, reason: known.reason }, 'request failed');
      send({ status: 500, headers: { 'Cache-Control': 'no-store' }, json: { error: 'server_error', error_description: 'The server could not complete the request.' } });
    };

    // A body over the limit is answered at once and the connection closed after the answer, so the
    // client stops streaming a body nobody reads (see declaredLengthWithin for the express routes).
    const refuseTooLarge = (): void => {
      res.setHeader('Connection', 'close');
      send(route.tooLarge(hot));
    };
    const declared = declaredLength(req.headers);
    if (declared !== undefined && declared > route.bodyLimitBytes) {
      refuseTooLarge();
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    let refused = false;
    req.on(
      'data',
      inScope((chunk: Buffer) => {
      if (refused) return;
      received += chunk.length;
      if (received > route.bodyLimitBytes) {
        refused = true;
        refuseTooLarge();
        return;
      }
      chunks.push(chunk);
    }),
    );
    req.on('error', () => {
      refused = true;
    });
    req.on(
      'end',
      inScope(() => {
        if (refused) return;
        hot.body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
        route.handle(hot).then(send, fail);
      }),
    );
  });
}

const EMPTY = Buffer.alloc(0);

/** The headers helmet sets on the express routes that matter for a JSON API answer. */
function securityHeaders(https: boolean): Array<[string, string]> {
  const headers: Array<[string, string]> = [
    ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"],
    ['Cross-Origin-Opener-Policy', 'same-origin'],
    ['Cross-Origin-Resource-Policy', 'same-origin'],
    ['Referrer-Policy', 'no-referrer'],
    ['X-Content-Type-Options', 'nosniff'],
    ['X-Frame-Options', 'SAMEORIGIN'],
  ];
  if (https) headers.push(['Strict-Transport-Security', 'max-age=31536000; includeSubDomains']);
  return headers;
}
