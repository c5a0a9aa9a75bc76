import { Router } from 'express';
import type { Services } from '../services';

/** The authorization server's endpoints (to be filled in: metadata, jwks, authorize, token, revoke). */
export function oauthRouter(_services: Services): Router {
  return Router();
}
