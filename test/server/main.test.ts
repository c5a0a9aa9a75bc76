import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { freePort } from '../support/ports';
import { Browser, formState } from './oauth/flow-helpers';

const run = promisify(execFile);

describe('server/main (the npm start process)', () => {
  it('refuses to start in production with one clear line per missing or unsafe setting', async () => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', PUBLIC_URL: 'http://insecure.example', OAUTH_CLIENT_SECRET: 'secret' };
    let failure: { code?: number; stderr?: string } | undefined;
    try {
      await run(process.execPath, ['--require', 'tsx/cjs', 'server/main.ts'], { env, timeout: 20_000 });
    } catch (error) {
      failure = error as { code?: number; stderr?: string };
    }
    expect(failure, 'the process should have exited non-zero').to.not.equal(undefined);
    expect(failure?.code).to.equal(78);
    const lines = (failure?.stderr ?? '').split('\n');
    expect(lines[0]).to.equal('Linkwright cannot start:');
    for (const expected of ['PUBLIC_URL must be https', 'REDIS_URL is required', 'OAUTH_CLIENT_ID is required', 'OAUTH_CLIENT_SECRET is a default or too short', 'SIGNING_KEYS or SIGNING_KEY_FILES is required']) {
      expect(lines.some((line) => line.startsWith(`  - ${expected}`)), `missing line: ${expected}`).to.equal(true);
    }
  });

  it('starts on defaults, prints what to paste into the Alexa console, serves, and drains on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'server/main.ts'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), HOST: '127.0.0.1', ALEXA_VENDOR_ID: 'M2TESTVENDOR1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start line in: ${output}`)), 20_000);
        child.stdout.on('data', () => {
          if (output.includes('"event":"service.started"')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      expect(output).to.include(`Authorization URI:        http://localhost:${port}/oauth/authorize`);
      expect(output).to.include(`Access Token URI:         http://localhost:${port}/oauth/token`);
      expect(output).to.include('https://pitangui.amazon.com/api/skill/link/M2TESTVENDOR1');
      expect(output).to.match(/username: rider@example\.com/);
      expect(output).to.match(/password: \S{8,} {3}\(generated for this run; set DEMO_PASSWORD\)/);
      expect(output).to.include(`Linkwright is listening on 127.0.0.1:${port} (from this machine: http://127.0.0.1:${port})`);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).to.equal(200);
      child.kill('SIGTERM');
      expect(await exited).to.equal(0);
      expect(output).to.include('"event":"service.stopping"');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('answers /healthz only once it can serve: the demo account works on the first answer; a configured password is never printed', async () => {
    const port = await freePort();
    const password = 'a configured demo password';
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'server/main.ts'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), HOST: '127.0.0.1', DEMO_PASSWORD: password, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      // Poll as fast as the port allows: the first request that is answered at all must find the account.
      const deadline = Date.now() + 20_000;
      let health: Response | undefined;
      while (!health && Date.now() < deadline) {
        health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
        if (!health) await new Promise((resolve) => setImmediate(resolve));
      }
      expect(health?.status).to.equal(200);
      const browser = new Browser(`http://127.0.0.1:${port}`);
      const query = new URLSearchParams({ response_type: 'code', client_id: 'alexa-skill', redirect_uri: `http://localhost:${port}/oauth/dev/callback`, state: 's', scope: 'profile' });
      const page = await (await browser.get(`/oauth/authorize?${query.toString()}`)).text();
      const signedIn = await browser.postForm('/oauth/login', { ...formState(page), username: 'rider@example.com', password });
      expect(signedIn.status, await signedIn.clone().text()).to.equal(303);
      child.kill('SIGTERM');
      expect(await exited).to.equal(0);
      expect(output).to.include('  password: (DEMO_PASSWORD, not shown)');
      expect(output).to.not.include(password);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('at a terminal in development writes readable log lines (pino-pretty), not JSON', async function () {
    // script(1) gives the process a real terminal as its stdout.
    if (!existsSync('/usr/bin/script')) this.skip();
    const child = spawn('/usr/bin/script', ['-qec', `exec ${process.execPath} --require tsx/cjs server/main.ts`, '/dev/null'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', HOST: '127.0.0.1' },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    let output = '';
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start line in: ${output}`)), 20_000);
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('service started')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      const line = output.split(/\r?\n/).find((text) => text.includes('service started')) ?? '';
      expect(line).to.match(/^\[\d\d:\d\d:\d\d\.\d{3}\] .*INFO.*service started/);
      expect(output).to.not.match(/^\{"level"/m);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
