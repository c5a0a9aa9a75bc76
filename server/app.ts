import express, { type Express } from 'express';
import helmet from 'helmet';
import { appLinksRouter } from '../app-links/routes';
import { addonRouter } from './addon/routes';
import { errorHandler, notFound } from './http/error-handler';
import { healthRouter } from './http/health';
import type { LoadReport } from './http/overload';
import { requestContext } from './http/request-context';
import { oauthRouter } from './oauth/routes';
import { upstreamSignInFor } from './oauth/upstream-sign-in';
import { appLinksObserver } from './ops/app-links-observer';
import { opsOf } from './ops/ops';
import { opsRouter } from './ops/routes';
import type { Services } from './services';

/**
 * The express application: the authorization server's pages and endpoints, the app-to-app companion and
 * the operator pages, and the demo Alexa+ add-on (MCP) when enabled. POST /alexa and POST /oauth/token are hot routes served in
 * front of express (server/hot-routes.ts). There is no global body parser: each face parses its own.
 */
export function createApp(services: Services, runtime: { load?: () => LoadReport } = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  if (services.settings.trustProxy !== undefined) app.set('trust proxy', parseTrustProxy(services.settings.trustProxy));
  app.use(requestContext(services.log));
  const https = services.settings.publicUrl.startsWith('https://');
  const logoUrl = services.settings.brand.logoFile ? undefined : services.settings.brand.logoUrl;
  app.use(
    helmet({
      // Pages are server-rendered without scripts or web fonts; forms may post only to us. Pages that
      // redirect to a client after a POST widen form-action themselves (browsers apply it to the redirect
      // too). helmet's defaults would add script-src 'self' and font-src 'self' https: data:, which
      // nothing here needs: null drops them, so default-src 'none' refuses every script and font.
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'none'"],
          scriptSrc: null,
          fontSrc: null,
          styleSrc: ["'self'"],
          // A logo at an https URL widens img-src to exactly its origin; a logo file is served by us.
          imgSrc: ["'self'", 'data:', ...(logoUrl ? [new URL(logoUrl).origin] : [])],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
          // Over plain http (development on a LAN host, a phone testing the pages) upgrading would send
          // the stylesheet and forms to an https port nothing listens on.
          upgradeInsecureRequests: https ? [] : null,
        },
      },
      hsts: https,
    }),
  );
  app.use(healthRouter(services.store, undefined, runtime.load));
  app.use(opsRouter(services));
  // One upstream sign-in (LOGIN_SOURCE=oidc) for both: the provider has one callback, served by oauthRouter.
  const upstream = upstreamSignInFor(services);
  app.use(oauthRouter(services, upstream));
  // The diagnostics observe the companion from outside: app-links/ imports nothing of server/ops/.
  app.use(appLinksRouter(services, { observer: appLinksObserver(opsOf(services)), upstream }));
  app.use(addonRouter(services));
  app.use(notFound());
  app.use(errorHandler());
  return app;
}

function parseTrustProxy(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}
