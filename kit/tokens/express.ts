import { bearerChallenge, bearerCredentials } from './bearer';
import type { TokenRefusalReason, TokenVerifier, VerifiedAccessToken } from './verifier';

// The middleware's request and response are described structurally (the few members it uses) instead of
// importing express's types: express ships no types of its own, so an `import type ... from 'express'` in
// our published .d.ts would not typecheck for a consumer without @types/express. These shapes are met by
// express 4/5's Request/Response and by node:http's IncomingMessage/ServerResponse alike.

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- express's own augmentation point (Express.Request)
  namespace Express {
    interface Request {
      /** The verified access token, set by `requireAccessToken` (also on `res.locals.accessToken`). */
      accessToken?: VerifiedAccessToken;
    }
  }
}

/** What {@link requireAccessToken} reads from a request: met by express's `Request` and node:http's `IncomingMessage`. */
export interface AccessTokenRequest {
  /** The request headers, names in lower case (as node:http gives them). */
  headers: { authorization?: string | undefined };
  /** Set by the middleware once the token is verified. */
  accessToken?: VerifiedAccessToken;
}

/** What {@link requireAccessToken} writes to: met by express's `Response` and node:http's `ServerResponse`. */
export interface AccessTokenResponse {
  /** The status code of the answer. */
  statusCode: number;
  /** Sets one response header. */
  setHeader(name: string, value: string): unknown;
  /** Ends the answer, with an optional body. */
  end(body?: string): unknown;
  /** express's per-response locals; when present, the verified token is put there too. */
  locals?: Record<string, unknown>;
}

/** The middleware {@link requireAccessToken} returns: an express (or connect) request handler. */
export type AccessTokenMiddleware = (req: AccessTokenRequest, res: AccessTokenResponse, next: (error?: unknown) => void) => void;

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
export function requireAccessToken(verifier: TokenVerifier, options: RequireAccessTokenOptions = {}): AccessTokenMiddleware {
  const realm = options.realm ?? 'linkwright';
  const needed = typeof options.scope === 'string' ? options.scope.split(' ').filter(Boolean) : (options.scope ?? []);
  return (req, res, next) => {
    const credentials = bearerCredentials(req.headers.authorization);
    if (credentials.kind === 'missing') {
      res.setHeader('WWW-Authenticate', bearerChallenge(realm));
      res.statusCode = 401;
      res.end();
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
            json(res, 503, { error: 'temporarily_unavailable', error_description: 'The access token cannot be checked right now; try again shortly.' });
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
        if (res.locals !== undefined) res.locals.accessToken = result.token;
        next();
      },
      (error: unknown) => next(error),
    );
  };
}

function answer(res: AccessTokenResponse, status: number, challenge: string, error: string, description: string): void {
  res.setHeader('WWW-Authenticate', challenge);
  res.setHeader('Cache-Control', 'no-store');
  json(res, status, { error, error_description: description });
}

function json(res: AccessTokenResponse, status: number, body: Record<string, string>): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}
