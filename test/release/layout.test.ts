import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { freePort } from '../support/ports';
import { RedisServer } from '../support/redis-server';
import { answerConsent, basicAuth, Browser, openAuthorize, signIn } from '../server/oauth/flow-helpers';

const run = promisify(execFile);

// The release as the container image holds it (scripts/release/layout.sh, which the Dockerfile runs),
// started the way the image starts it: `node dist/server/main.js`, production settings, a real Redis,
// a user without rights to the files (nobody, when the tests run as root, as the image runs as `node`).
describe('the release layout (what the container image runs)', function () {
  this.timeout(120_000);

  const CLIENT_ID = 'alexa-skill';
  const CLIENT_SECRET = randomBytes(24).toString('base64url');
  const VENDOR = 'M2RELEASETEST';
  const REDIRECT = `https://pitangui.amazon.com/api/skill/link/${VENDOR}`;
  const USERNAME = 'rider@ridehailer.example';
  const PASSWORD = 'a release test password';
  const IOS_APP = 'ABCDE12345.com.ridehailer.app';

  let root: string;
  let app: string;
  let redis: RedisServer;
  let env: NodeJS.ProcessEnv;
  const asRoot = process.getuid?.() === 0;

  /** Runs a command in the layout as the unprivileged user. */
  const unprivileged = (args: string[]): [string, string[]] =>
    asRoot ? ['/usr/bin/setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, ...args]] : [process.execPath, args];

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'lw-release-'));
    chmodSync(root, 0o755);
    app = join(root, 'app');
    await run('scripts/release/layout.sh', [app], { timeout: 100_000 });
    redis = await RedisServer.start();
    const signingKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    env = {
      PATH: '/usr/local/bin:/usr/bin:/bin',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PUBLIC_URL: 'https://link.ridehailer.example',
      REDIS_URL: redis.url,
      OAUTH_CLIENT_ID: CLIENT_ID,
      OAUTH_CLIENT_SECRET: CLIENT_SECRET,
      ALEXA_VENDOR_ID: VENDOR,
      SIGNING_KEYS: signingKey,
      SKILL_ID: 'amzn1.ask.skill.11111111-2222-3333-4444-555555555555',
      LWA_CLIENT_ID: 'amzn1.application-oa2-client.release',
      LWA_CLIENT_SECRET: randomBytes(24).toString('base64url'),
      APP_LINKS_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      APP_IOS_APP_IDS: IOS_APP,
      BRAND_NAME: 'Ride Hailer',
    };
  });

  after(async () => {
    await redis?.destroy();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('holds dist/, package.json and production dependencies only: no sources, tests or dev dependencies', () => {
    expect(readdirSync(app).sort()).to.deep.equal(['dist', 'node_modules', 'package-lock.json', 'package.json']);
    expect(existsSync(join(app, 'dist/server/main.js'))).to.equal(true);
    expect(existsSync(join(app, 'dist/server/views/styles.css'))).to.equal(true);
    expect(existsSync(join(app, 'dist/skill-package/skill.json'))).to.equal(true);
    const modules = readdirSync(join(app, 'node_modules'));
    expect(modules).to.include.members(['express', 'ioredis', 'pino', 'pino-pretty']);
    for (const dev of ['typescript', 'tsx', 'mocha', 'playwright-core', 'oidc-provider', 'eslint']) expect(modules, dev).to.not.include(dev);
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)]));
    expect(files(join(app, 'dist')).filter((file) => /\.ts$/.test(file) && !file.endsWith('.d.ts'))).to.deep.equal([]);
  });

  it('adds an account with the compiled command, signs the user in through the real pages and completes a link', async () => {
    const [command, args] = unprivileged(['dist/server/accounts/cli.js', 'add', USERNAME, '--name', 'Release Rider', '--password-stdin']);
    await new Promise<void>((resolve, reject) => {
      const child = spawn(command, args, { cwd: app, env, stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`account add exited ${code}: ${stderr}`))));
      child.stdin.end(`${PASSWORD}\n`);
    });

    const service = await startRelease();
    try {
      expect((await fetch(`${service.url}/healthz`)).status).to.equal(200);
      expect((await fetch(`${service.url}/readyz`)).status).to.equal(200);

      const browser = new Browser(service.url);
      const query = new URLSearchParams({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT, state: 'release-state', scope: 'profile' });
      const login = await openAuthorize(browser, query.toString());
      const href = /<link rel="stylesheet" href="([^"]+)">/.exec(login.page)?.[1];
      expect(href, 'the sign-in page links its stylesheet').to.be.a('string');
      const css = await fetch(`${service.url}${href as string}`);
      expect(css.status).to.equal(200);
      expect(css.headers.get('content-type')).to.match(/^text\/css/);
      expect((await css.text()).length).to.be.greaterThan(500);

      const consent = await signIn(browser, login, USERNAME, PASSWORD);
      const back = await answerConsent(browser, consent, 'allow');
      expect(`${back.origin}${back.pathname}`).to.equal(REDIRECT);
      expect(back.searchParams.get('state')).to.equal('release-state');
      const code = back.searchParams.get('code') as string;

      const token = await fetch(`${service.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(CLIENT_ID, CLIENT_SECRET) },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT }).toString(),
      });
      const body = (await token.json()) as Record<string, unknown>;
      expect(token.status, JSON.stringify(body)).to.equal(200);
      expect(body.token_type).to.equal('Bearer');
      expect(body.access_token).to.be.a('string');
      expect(body.refresh_token).to.be.a('string');

      // The association files, made from the settings (the layout has no .well-known/).
      const apple = await fetch(`${service.url}/.well-known/apple-app-site-association`);
      expect(apple.status).to.equal(200);
      expect(JSON.stringify(await apple.json())).to.include(IOS_APP);

      // A proxy in front without TRUST_PROXY: one warning.
      await fetch(`${service.url}/healthz`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
      await fetch(`${service.url}/healthz`, { headers: { 'x-forwarded-for': '203.0.113.8' } });

      expect(await service.stop()).to.equal(0);
      expect(service.output().match(/"event":"proxy\.trust_proxy_unset"/g)).to.have.length(1);
      expect(service.output()).to.include('"event":"service.stopping"');
      expect(service.output()).to.not.include(PASSWORD);
      expect(service.output()).to.not.include(CLIENT_SECRET);
    } finally {
      service.kill();
    }
  });

  it('reports not ready, instead of serving broken pages, when the stylesheet is missing', async () => {
    rmSync(join(app, 'dist/server/views/styles.css'));
    const service = await startRelease();
    try {
      const ready = await fetch(`${service.url}/readyz`);
      expect(ready.status).to.equal(503);
      expect(await ready.json()).to.deep.equal({ status: 'unavailable', reason: 'page assets missing' });
      // Said at start too, before the "started" line, so the operator's first look at the log finds it.
      expect(service.output()).to.include('"event":"service.assets_missing"');
    } finally {
      service.kill();
    }
  });

  it('is what the Dockerfile builds: the layout script, a non-root user, a health check on /readyz, node as PID 1', () => {
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    expect(dockerfile).to.match(/^FROM node:20-slim AS build$/m);
    expect(dockerfile).to.match(/^RUN scripts\/release\/layout\.sh \/app$/m);
    expect(dockerfile).to.match(/^USER node$/m);
    expect(dockerfile).to.match(/^HEALTHCHECK [\s\S]*?\/readyz/m);
    const cmd = /^CMD \["node", "([^"]+)"\]$/m.exec(dockerfile)?.[1];
    expect(cmd).to.equal('dist/server/main.js');
    expect(existsSync(join(app, cmd as string))).to.equal(true);
    const compose = readFileSync('compose.yaml', 'utf8');
    expect(compose).to.include('--appendonly');
    expect(compose).to.include('/readyz');
  });

  interface Release {
    url: string;
    output(): string;
    stop(): Promise<number | null>;
    kill(): void;
  }

  async function startRelease(): Promise<Release> {
    const port = await freePort();
    const [command, args] = unprivileged(['dist/server/main.js']);
    const child: ChildProcess = spawn(command, args, { cwd: app, env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // 'close', not 'exit': by then every line the process wrote has been read.
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the release did not start:\n${output}`)), 20_000);
      const check = () => {
        if (output.includes('"event":"service.started"')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', check);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`the release exited with ${code}:\n${output}`));
      });
    });
    return {
      url: `http://127.0.0.1:${port}`,
      output: () => output,
      stop: async () => {
        child.kill('SIGTERM');
        return exited;
      },
      kill: () => {
        if (child.exitCode === null) child.kill('SIGKILL');
      },
    };
  }
});
