import type { Request, Response } from 'express';
import { randomToken, safeEqual } from '../server/crypto-utils';
import { ServiceError } from '../server/errors';

const COOKIE = 'lw_app_links_csrf';
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Double-submit CSRF protection for the fallback pages' forms: a random token in a SameSite=Strict,
 * HttpOnly cookie scoped to /app-links and the same token in the form. Another site can make a browser
 * post the form, but can neither read nor set the cookie, so it cannot make the two match.
 */
export function issueCsrfToken(req: Request, res: Response, secure: boolean): string {
  const existing = (req.cookies as Record<string, unknown> | undefined)?.[COOKIE];
  const token = typeof existing === 'string' && TOKEN.test(existing) ? existing : randomToken(32);
  res.cookie(COOKIE, token, { httpOnly: true, sameSite: 'strict', secure, path: '/app-links', maxAge: 60 * 60 * 1000 });
  return token;
}

/** Throws a 403 unless the form's token matches the cookie (compared in constant time). */
export function checkCsrfToken(req: Request, field: string | undefined): void {
  const cookie = (req.cookies as Record<string, unknown> | undefined)?.[COOKIE];
  const ok = typeof cookie === 'string' && typeof field === 'string' && TOKEN.test(cookie) && safeEqual(cookie, field);
  if (!ok) throw new ServiceError('csrf_failed', 403, 'This form expired or was not sent from this site. Go back, reload the page and try again.', 'CSRF token missing or mismatched');
}
