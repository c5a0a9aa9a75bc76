import { type Response, Router } from 'express';
import type { Services } from '../server/services';
import { appLinksApi } from './api-routes';
import { ANDROID_FILE, APPLE_FILE } from './association-files';
import { type AppLinksWiring, createAppLinksContext } from './context';
import { UNOBSERVED_APP_LINKS } from './observer';
import { OPENAPI_PATH, serveOpenApi } from './openapi';
import { appLinksPages } from './page-routes';
import { countAppLinkSteps, recordAppLinkErrors } from './steps';

/**
 * The app-to-app companion: the association files, the JSON API for the company's app, and the browser
 * fallback pages. Nothing is mounted when APP_LINKS_ENABLED is false. Every step, refusal and call to
 * Amazon is told to the observer (server/app.ts passes in the diagnostics' one).
 */
export function appLinksRouter(services: Services, wiring: AppLinksWiring = {}): Router {
  const router = Router();
  const settings = services.settings.appLinks;
  if (!settings.enabled) return router;

  // Apple and Google fetch these without following redirects and want JSON with a 200: the exact bytes
  // checked at start are sent as they are, cacheable (Apple's CDN refreshes them about once a week).
  const serveFile = (bytes: Buffer | undefined) => (_req: unknown, res: Response, next: () => void) => {
    if (!bytes) {
      next();
      return;
    }
    res.status(200).set({ 'Content-Type': 'application/json', 'Cache-Control': 'public, max-age=3600' }).send(bytes);
  };
  if (settings.files.generated.length > 0) {
    services.log.info({ event: 'app_links.files_generated', files: settings.files.generated }, 'association files made from the settings (no file in the .well-known folder)');
  }
  router.get(`/.well-known/${APPLE_FILE}`, serveFile(settings.files.apple));
  router.get(`/.well-known/${ANDROID_FILE}`, serveFile(settings.files.android));

  router.get(OPENAPI_PATH, serveOpenApi(services.settings.publicUrl));

  const observer = wiring.observer ?? UNOBSERVED_APP_LINKS;
  const ctx = createAppLinksContext(services, { observer, upstream: wiring.upstream });
  router.use(countAppLinkSteps(observer));
  router.use(appLinksApi(ctx));
  router.use(appLinksPages(ctx));
  router.use(recordAppLinkErrors(observer));
  return router;
}
