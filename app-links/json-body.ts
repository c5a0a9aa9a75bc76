import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ServiceError } from '../server/errors';
import { bodyBytes, readBodyWithin } from '../server/http/body-limit';
import { inflate } from '../server/oauth/form-body';

/**
 * The JSON API's body reader: at most `limitBytes` (413 at once past it, declared or chunked, see
 * readBodyWithin), Content-Encoding undone within the limit, UTF-8 only (RFC 8259 §8.1: another declared
 * charset is 415), then JSON.parse (400 when it fails). A body that is not declared application/json is
 * left unparsed (req.body undefined), which the handlers refuse with their own message.
 */
export function jsonBody(limitBytes: number): RequestHandler[] {
  return [
    ...readBodyWithin(limitBytes),
    (req: Request, _res: Response, next: NextFunction) => {
      req.body = undefined;
      if (req.is('application/json') !== 'application/json') {
        next();
        return;
      }
      const charset = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(req.get('content-type') ?? '')?.[1]?.toLowerCase();
      if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
        next(new ServiceError('invalid_request', 415, 'The request body encoding is not supported.', `unsupported charset "${charset.slice(0, 40)}"`));
        return;
      }
      const text = inflate(bodyBytes(req), req.get('content-encoding'), limitBytes).toString('utf8');
      try {
        req.body = text.trim() === '' ? undefined : (JSON.parse(text) as unknown);
      } catch (error) {
        next(new ServiceError('invalid_request', 400, 'The request body is not well-formed.', `JSON: ${(error as Error).message.slice(0, 120)}`));
        return;
      }
      next();
    },
  ];
}
