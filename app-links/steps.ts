import type { NextFunction, Request, Response } from 'express';
import { toServiceError } from '../server/http/error-handler';
import { UPSTREAM_CALLBACK_PATH } from '../server/oauth/sign-in/settings';
import type { AppLinksObserver } from './observer';

/** The app-to-app requests by method and path: the step label, and whether a refusal is a linking failure. */
const STEPS: ReadonlyArray<{ method: string; path: string; step: string; linking: boolean }> = [
  { method: 'POST', path: '/app-links/start', step: 'start', linking: true },
  { method: 'POST', path: '/app-links/complete', step: 'complete', linking: true },
  { method: 'GET', path: '/app-links/status', step: 'status', linking: false },
  { method: 'DELETE', path: '/app-links/link', step: 'unlink', linking: false },
  { method: 'POST', path: '/app-links/authorize', step: 'authorize', linking: true },
  { method: 'GET', path: '/app-links/return', step: 'return_page', linking: true },
  { method: 'POST', path: '/app-links/return', step: 'return_finish', linking: true },
  { method: 'GET', path: '/app-links/authorize', step: 'authorize_page', linking: true },
  { method: 'POST', path: '/app-links/authorize/consent', step: 'authorize_consent', linking: true },
  // LOGIN_SOURCE=oidc: the fallback page's sign-in link, and the provider's answer for it (served by the
  // /oauth router, which hands the fallback page's sign-ins to it: only those are counted here).
  { method: 'GET', path: '/app-links/authorize/upstream', step: 'authorize_upstream', linking: true },
  { method: 'GET', path: UPSTREAM_CALLBACK_PATH, step: 'authorize_upstream_return', linking: true },
];

function stepOf(req: Request): (typeof STEPS)[number] | undefined {
  return STEPS.find((s) => s.method === req.method && s.path === req.path);
}

/** Tells the observer of every app-to-app request by step and outcome once it is answered (ok, the error code, or http_<status>). */
export function countAppLinkSteps(observer: AppLinksObserver) {
  return (req: Request, res: Response, next: NextFunction): void => {
    countAppLinkStep(observer, req, res);
    next();
  };
}

/** Tells the observer of this request's step and outcome once it is answered; nothing when it is no step. */
export function countAppLinkStep(observer: AppLinksObserver, req: Request, res: Response): void {
  const step = stepOf(req);
  if (!step) return;
  res.on('finish', () => {
    const code = res.locals.appLinkErrorCode as string | undefined;
    observer.answered(step.step, code ?? (res.statusCode < 400 ? 'ok' : `http_${res.statusCode}`));
  });
}

/**
 * Records an app-to-app refusal: the step's outcome code, and for the linking steps a linking failure
 * told to the observer (metric and diagnostics list). Used by the JSON API's error path and by the
 * fallback pages, which render their refusals themselves.
 */
export async function recordAppLinkFailure(observer: AppLinksObserver, req: Request, res: Response, error: unknown): Promise<void> {
  // A body the parser refused is the client's error (toServiceError says which), not a server_error.
  const known = toServiceError(error);
  const code = known.code;
  res.locals.appLinkErrorCode = code;
  const step = stepOf(req);
  if (!step?.linking) return;
  const userId = (res.locals.user as { userId?: string } | undefined)?.userId;
  await observer.refused({ code, reason: `${step.step}: ${known.reason}` }, { req, userId, error });
}

/** Error middleware for the app-links router: records the refusal, then hands the error to the JSON error handler. */
export function recordAppLinkErrors(observer: AppLinksObserver) {
  return async (error: unknown, req: Request, res: Response, next: NextFunction): Promise<void> => {
    await recordAppLinkFailure(observer, req, res, error);
    next(error);
  };
}
