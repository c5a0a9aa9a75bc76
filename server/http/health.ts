import { Router } from 'express';
import type { Store } from '../store';
import type { LoadReport } from './overload';

/**
 * Liveness (the process answers) and readiness (the store answers). Neither is ever shed, and /readyz
 * stays 200 while the process sheds load: it reports the load beside the status instead, because a
 * balancer that pulls every busy instance moves the surge onto the others and takes them down in turn.
 */
export function healthRouter(store: Store, load?: () => LoadReport): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (req, res) => {
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
