import { Router } from 'express';
import type { Services } from '../services';

/** The Alexa skill endpoint (to be filled in: POST /alexa). */
export function skillRouter(_services: Services): Router {
  return Router();
}
