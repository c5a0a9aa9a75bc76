import { freePort } from '../../test/support/ports';
import { baseEnv, ServerProcess } from '../lib/server-process';
import type { CaseContext } from './types';

/** Starts a compiled peer entry (bench/peers/*) pinned to the server core, on a free loopback port. */
export async function startPeer(context: CaseContext, name: string, entry: string, env: Record<string, string> = {}): Promise<{ server: ServerProcess; url: string }> {
  const port = await freePort();
  const server = await ServerProcess.start({
    name,
    entry,
    env: { ...baseEnv(), ...env, PORT: String(port) },
    nodeFlags: context.nodeFlags,
    core: context.options.serverCore,
    ready: 'ipc',
  });
  return { server, url: `http://127.0.0.1:${port}` };
}
