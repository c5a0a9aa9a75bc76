import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { OAuthError } from '../errors';
import { toServiceError } from '../http/error-handler';
import { opsOf } from '../ops/ops';
import type { Services } from '../services';
import { authenticateClient } from './client-auth';
import { formBody, formParams } from './form-body';
import type { TokenResponse } from './grants';
import { noStore, sendOAuthError } from './json-responses';
import { describeProblem } from './params';
import { isValidVerifier } from './pkce';

/** Token requests are a few hundred bytes; anything near this limit is not a token request. */
export const TOKEN_BODY_LIMIT = '16kb';

const TOKEN_PARAMS = {
  grant_type: 64,
  code: 512,
  redirect_uri: 2048,
  code_verifier: 256,
  refresh_token: 512,
  scope: 1024,
} as const;

/** What the log line of a token request says about it; filled in as the request is understood. */
interface TokenLogContext {
  grant_type?: string;
  client_id?: string;
  redirect_uri?: string;
}

/**
 * POST /oauth/token: the authorization_code and refresh_token grants for an authenticated client.
 * Answers JSON with no-store; every refusal is logged as `token.refused` with the failed check.
 */
export function tokenEndpoint(services: Services): Array<RequestHandler | ErrorRequestHandler> {
  const ops = opsOf(services);
  const startClock = (_req: Request, res: Response, next: NextFunction): void => {
    res.locals.tokenStarted = process.hrtime.bigint();
    next();
  };
  const seconds = (res: Response): number => Number(process.hrtime.bigint() - (res.locals.tokenStarted as bigint)) / 1e9;

  const handle = async (req: Request, res: Response): Promise<void> => {
    const context: TokenLogContext = {};
    res.locals.tokenLog = context;
    const form = formParams(req);
    const { values, problems } = form.read(TOKEN_PARAMS);
    if (problems[0]) throw new OAuthError('invalid_request', describeProblem(problems[0]), 400, `${problems[0].name} ${problems[0].kind}`);
    if (values.grant_type !== undefined) context.grant_type = values.grant_type;
    if (values.redirect_uri !== undefined) context.redirect_uri = values.redirect_uri;
    const { client } = authenticateClient(req, form, services.clients, (id) => {
      context.client_id = id.slice(0, 256);
    });

    let response: TokenResponse;
    switch (values.grant_type) {
      case undefined:
        throw new OAuthError('invalid_request', 'grant_type is required.', 400, 'grant_type missing');
      case 'authorization_code': {
        if (values.code === undefined) throw new OAuthError('invalid_request', 'code is required for the authorization_code grant.', 400, 'code missing');
        if (values.code_verifier !== undefined && !isValidVerifier(values.code_verifier)) {
          throw new OAuthError('invalid_request', 'code_verifier must be 43 to 128 characters from A-Z, a-z, 0-9 and "-._~".', 400, 'code_verifier malformed');
        }
        response = await services.grants.exchangeCode(values.code, {
          clientId: client.id,
          redirectUri: values.redirect_uri,
          codeVerifier: values.code_verifier,
        });
        break;
      }
      case 'refresh_token': {
        if (values.refresh_token === undefined) throw new OAuthError('invalid_request', 'refresh_token is required for the refresh_token grant.', 400, 'refresh_token missing');
        response = await services.grants.refresh(values.refresh_token, client.id, values.scope);
        break;
      }
      default:
        throw new OAuthError(
          'unsupported_grant_type',
          `The grant_type "${values.grant_type}" is not supported: use authorization_code or refresh_token.`,
          400,
          `unsupported grant_type ${values.grant_type}`,
        );
    }
    noStore(res);
    res.status(200).json(response);
    req.log.info({ event: 'token.issued', ...context, scope: response.scope, expires_in: response.expires_in }, 'tokens issued');
    ops.metrics.tokenRequest(values.grant_type, 'issued', seconds(res));
    ops.sighted('token', { clientId: client.id, redirectUri: values.redirect_uri });
  };

  // One line per refusal saying which check failed (reason) and what to do about it (advice), so a
  // support engineer can act on "we were unable to link your account" from the log alone.
  const refuse = async (error: unknown, req: Request, res: Response, _next: NextFunction): Promise<void> => {
    const failure = toServiceError(error);
    const context = (res.locals.tokenLog as TokenLogContext | undefined) ?? {};
    const facts = { code: failure.code, reason: failure.reason };
    const { category, advice } = ops.explain('token', facts);
    const line = { event: 'token.refused', step: 'token', ...context, error: failure.code, status: failure.status, reason: failure.reason, category, advice };
    if (failure.status >= 500) req.log.warn({ ...line, err: failure.status === 500 ? error : undefined }, 'token request failed');
    else req.log.info(line, 'token request refused');
    ops.metrics.tokenRequest(context.grant_type, failure.code, seconds(res));
    ops.sighted('token', { clientId: context.client_id, redirectUri: context.redirect_uri });
    await ops.linkingFailed('token', facts, { clientId: context.client_id, req, error });
    if (res.headersSent) return;
    sendOAuthError(res, failure);
  };

  return [startClock, ...formBody(TOKEN_BODY_LIMIT), handle, refuse];
}
