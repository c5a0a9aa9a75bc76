import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { OAuthError } from '../errors';
import { toServiceError } from '../http/error-handler';
import type { Services } from '../services';
import type { AccessTokenClaims } from './access-tokens';
import { authenticateClient } from './client-auth';
import { formBody, formParams } from './form-body';
import { noStore, sendOAuthError } from './json-responses';
import { describeProblem } from './params';
import { inspectAccessToken } from './token-inspection';
import { TOKEN_BODY_LIMIT_BYTES } from './token-endpoint';

const INTROSPECT_PARAMS = { token: 4096, token_type_hint: 64 } as const;

/** The claims an active answer repeats from the token (RFC 7662 §2.2), in this order. */
const ANSWERED_CLAIMS = ['scope', 'client_id', 'sub', 'aud', 'iss', 'exp', 'iat', 'jti', 'preferred_username', 'email', 'name', 'gty'] as const;

/**
 * POST /oauth/introspect (RFC 7662), for resource servers: client-authenticated exactly like the token
 * endpoint (HTTP Basic or credentials in the body). Describes our access tokens only; a refresh token,
 * an unknown, forged, expired or revoked token is `{"active":false}` and nothing more (§2.2), so the
 * answer never tells a caller why. Revocation is read from the store on every call, never cached.
 */
export function introspectionEndpoint(services: Services): Array<RequestHandler | ErrorRequestHandler> {
  const handle = async (req: Request, res: Response): Promise<void> => {
    const context: { client_id?: string; hint?: string } = {};
    res.locals.introspectLog = context;
    const form = formParams(req);
    const { values, problems } = form.read(INTROSPECT_PARAMS);
    if (problems[0]) throw new OAuthError('invalid_request', describeProblem(problems[0]), 400, `${problems[0].name} ${problems[0].kind}`);
    const { client } = authenticateClient((name) => req.get(name), form, services.clients, (id) => {
      context.client_id = id.slice(0, 256);
    });
    // A public client (the app) authenticates with its id alone, which proves nothing: it may not learn about tokens.
    if (client.isPublic) throw new OAuthError('invalid_client', 'A public client cannot introspect tokens.', 401, 'introspection by a public client');
    if (values.token === undefined || values.token === '') throw new OAuthError('invalid_request', 'token is required.', 400, 'token missing');
    // RFC 7662 §2.1: an unknown hint is ignored and the search extended; only access tokens are ever described.
    if (values.token_type_hint !== undefined) context.hint = values.token_type_hint.slice(0, 64);
    // Describes every token we issued: a resource server elsewhere (the MCP server) asks about its own.
    const audiences = [services.accessTokens.audience, ...services.clients.resourceAudiences()];
    const inspection = await inspectAccessToken(services.accessTokens, services.revocations, values.token, audiences);
    noStore(res);
    if (!inspection.active) {
      res.status(200).json({ active: false });
      req.log.info({ event: 'introspect.inactive', ...context, reason: inspection.reason }, 'introspection: token not active');
      return;
    }
    res.status(200).json(activeAnswer(inspection.claims));
    req.log.info({ event: 'introspect.active', ...context, familyId: inspection.claims.sid }, 'introspection: token active');
  };

  const refuse = (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const failure = toServiceError(error);
    const context = (res.locals.introspectLog as object | undefined) ?? {};
    const line = { event: 'introspect.refused', ...context, error: failure.code, status: failure.status, reason: failure.reason };
    if (failure.status >= 500) req.log.warn({ ...line, err: failure.status === 500 ? error : undefined }, 'introspection request failed');
    else req.log.info(line, 'introspection request refused');
    if (res.headersSent) return;
    sendOAuthError(res, failure);
  };

  return [...formBody(TOKEN_BODY_LIMIT_BYTES), handle, refuse];
}

function activeAnswer(claims: AccessTokenClaims): Record<string, unknown> {
  const answer: Record<string, unknown> = { active: true, token_type: 'Bearer' };
  for (const name of ANSWERED_CLAIMS) if (claims[name] !== undefined) answer[name] = claims[name];
  // RFC 7662 §2.2 names the human-readable identifier `username`.
  if (claims.preferred_username !== undefined) answer.username = claims.preferred_username;
  return answer;
}
