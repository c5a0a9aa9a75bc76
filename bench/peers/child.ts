import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FromServer, ToServer } from '../lib/ipc';

/** What a peer lets the bench call over IPC, by name. */
export type ChildMethods = Record<string, (...args: never[]) => unknown>;

/**
 * Runs a peer server inside a child the bench started: listens on PORT (loopback), answers the
 * bench's pool-minting calls over IPC, tells the bench it is ready, and exits cleanly on SIGTERM
 * (so `--cpu-prof` can write its profile).
 */
export async function serveChild(server: Server, methods: ChildMethods = {}): Promise<void> {
  const port = Number(process.env.PORT ?? '0');
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  // Keep-alive as node's default (5 s) would let idle connections drop between the bench's phases.
  server.keepAliveTimeout = 60_000;
  process.on('message', (message: ToServer) => {
    if (message.type !== 'call') return;
    void answer(message, methods);
  });
  process.once('SIGTERM', () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
  send({ type: 'ready', port: (server.address() as AddressInfo).port });
}

async function answer(message: ToServer, methods: ChildMethods): Promise<void> {
  const method = methods[message.method];
  try {
    if (!method) throw new Error(`no method ${message.method}`);
    const value: unknown = await (method as (...args: unknown[]) => unknown)(...message.args);
    send({ type: 'result', id: message.id, value });
  } catch (error) {
    send({ type: 'error', id: message.id, message: error instanceof Error ? error.message : String(error) });
  }
}

function send(message: FromServer): void {
  if (!process.send) throw new Error('this entry must be started by the bench (no IPC channel)');
  process.send(message);
}
