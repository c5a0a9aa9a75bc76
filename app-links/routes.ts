import { Router } from 'express';
import type { Services } from '../server/services';

/** The app-to-app companion endpoints and association files (to be filled in). */
export function appLinksRouter(_services: Services): Router {
  return Router();
}
