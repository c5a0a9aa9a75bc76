import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'node:net';
import type { Store } from '../../server/store';
import { freePort } from './ports';

/** A real redis-server owned by the test run, on a private port and directory. */
export class RedisServer {
  private child: ChildProcess | undefined;
  readonly dir: string;

  private constructor(
    readonly port: number,
    private readonly persist: boolean,
    private readonly extraArgs: string[] = [],
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'lw-redis-'));
  }

  /** Starts a server; with `persist` it writes an RDB file on shutdown so a restart keeps the data. */
  static async start(options: { persist?: boolean; args?: string[] } = {}): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), options.persist ?? false, options.args);
    await server.launch();
    return server;
  }

  /** The server's process id (undefined while stopped), e.g. to pin it to a core or read its CPU time. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Stops the server (saving first when persistent), as an outage would look to clients. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    child.kill('SIGCONT'); // a paused server would not act on SIGTERM
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
    this.child = undefined;
  }

  /** Freezes the server (SIGSTOP): connections stay open but nothing is answered, as a stalled Redis looks. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  /** Lets a paused server run again (SIGCONT); it then executes what it received meanwhile. */
  resume(): void {
    this.child?.kill('SIGCONT');
  }

  /** Starts the server again on the same port and directory. */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  /** Stops the server and removes its directory. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async launch(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning'];
    args.push('--save', this.persist ? '3600 1' : '', ...this.extraArgs);
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    this.child = child;
    const failed = new Promise<never>((_, reject) => {
      child.once('error', (error) => reject(new Error(`redis-server could not start (${error.message}); install it with apt-get install redis-server`)));
      child.once('exit', (code) => reject(new Error(`redis-server exited early with code ${code}`)));
    });
    await Promise.race([waitForPort(this.port), failed]);
  }
}

async function waitForPort(port: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`redis-server did not listen on port ${port}`);
}

let shared: Promise<RedisServer> | undefined;
const servers: RedisServer[] = [];

/**
 * The Redis URL tests use: REDIS_URL when given, otherwise one private server per test process,
 * started on first use and stopped when the process exits.
 */
export async function testRedisUrl(): Promise<string> {
  const given = process.env.REDIS_URL;
  if (given) return given;
  shared ??= RedisServer.start().then((server) => {
    servers.push(server);
    return server;
  });
  return (await shared).url;
}


/** Stops every private server this process started (the root hook calls it after all tests). */
export async function stopPrivateRedisServers(): Promise<void> {
  await Promise.all(servers.splice(0).map((server) => server.destroy()));
  shared = undefined;
}

/** A key's value once a store that was stalled or down answers again (it finds its way back with a ping), within 5 s. */
export async function readOnceAnswering(store: Store, key: string): Promise<string | null> {
  let value: string | null = null;
  for (let attempt = 0; attempt < 250 && value === null; attempt += 1) {
    value = await store.get(key).catch(() => null);
    if (value === null) await new Promise((resolve) => setTimeout(resolve, 20)); // waiting for the store's ping
  }
  return value;
}
