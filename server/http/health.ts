import { Router } from 'express';
import type { Store } from '../store';

/** Liveness (the process answers) and readiness (the store answers). */
export function healthRouter(store: Store): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (req, res) => {
    try {
      await store.ping();
      res.json({ status: 'ready' });
    } catch (error) {
      req.log.warn({ event: 'ready.store_unreachable', reason: (error as Error).message }, 'store unreachable');
      res.status(503).setHeader('Retry-After', '5').json({ status: 'unavailable', reason: 'store unreachable' });
    }
  });
  return router;
}
