import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { OAuthError } from '../errors';
import { ParamSet } from './params';

const parsedForms = new WeakMap<Request, ParamSet>();

/**
 * Middleware that accepts only an application/x-www-form-urlencoded body of at most `limit` (e.g.
 * '16kb') and parses it strictly (see ParamSet). Wrong content type → invalid_request; too large →
 * 413 (body-parser's error, mapped by toServiceError). Read the result with formParams(req).
 */
export function formBody(limit: string): RequestHandler[] {
  const readText = express.text({ type: () => true, limit, defaultCharset: 'utf-8' });
  return [
    (req: Request, _res: Response, next: NextFunction) => {
      if (req.is('application/x-www-form-urlencoded') !== 'application/x-www-form-urlencoded') {
        const received = req.get('content-type');
        next(
          new OAuthError(
            'invalid_request',
            `The request body must be application/x-www-form-urlencoded${received ? `, not ${received.split(';')[0]}` : ''}.`,
            400,
            `wrong content type: ${received ?? '(none)'}`,
          ),
        );
        return;
      }
      next();
    },
    readText,
    (req: Request, _res: Response, next: NextFunction) => {
      parsedForms.set(req, ParamSet.parse(typeof req.body === 'string' ? req.body : ''));
      next();
    },
  ];
}

/** The form parsed by formBody for this request. */
export function formParams(req: Request): ParamSet {
  const form = parsedForms.get(req);
  if (!form) throw new Error('formParams called on a route without formBody');
  return form;
}
