import { ENTRIES } from '../lib/compile';
import { startPeer } from './peer-service';
import { launchPlan } from './skill-requests';
import type { BenchCase } from './types';

const isEcho = (status: number, body: string): boolean => status === 200 && body.startsWith('{"echo"');

/** Ceiling: bare node:http parsing and echoing the same LaunchRequest JSON. */
export const nodeHttpEcho: BenchCase = {
  id: 'ceiling.node-http',
  title: 'bare node:http JSON echo (ceiling)',
  kind: 'ceiling',
  group: 'ceiling',
  byDefault: true,
  start: async (context) => {
    const { server, url } = await startPeer(context, 'node:http echo', ENTRIES.nodeHttpEcho);
    return { server, url, close: () => server.stop(), plan: async () => launchPlan('/echo', 'echo-token', isEcho) };
  },
};

/** Reference: bare express 5 with express.json() echoing the same body (what the framework costs). */
export const expressEcho: BenchCase = {
  id: 'ceiling.express',
  title: 'bare express 5 JSON echo (reference)',
  kind: 'ceiling',
  group: 'ceiling',
  byDefault: false,
  start: async (context) => {
    const { server, url } = await startPeer(context, 'express echo', ENTRIES.expressEcho);
    return { server, url, close: () => server.stop(), plan: async () => launchPlan('/echo', 'echo-token', isEcho) };
  },
};
