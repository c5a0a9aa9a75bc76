import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { bearerChallenge, bearerCredentials } from './bearer';
import type { TokenRefusalReason, TokenVerifier, VerifiedAccessToken } from './verifier';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- express's own augmentation point (Express.Request)
  namespace Express {
    interface Request {
      /** The verified access token, set by `requireAccessToken` (also on `res.locals.accessToken`). */
      accessToken?: VerifiedAccessToken;
    }
  }
}

/** Options of {@link requireAccessToken}. */
export interface RequireAccessTokenOptions {
  /** Scopes the token must all carry; a token without them is answered 403 insufficient_scope. */
  scope?: string | string[];
  /** The realm named in WWW-Authenticate; default "linkwright". */
  realm?: string;
}

const DESCRIPTIONS: Record<Exclude<TokenRefusalReason, 'unavailable'>, string> = {
  malformed: 'The access token is malformed.',
  bad_signature: 'The access token signature is invalid.',
  unknown_key: 'The access token is signed with an unknown key.',
  expired: 'The access token has expired.',
  wrong_issuer: 'The access token was issued by another issuer.',
  wrong_audience: 'The access token is meant for another audience.',
  revoked: 'The access token has been revoked.',
};

/**
 * Express middleware that admits requests bearing a valid Linkwright access token (RFC 6750 §2.1
 * Authorization header) and answers the rest as RFC 6750 §3 says: 401 with a bare Bearer challenge when
 * no token was sent, 401 `invalid_token` for a refused token, 400 `invalid_request` for a malformed
 * header, 403 `insufficient_scope` when `scope` is missing, and 503 (Retry-After) when the issuer cannot
 * be asked. The verified token is put on `req.accessToken` and `res.locals.accessToken`.
 */
export function requireAccessToken(verifier: TokenVerifier, options: RequireAccessTokenOptions = {}): RequestHandler {
  const realm = options.realm ?? 'linkwright';
  const needed = typeof options.scope === 'string' ? options.scope.split(' ').filter(Boolean) : (options.scope ?? []);
  return (req: Request, res: Response, next: NextFunction): void => {
    const credentials = bearerCredentials(req.get('authorization'));
    if (credentials.kind === 'missing') {
      res.setHeader('WWW-Authenticate', bearerChallenge(realm));
      res.status(401).end();
      return;
    }
    if (credentials.kind === 'malformed') {
      answer(res, 400, bearerChallenge(realm, { code: 'invalid_request', description: credentials.description }), 'invalid_request', credentials.description);
      return;
    }
    verifier.verify(credentials.token).then(
      (result) => {
        if (!result.ok) {
          if (result.reason === 'unavailable') {
            res.setHeader('Retry-After', '5');
            res.status(503).json({ error: 'temporarily_unavailable', error_description: 'The access token cannot be checked right now; try again shortly.' });
            return;
          }
          const description = DESCRIPTIONS[result.reason];
          answer(res, 401, bearerChallenge(realm, { code: 'invalid_token', description }), 'invalid_token', description);
          return;
        }
        const missing = needed.filter((scope) => !result.token.scope.includes(scope));
        if (missing.length > 0) {
          const description = `The access token lacks the scope ${missing.join(' ')}.`;
          answer(res, 403, bearerChallenge(realm, { code: 'insufficient_scope', description, scope: needed.join(' ') }), 'insufficient_scope', description);
          return;
        }
        req.accessToken = result.token;
        res.locals.accessToken = result.token;
        next();
      },
      (error: unknown) => next(error),
    );
  };
}

function answer(res: Response, status: number, challenge: string, error: string, description: string): void {
  res.setHeader('WWW-Authenticate', challenge);
  res.setHeader('Cache-Control', 'no-store');
  res.status(status).json({ error, error_description: description });
}
