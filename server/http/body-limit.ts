import type { IncomingHttpHeaders } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ServiceError } from '../errors';
import { requestScope } from '../log';

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

const readBodies = new WeakMap<Request, Buffer>();

/**
 * Reads the raw body of at most `limitBytes` (read it with bodyBytes(req)); the hot routes read theirs
 * the same way. A body past the limit, declared or not (a chunked one), is answered 413 at once and the
 * connection closed after the answer: body-parser would first read the rest of the body, so a client
 * that kept streaming was held until the server's request timeout. Decoding (Content-Encoding, charset)
 * is the parser's part (parseFormBody).
 */
export function readBodyWithin(limitBytes: number): RequestHandler[] {
  const read: RequestHandler = (req: Request, res: Response, next: NextFunction): void => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    // Stream events fire outside the request's async context: the rest of the request runs in its scope again.
    const scope = requestScope.getStore();
    const settle = (error?: ServiceError): void => {
      if (settled) return;
      settled = true;
      if (scope) requestScope.run(scope, () => finish(error));
      else finish(error);
    };
    const finish = (error?: ServiceError): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      if (error) {
        res.setHeader('Connection', 'close');
        req.resume();
        next(error);
        return;
      }
      readBodies.set(req, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
      next();
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > limitBytes) settle(new ServiceError('invalid_request', 413, 'The request body is too large.', `body over the limit of ${limitBytes} bytes`));
      else chunks.push(chunk);
    };
    const onEnd = (): void => settle();
    if (req.readableEnded) {
      settle();
      return;
    }
    req.on('data', onData);
    req.on('end', onEnd);
    // A client that goes away mid-body gets no answer; this only ends the request's handling.
    req.once('error', () => settle(new ServiceError('invalid_request', 400, 'The request was aborted.', 'request aborted while reading the body')));
  };
  return [declaredLengthWithin(limitBytes), read];
}

/** The body readBodyWithin read for this request. */
export function bodyBytes(req: Request): Buffer {
  const body = readBodies.get(req);
  if (!body) throw new Error('bodyBytes called on a route without readBodyWithin');
  return body;
}
