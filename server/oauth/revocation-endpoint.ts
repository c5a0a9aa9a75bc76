import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { OAuthError } from '../errors';
import { toServiceError } from '../http/error-handler';
import type { Services } from '../services';
import { InvalidAccessTokenError } from './access-tokens';
import { authenticateClient } from './client-auth';
import { formBody, formParams } from './form-body';
import { noStore, sendOAuthError } from './json-responses';
import { describeProblem } from './params';
import { TOKEN_BODY_LIMIT_BYTES } from './token-endpoint';

const REVOKE_PARAMS = { token: 4096, token_type_hint: 64 } as const;
type Hint = 'access_token' | 'refresh_token';

/** What was found for a presented token: the family it names and the client it was issued to. */
interface Target {
  kind: Hint;
  familyId: string;
  clientId: string;
}

/**
 * POST /oauth/revoke (RFC 7009). Revoking a refresh token revokes its whole family; revoking an
 * access token revokes the family it came from (its `sid`), refresh tokens included. Unknown,
 * expired or already revoked tokens get 200 as well: the outcome the client wants already holds.
 */
export function revocationEndpoint(services: Services): Array<RequestHandler | ErrorRequestHandler> {
  const findRefresh = async (token: string): Promise<Target | undefined> => {
    const family = await services.refreshTokens.findLive(token);
    return family ? { kind: 'refresh_token', familyId: family.id, clientId: family.clientId } : undefined;
  };
  const findAccess = async (token: string): Promise<Target | undefined> => {
    try {
      // Every token we issued may be revoked here, the MCP server's (an Alexa+ add-on's) included.
      const claims = services.accessTokens.verify(token, [services.accessTokens.audience, ...services.clients.resourceAudiences()]);
      return { kind: 'access_token', familyId: claims.sid, clientId: claims.client_id };
    } catch (error) {
      if (error instanceof InvalidAccessTokenError) return undefined;
      throw error;
    }
  };

  const handle = async (req: Request, res: Response): Promise<void> => {
    const context: { client_id?: string; hint?: string } = {};
    res.locals.revokeLog = context;
    const form = formParams(req);
    const { values, problems } = form.read(REVOKE_PARAMS);
    if (problems[0]) throw new OAuthError('invalid_request', describeProblem(problems[0]), 400, `${problems[0].name} ${problems[0].kind}`);
    const { client } = authenticateClient((name) => req.get(name), form, services.clients, (id) => {
      context.client_id = id.slice(0, 256);
    });
    if (values.token === undefined) throw new OAuthError('invalid_request', 'token is required.', 400, 'token missing');
    const hint = values.token_type_hint;
    if (hint !== undefined) context.hint = hint;
    if (hint !== undefined && hint !== 'access_token' && hint !== 'refresh_token') {
      throw new OAuthError('unsupported_token_type', `token_type_hint "${hint}" is not supported: use access_token or refresh_token.`, 400, `unsupported token_type_hint ${hint}`);
    }
    // The hint only orders the lookups (RFC 7009 §2.1): a wrong hint must not stop a revocation.
    const order = hint === 'access_token' ? [findAccess, findRefresh] : [findRefresh, findAccess];
    let target: Target | undefined;
    for (const find of order) {
      target = await find(values.token);
      if (target) break;
    }
    if (target && target.clientId !== client.id) {
      throw new OAuthError('invalid_request', 'The token was not issued to this client.', 400, 'token issued to another client');
    }
    if (target) await services.revocations.revokeFamily(target.familyId, `revoked by the client (${target.kind})`);
    noStore(res);
    res.status(200).end();
    req.log.info({ event: 'revoke.done', ...context, found: target?.kind ?? 'none', familyId: target?.familyId }, 'revocation request handled');
  };

  const refuse = (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const failure = toServiceError(error);
    const context = (res.locals.revokeLog as object | undefined) ?? {};
    const line = { event: 'revoke.refused', ...context, error: failure.code, status: failure.status, reason: failure.reason };
    if (failure.status >= 500) req.log.warn({ ...line, err: failure.status === 500 ? error : undefined }, 'revocation request failed');
    else req.log.info(line, 'revocation request refused');
    if (res.headersSent) return;
    sendOAuthError(res, failure);
  };

  return [...formBody(TOKEN_BODY_LIMIT_BYTES), handle, refuse];
}
