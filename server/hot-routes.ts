import type { HotRoute } from './http/hot-routes';
import type { Services } from './services';

/** The routes served straight from node:http (see server/http/hot-routes.ts); the rest is express. */
export function hotRoutes(_services: Services): HotRoute[] {
  return [];
}
