import type { NextFunction, Request, Response } from 'express';
import { ServiceError } from '../errors';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
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

/** Interprets errors from our code and from express's body parsers. */
export function toServiceError(error: unknown): ServiceError {
  if (error instanceof ServiceError) return error;
  const parserError = error as BodyParserError;
  switch (parserError?.type) {
    case 'entity.too.large':
      return new ServiceError('invalid_request', 413, 'The request body is too large.');
    case 'entity.parse.failed':
      return new ServiceError('invalid_request', 400, 'The request body is not well-formed.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ServiceError('invalid_request', 415, 'The request body encoding is not supported.');
    case 'request.aborted':
      return new ServiceError('invalid_request', 400, 'The request was aborted.');
    default:
      return new ServiceError('server_error', 500, 'The server could not complete the request.', (error as Error)?.message ?? String(error));
  }
}
