import type { NextFunction, Request, Response } from 'express';
import { ServiceError } from '../errors';

/** What body-parser and raw-body (through http-errors) attach to the errors they raise. */
interface BodyReadError extends Error {
  type?: string;
  status?: number;
  code?: string;
  /** Set by zlib (gzip, deflate, brotli) on a stream that could not be decoded. */
  errno?: number;
}

/** Maps any error that reached express to a JSON answer: specific for ours, generic for the rest. */
export function errorHandler() {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const known = toServiceError(error);
    if (known.status >= 500) req.log.error({ event: 'http.error', err: error, reason: known.reason }, 'request failed');
    else req.log.info({ event: 'http.client_error', code: known.code, reason: known.reason }, 'request refused');
    if (res.headersSent) return;
    if (known.status === 503) res.setHeader('Retry-After', '5');
    res.status(known.status).setHeader('Cache-Control', 'no-store').json({
      error: known.code,
      error_description: known.expose ? known.description : 'The server could not complete the request.',
    });
  };
}

/** Answers 404 in the same JSON shape as every other error. */
export function notFound() {
  return (req: Request, res: Response): void => {
    res.status(404).json({ error: 'not_found', error_description: `No route for ${req.method} ${req.path}.` });
  };
}

const TOO_LARGE = 'The request body is too large.';
const NOT_WELL_FORMED = 'The request body is not well-formed.';
const UNSUPPORTED_ENCODING = 'The request body encoding is not supported.';

/**
 * Interprets errors from our code and from express's body parsers. A body parser's error is the
 * client's fault whenever it carries a 4xx status, typed or not (a body that does not match its
 * Content-Encoding reaches us as zlib's error with status 400 and no type): it becomes a 4xx with a
 * description of our own, the parser's message going to the log only.
 */
export function toServiceError(error: unknown): ServiceError {
  if (error instanceof ServiceError) return error;
  const read = (typeof error === 'object' && error !== null ? error : {}) as BodyReadError;
  const reason = typeof read.message === 'string' ? read.message.slice(0, 200) : String(error).slice(0, 200);
  switch (read.type) {
    case 'entity.too.large':
      return new ServiceError('invalid_request', 413, TOO_LARGE, reason);
    case 'entity.parse.failed':
      return new ServiceError('invalid_request', 400, NOT_WELL_FORMED, reason);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ServiceError('invalid_request', 415, UNSUPPORTED_ENCODING, reason);
    case 'request.aborted':
      return new ServiceError('invalid_request', 400, 'The request was aborted.', reason);
    case 'request.size.invalid':
      return new ServiceError('invalid_request', 400, 'The request body does not match its Content-Length.', reason);
    default:
      break;
  }
  const status = read.status;
  if (typeof status === 'number' && Number.isInteger(status) && status >= 400 && status < 500) {
    if (read.type === undefined && typeof read.errno === 'number' && typeof read.code === 'string') {
      return new ServiceError('invalid_request', 400, 'The request body could not be decoded: it does not match its Content-Encoding.', `${read.code}: ${reason}`);
    }
    if (status === 413) return new ServiceError('invalid_request', 413, TOO_LARGE, reason);
    if (status === 415) return new ServiceError('invalid_request', 415, UNSUPPORTED_ENCODING, reason);
    return new ServiceError('invalid_request', status, 'The request could not be read.', `${read.type ?? 'untyped'}: ${reason}`);
  }
  return new ServiceError('server_error', 500, 'The server could not complete the request.', reason);
}
