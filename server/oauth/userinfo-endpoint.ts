import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { bearerChallenge, bearerCredentials, type BearerErrorCode } from '../../kit/tokens/bearer';
import { toServiceError } from '../http/error-handler';
import type { Services } from '../services';
import { CLIENT_CREDENTIALS_GTY } from './access-tokens';
import { profileClaimsOf } from './profile-claims';
import { inspectAccessToken } from './token-inspection';

const REALM = 'linkwright';

/**
 * GET and POST /oauth/userinfo (OpenID Connect Core §5.3 style): the profile of the account an access
 * token of ours names, for the token's bearer, with `sub` first. The token goes in the Authorization
 * header (RFC 6750 §2.1); failures are RFC 6750 answers with a WWW-Authenticate challenge. The profile
 * is read fresh from the account, whatever ACCESS_TOKEN_CLAIMS puts in tokens: that is what this
 * endpoint is for when tokens carry `sub` only.
 */
export function userinfoEndpoint(services: Services): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Pragma', 'no-cache');
      const credentials = bearerCredentials(req.get('authorization'));
      if (credentials.kind === 'missing') {
        challenge(res, 401);
        req.log.info({ event: 'userinfo.refused', reason: 'no bearer token' }, 'userinfo request refused');
        return;
      }
      if (credentials.kind === 'malformed') {
        challenge(res, 400, 'invalid_request', credentials.description);
        req.log.info({ event: 'userinfo.refused', reason: 'malformed Authorization header' }, 'userinfo request refused');
        return;
      }
      const inspection = await inspectAccessToken(services.accessTokens, services.revocations, credentials.token);
      if (!inspection.active) {
        challenge(res, 401, 'invalid_token', 'The access token is invalid, expired or revoked.');
        req.log.info({ event: 'userinfo.refused', reason: inspection.reason }, 'userinfo request refused');
        return;
      }
      if (inspection.claims.gty === CLIENT_CREDENTIALS_GTY) {
        // A service token's sub is its client's id: there is no user, and no account must be looked up by it.
        challenge(res, 401, 'invalid_token', 'This token names no user (client_credentials).');
        req.log.info({ event: 'userinfo.refused', reason: 'client_credentials token', client_id: inspection.claims.client_id }, 'userinfo request refused');
        return;
      }
      const account = await services.accounts.get(inspection.claims.sub);
      if (!account) {
        challenge(res, 401, 'invalid_token', 'The account this token names no longer exists.');
        req.log.info({ event: 'userinfo.refused', reason: 'account gone', userId: inspection.claims.sub }, 'userinfo request refused');
        return;
      }
      res.status(200).json({ sub: account.id, ...profileClaimsOf(account) });
      req.log.info({ event: 'userinfo.answered', userId: account.id, client_id: inspection.claims.client_id }, 'userinfo answered');
    } catch (error) {
      next(error);
    }
  };
}

/** The RFC 6750 answer for userinfo errors raised further down (a store outage: 503 with Retry-After). */
export function userinfoErrors() {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const failure = toServiceError(error);
    req.log[failure.status >= 500 ? 'warn' : 'info']({ event: 'userinfo.failed', status: failure.status, reason: failure.reason }, 'userinfo request failed');
    if (res.headersSent) return;
    if (failure.status === 503) res.setHeader('Retry-After', '5');
    res.status(failure.status).json({ error: failure.code, error_description: failure.expose || failure.status === 503 ? failure.description : 'The server could not complete the request.' });
  };
}

function challenge(res: Response, status: 400 | 401, code?: BearerErrorCode, description?: string): void {
  res.setHeader('WWW-Authenticate', bearerChallenge(REALM, code ? { code, ...(description ? { description } : {}) } : undefined));
  if (code === undefined) {
    res.status(status).end();
    return;
  }
  res.status(status).json({ error: code, error_description: description });
}
