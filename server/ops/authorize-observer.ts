import type { NextFunction, Request, Response } from 'express';
import { validateAuthorizationRequest } from '../oauth/authorization-request';
import { OAUTH_PATHS } from '../oauth/metadata';
import { ParamSet } from '../oauth/params';
import type { Services } from '../services';
import { opsOf } from './ops';

/**
 * Watches GET /oauth/authorize from the outside: records the client id and redirect URI each request
 * names (the diagnostics page compares them with the registered ones) and, when the request will be
 * refused, the linking failure with its reason. It judges the request with the authorization endpoint's
 * own validation (a pure function), so the two cannot disagree; the endpoint still answers and logs.
 */
export function observeAuthorizationRequests(services: Services) {
  const ops = opsOf(services);
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    if (req.method !== 'GET' || req.path !== OAUTH_PATHS.authorize) {
      next();
      return;
    }
    const params = ParamSet.fromUrl(req.originalUrl);
    const { values } = params.read({ client_id: 256, redirect_uri: 2048 });
    ops.sighted('authorize', { clientId: values.client_id, redirectUri: values.redirect_uri });
    const outcome = validateAuthorizationRequest(params, services.clients, services.settings.publicUrl);
    if (outcome.kind !== 'ok') {
      const code = outcome.kind === 'page' ? 'invalid_request' : outcome.error;
      const detail = outcome.kind === 'page' && outcome.received !== undefined ? ` (received "${outcome.received.slice(0, 300)}")` : '';
      await ops.linkingFailed('authorize', { code, reason: `${outcome.reason}${detail}` }, { clientId: values.client_id, req });
    }
    next();
  };
}
