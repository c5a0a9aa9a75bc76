import type { Request, Response } from 'express';
import { safeEqual } from '../crypto-utils';
import type { Ops } from './ops';

export const METRICS_PATH = '/metrics';

/**
 * GET /metrics in the Prometheus text format. Off (the same 404 as any unknown path) while METRICS_TOKEN is
 * unset; otherwise only for `Authorization: Bearer <METRICS_TOKEN>`, compared in constant time so the
 * answer's timing does not reveal how much of a guess was right.
 */
export function metricsHandler(ops: Ops, token: string | undefined) {
  return async (req: Request, res: Response): Promise<void> => {
    if (token === undefined) {
      res.status(404).json({ error: 'not_found', error_description: `No route for ${req.method} ${req.path}.` });
      return;
    }
    const match = /^Bearer +([\x21-\x7e]+)$/i.exec(req.get('authorization')?.trim() ?? '');
    if (!match || !safeEqual(match[1] as string, token)) {
      req.log.warn({ event: 'metrics.refused', reason: match ? 'wrong token' : 'no bearer token' }, 'metrics request refused');
      res.status(401).setHeader('WWW-Authenticate', 'Bearer realm="metrics"').setHeader('Cache-Control', 'no-store');
      res.json({ error: 'invalid_token', error_description: 'GET /metrics needs Authorization: Bearer with METRICS_TOKEN.' });
      return;
    }
    const { contentType, body } = await ops.metrics.render();
    res.status(200).setHeader('Cache-Control', 'no-store').type(contentType).send(body);
  };
}
