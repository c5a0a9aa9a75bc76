import type { NextFunction, Request, Response } from 'express';
import { toServiceError } from '../http/error-handler';
import type { AuthorizationPages } from './authorization-pages';

/**
 * The error handler of the HTML routes: a page instead of JSON, and never a bare 500. A store outage
 * says to try again shortly; nothing the visitor did is lost, they simply start again.
 */
export function pageErrors(pages: AuthorizationPages) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const failure = toServiceError(error);
    if (failure.status >= 500) req.log.warn({ event: 'page.error', status: failure.status, reason: failure.reason, err: failure.status === 500 ? error : undefined }, 'page request failed');
    else req.log.info({ event: 'page.refused', status: failure.status, reason: failure.reason }, 'page request refused');
    if (res.headersSent) return;
    if (failure.status === 503) {
      res.setHeader('Retry-After', '5');
      pages.error(res, 503, (t) => ({ title: t.unavailableTitle, message: t.unavailableMessage }));
    } else if (failure.status >= 500) {
      pages.error(res, 500, (t) => ({ title: t.failedTitle, message: t.failedMessage }));
    } else {
      // The description may name parameters; in production the visitor gets plain words, the log the detail.
      pages.error(res, failure.status, (t) => ({ title: t.requestUnreadableTitle, message: pages.production ? t.requestUnreadableMessage : failure.description }));
    }
  };
}
