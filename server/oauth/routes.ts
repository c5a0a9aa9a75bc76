import cookieParser from 'cookie-parser';
import { Router, type Request, type Response } from 'express';
import type { Services } from '../services';
import { brandAssetsFor } from '../views/brand-assets';
import { STYLESHEET_PATH, serveStylesheet } from '../views/stylesheet';
import { createAuthorizationContext } from './authorization-context';
import { authorizeHandler } from './authorize';
import { consentAnswerHandler, consentPageHandler } from './consent';
import { DEV_START_PATH, devCallbackHandler, devStartHandler } from './dev-callback';
import { DEV_CALLBACK_PATH } from '../config/settings';
import { formBody } from './form-body';
import { loginHandler } from './login';
import { jwksHandler, metadataHandler, OAUTH_PATHS } from './metadata';
import { pageErrors } from './page-errors';
import { introspectionEndpoint } from './introspection-endpoint';
import { revocationEndpoint } from './revocation-endpoint';
import { userinfoEndpoint, userinfoErrors } from './userinfo-endpoint';
import { UPSTREAM_CALLBACK_PATH } from './sign-in/settings';
import { upstreamCallbackHandler, type UpstreamSignIn, upstreamSignInFor } from './upstream-sign-in';

/** Sign-in forms carry the sealed request (up to about 11 kB) besides the fields; the limit only stops abuse. */
const PAGE_FORM_LIMIT = 32 * 1024;

/**
 * The authorization server's HTTP faces: metadata and JWKS, the authorization pages (authorize,
 * login, consent), the revocation endpoint (the token endpoint is the hot route tokenHotRoute), the pages' stylesheet, and in development
 * the callback page that stands in for Alexa. With LOGIN_SOURCE=oidc, `upstream` is the service's upstream
 * sign-in, whose callback this router serves for every flow that signs users in there (server/app.ts).
 */
export function oauthRouter(services: Services, upstream: UpstreamSignIn | undefined = upstreamSignInFor(services)): Router {
  const router = Router();
  const ctx = createAuthorizationContext(services, upstream);
  const errorsAsPages = pageErrors(ctx.pages);
  const cookies = cookieParser();

  router.get(STYLESHEET_PATH, serveStylesheet);
  brandAssetsFor(services.settings.brand).mount(router);
  router.get(OAUTH_PATHS.metadata, metadataHandler(services.settings));
  router.get(OAUTH_PATHS.jwks, jwksHandler(services.keys));

  router.get(OAUTH_PATHS.authorize, cookies, authorizeHandler(ctx), errorsAsPages);
  router.post(OAUTH_PATHS.login, cookies, ...formBody(PAGE_FORM_LIMIT), loginHandler(ctx), errorsAsPages);
  router.get(OAUTH_PATHS.consent, cookies, consentPageHandler(ctx), errorsAsPages);
  router.post(OAUTH_PATHS.consent, cookies, ...formBody(PAGE_FORM_LIMIT), consentAnswerHandler(ctx), errorsAsPages);
  if (ctx.upstream) {
    router.get(UPSTREAM_CALLBACK_PATH, cookies, upstreamCallbackHandler(ctx, ctx.upstream), errorsAsPages);
    checkUpstreamAtStart(services, ctx.upstream);
  }

  // POST /oauth/token is a hot route (tokenHotRoute, served before express); other methods get 405 here.
  router.post(OAUTH_PATHS.revoke, ...revocationEndpoint(services));
  router.post(OAUTH_PATHS.introspect, ...introspectionEndpoint(services));
  router.all([OAUTH_PATHS.token, OAUTH_PATHS.revoke, OAUTH_PATHS.introspect], methodNotAllowed('POST'));
  const userinfo = userinfoEndpoint(services);
  router.get(OAUTH_PATHS.userinfo, userinfo, userinfoErrors());
  router.post(OAUTH_PATHS.userinfo, userinfo, userinfoErrors());
  router.all(OAUTH_PATHS.userinfo, methodNotAllowed('GET, POST'));
  router.all([OAUTH_PATHS.login], methodNotAllowed('POST'));

  if (services.settings.oauth.devCallbackUri !== undefined) {
    router.get(DEV_CALLBACK_PATH, devCallbackHandler(services.settings));
    router.get(DEV_START_PATH, devStartHandler(services.settings));
  }
  return router;
}

/** Says at start, in one log line, when the upstream provider cannot be used (sign-ins would fail). */
function checkUpstreamAtStart(services: Services, upstream: UpstreamSignIn): void {
  const { issuer } = upstream.provider.source;
  upstream.provider.check().then(
    (failure) => {
      if (failure) services.log.warn({ event: 'upstream.unusable', failure: failure.kind, reason: failure.reason, issuer }, 'the upstream provider cannot be used yet; sign-ins will fail until it can');
      else services.log.info({ event: 'upstream.ready', issuer }, 'upstream provider discovered');
    },
    (error: unknown) => services.log.warn({ event: 'upstream.unusable', reason: error instanceof Error ? error.message : String(error), issuer }, 'upstream discovery failed'),
  );
}

function methodNotAllowed(allowed: string) {
  return (req: Request, res: Response): void => {
    res.setHeader('Allow', allowed);
    res.status(405).json({ error: 'invalid_request', error_description: `${req.path} accepts ${allowed} only.` });
  };
}
