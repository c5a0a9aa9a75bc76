import { Router } from 'express';
import type { Store } from '../store';
import type { LoadReport } from './overload';
import { pageAssetProblems } from '../views/assets';

/**
 * Liveness (the process answers: it listens only once it can serve) and readiness (the store answers
 * and the files the pages need are there). `assetProblems` is the check of those files. Neither is ever
 * shed, and /readyz stays 200 while the process sheds load: it reports the load beside the status
 * instead, because a balancer that pulls every busy instance moves the surge onto the others and takes
 * them down in turn.
 */
export function healthRouter(store: Store, assetProblems: () => string[] = pageAssetProblems, load?: () => LoadReport): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (req, res) => {
    const missing = assetProblems();
    if (missing.length > 0) {
      // The paths go to the log only: readiness is unauthenticated.
      req.log.error({ event: 'ready.assets_missing', problems: missing }, 'files the pages need are missing');
      res.status(503).json({ status: 'unavailable', reason: 'page assets missing' });
      return;
    }
    try {
      await store.ping();
      res.json(load ? { status: 'ready', load: load() } : { status: 'ready' });
    } catch (error) {
      req.log.warn({ event: 'ready.store_unreachable', reason: (error as Error).message }, 'store unreachable');
      res.status(503).setHeader('Retry-After', '5').json({ status: 'unavailable', reason: 'store unreachable' });
    }
  });
  return router;
}
