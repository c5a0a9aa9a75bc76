import { closeSync, openSync } from 'node:fs';
import { type ChildProcess, spawn } from 'node:child_process';
import { pinnedCommand } from './cpu';
import type { FromServer, ToServer } from './ipc';

/** How to start one server under test. */
export interface ServerSpec {
  /** Short name for messages ("ours", "oidc-provider"). */
  name: string;
  /** The compiled JavaScript entry to run with node. */
  entry: string;
  /** The whole environment of the child: nothing leaks in from the bench's own (e.g. tsx's loader). */
  env: Record<string, string>;
  /** Extra node flags (e.g. --cpu-prof). */
  nodeFlags?: string[];
  core: number;
  /** 'ipc': the child sends {type:'ready'}; otherwise a URL polled until it answers 200. */
  ready: 'ipc' | { url: string };
  /** Startup budget; the child is killed if it is not ready by then. */
  startTimeoutMs?: number;
}

/** The slice of environment every child needs to run node at all. */
export function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** Every child still running, so an interrupted bench (Ctrl-C) can stop them all. */
const live = new Set<ServerProcess>();

/** Stops every server the bench started that is still running. */
export async function stopAllServers(): Promise<void> {
  await Promise.all([...live].map((server) => server.stop()));
}

/** A server under test, running as a pinned child process that the bench owns and stops. */
export class ServerProcess {
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private nextId = 1;
  private stderrTail = '';
  private exited: Promise<number | null>;

  private constructor(
    readonly spec: ServerSpec,
    private readonly child: ChildProcess,
  ) {
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-4000);
    });
    child.on('message', (message: FromServer) => this.onMessage(message));
    live.add(this);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    void this.exited.then((code) => {
      live.delete(this);
      for (const { reject } of this.pending.values()) reject(new Error(`${spec.name} exited (code ${code}) during a call; stderr: ${this.stderrTail}`));
      this.pending.clear();
    });
  }

  /** Starts the child pinned to its core and resolves once it serves requests. */
  static async start(spec: ServerSpec): Promise<ServerProcess> {
    const { command, args } = pinnedCommand(spec.core, [process.execPath, ...(spec.nodeFlags ?? []), spec.entry]);
    // BENCH_SERVER_STDOUT=FILE keeps the servers' stdout (their log lines, with LOG_LEVEL=info) for a look afterwards.
    const stdout = process.env.BENCH_SERVER_STDOUT ? openSync(process.env.BENCH_SERVER_STDOUT, 'a') : 'ignore';
    const child = spawn(command, args, { env: spec.env, stdio: ['ignore', stdout, 'pipe', 'ipc'] });
    // The child has its own copy of the descriptor now.
    if (typeof stdout === 'number') closeSync(stdout);
    const server = new ServerProcess(spec, child);
    const timeoutMs = spec.startTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${spec.name} was not ready within ${timeoutMs} ms; stderr: ${server.stderrTail}`)), timeoutMs);
    });
    const died = server.exited.then((code) => {
      throw new Error(`${spec.name} exited with code ${code} before it was ready; stderr: ${server.stderrTail}`);
    });
    try {
      await Promise.race([spec.ready === 'ipc' ? server.readyMessage() : pollUntilOk(spec.ready.url, Date.now() + timeoutMs), timedOut, died]);
    } catch (error) {
      await server.stop();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return server;
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.spec.name} has no pid`);
    return this.child.pid;
  }

  /** Calls a method the child exposes over IPC (pool minting). */
  call<T>(method: string, ...args: unknown[]): Promise<T> {
    const id = this.nextId++;
    const message: ToServer = { type: 'call', id, method, args };
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send(message, (error) => {
        if (error) {
          this.pending.delete(id);
          reject(error);
        }
      });
    });
  }

  /** The child's recent stderr, for error reports. */
  get stderr(): string {
    return this.stderrTail;
  }

  /**
   * Stops the child with SIGTERM (so `--cpu-prof` writes its profile and connections drain), and
   * with SIGKILL if it has not gone within 15 s.
   */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    this.child.kill('SIGTERM');
    await this.exited;
    clearTimeout(killer);
  }

  private readyMessage(): Promise<void> {
    return new Promise((resolve) => {
      const onMessage = (message: FromServer) => {
        if (message.type === 'ready') {
          this.child.off('message', onMessage);
          resolve();
        }
      };
      this.child.on('message', onMessage);
    });
  }

  private onMessage(message: FromServer): void {
    if (message.type === 'ready') return;
    const waiter = this.pending.get(message.id);
    if (!waiter) return;
    this.pending.delete(message.id);
    if (message.type === 'result') waiter.resolve(message.value);
    else waiter.reject(new Error(`${this.spec.name}: ${message.message}`));
  }
}

async function pollUntilOk(url: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${url} did not answer 200 in time`);
}
