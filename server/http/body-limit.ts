import type { IncomingHttpHeaders } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ServiceError } from '../errors';

/** The Content-Length a request declares, or undefined when it declares none (chunked or no body). */
export function declaredLength(headers: IncomingHttpHeaders): number | undefined {
  const value = headers['content-length'];
  // node:http refuses a malformed or conflicting Content-Length before a handler runs; this is digits.
  return value === undefined ? undefined : Number(value);
}

/**
 * Refuses, before a byte of it is read, a body whose declared Content-Length is over `limitBytes`:
 * 413 at once, and the connection is closed after the answer. A body parser would read (or wait for)
 * the whole declared body before answering, so a client declaring gigabytes held the request until the
 * server's request timeout; closing also spares the client from streaming a body nobody reads.
 */
export function declaredLengthWithin(limitBytes: number): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    const declared = declaredLength(req.headers);
    if (declared !== undefined && declared > limitBytes) {
      res.setHeader('Connection', 'close');
      next(new ServiceError('invalid_request', 413, 'The request body is too large.', `declared Content-Length ${declared} over the limit of ${limitBytes} bytes`));
      return;
    }
    next();
  };
}
