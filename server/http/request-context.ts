import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { type Logger, requestScope } from '../log';

declare module 'express-serve-static-core' {
  interface Request {
    /** A logger that stamps every line with this request's id. */
    log: Logger;
    id: string;
  }
}

const INCOMING_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The id of a request: a well-formed incoming X-Request-Id (a proxy's, to tie lines together), else a new one. */
export function requestIdFrom(incoming: string | string[] | undefined): string {
  const value = Array.isArray(incoming) ? incoming[0] : incoming;
  return value !== undefined && INCOMING_ID.test(value) ? value : randomUUID();
}

/**
 * Gives each request an id (a well-formed incoming X-Request-Id is kept, so a proxy's id ties lines
 * together) and logs one line when it ends. Only the path is logged: query strings carry codes and state.
 */
export function requestContext(log: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    req.id = requestIdFrom(req.get('x-request-id'));
    // The logger stamps the id itself (see requestScope), so every module's lines carry it.
    req.log = log;
    res.setHeader('X-Request-Id', req.id);
    const started = process.hrtime.bigint();
    const scope = { reqId: req.id };
    requestScope.run(scope, () => {
      // 'finish' fires from the socket's context; re-entering the scope keeps this request's id on its line.
      res.on('finish', () =>
        requestScope.run(scope, () => {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          req.log.info({ event: 'http.request', method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
        }),
      );
      next();
    });
  };
}
