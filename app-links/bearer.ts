import type { NextFunction, Request, Response } from 'express';
import { ServiceError } from '../server/errors';
import type { UserTokenVerifier, AppUser } from './users/user-tokens';
import { invalidToken } from './users/user-tokens';
import { APP_LINKS_SCOPE } from './users/our-tokens';

/**
 * `Bearer` (any case) and the token. RFC 6750's b64token is widened to any visible ASCII: Login with
 * Amazon tokens contain "|" (Atza|…) and must reach the provider's check unchanged.
 */
const BEARER = /^Bearer +([\x21-\x7e]+)$/i;

/**
 * Requires a bearer token (Authorization header only: tokens in URLs end up in logs and histories)
 * of one of the three caller kinds (see AppCallers) and puts the user in res.locals.user. Refusals carry WWW-Authenticate as RFC 6750 §3 asks.
 */
export function requireUser(verifier: UserTokenVerifier) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const header = req.get('authorization');
    const match = header ? BEARER.exec(header.trim()) : null;
    try {
      if (!match) throw invalidToken(header ? 'malformed Authorization header' : 'no bearer token');
      res.locals.user = await verifier.verify(match[1] as string, (name) => req.get(name));
      next();
    } catch (error) {
      if (error instanceof ServiceError && error.code === 'invalid_token') {
        res.setHeader('WWW-Authenticate', header ? 'Bearer realm="app-links", error="invalid_token"' : 'Bearer realm="app-links"');
      } else if (error instanceof ServiceError && error.code === 'insufficient_scope') {
        res.setHeader('WWW-Authenticate', `Bearer realm="app-links", error="insufficient_scope", scope="${APP_LINKS_SCOPE}"`);
      }
      next(error);
    }
  };
}

/** The user `requireUser` verified. */
export function currentUser(res: Response): AppUser {
  return res.locals.user as AppUser;
}
