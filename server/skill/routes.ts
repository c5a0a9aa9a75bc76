import { Router } from 'express';
import type { Services } from '../services';

/**
 * Nothing of the skill is served by express any more: POST /alexa is a hot route (skillHotRoute in
 * ./hot-route.ts, listed in server/hot-routes.ts). This empty router only keeps server/app.ts
 * compiling until its `app.use(skillRouter(services))` line is removed; then delete this file.
 */
export function skillRouter(_services: Services): Router {
  return Router();
}
