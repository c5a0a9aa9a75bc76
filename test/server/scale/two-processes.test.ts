import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { answerConsent, authorizeQuery, Browser, openAuthorize, signIn } from '../oauth/flow-helpers';
import { freePort } from '../../support/ports';
import { testRedisUrl } from '../../support/redis-server';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_VENDOR_ID } from '../../support/settings';

const USERNAME = 'shared@example.com';
const PASSWORD = 'two processes, one store';

interface ServiceProcess {
  url: string;
  child: ChildProcess;
}

/** Starts `server/main.ts` as its own OS process with the given environment; resolves once it serves. */
async function startProcess(env: Record<string, string>): Promise<ServiceProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'server/main.ts'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: 'http://linkwright.lb.test', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`process did not start:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('"event":"service.started"')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`process exited with ${code}:\n${output}`)));
  });
  return { url, child };
}

function token(url: string, fields: Record<string, string>): Promise<Response> {
  return fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${TEST_CLIENT_ID}:${TEST_CLIENT_SECRET}`).toString('base64')}` },
    body: new URLSearchParams(fields).toString(),
  });
}

describe('two service processes sharing one Redis store', () => {
  const processes: ServiceProcess[] = [];
  let first: ServiceProcess;
  let second: ServiceProcess;

  before(async () => {
    const signingKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    // The issuer is the shared public URL (a load balancer in production), so both processes mint and
    // accept the same tokens; each listens on its own loopback port.
    const env = {
      REDIS_URL: await testRedisUrl(),
      REDIS_KEY_PREFIX: `two-processes:${randomUUID()}:`,
      SIGNING_KEYS: signingKey,
      OAUTH_CLIENT_ID: TEST_CLIENT_ID,
      OAUTH_CLIENT_SECRET: TEST_CLIENT_SECRET,
      ALEXA_VENDOR_ID: TEST_VENDOR_ID,
      DEMO_USERNAME: USERNAME,
      DEMO_PASSWORD: PASSWORD,
    };
    processes.push(...(await Promise.all([startProcess(env), startProcess(env)])));
    [first, second] = processes as [ServiceProcess, ServiceProcess];
  });

  after(() => {
    for (const { child } of processes) child.kill('SIGTERM');
  });

  it('redeems at one process a code issued by the other; a replay at the first revokes the grant everywhere', async () => {
    const browser = new Browser(first.url);
    const login = await openAuthorize(browser, authorizeQuery());
    const consent = await signIn(browser, login, USERNAME, PASSWORD);
    const redirect = await answerConsent(browser, consent, 'allow');
    const code = redirect.searchParams.get('code') as string;
    expect(code).to.be.a('string');

    const exchanged = await token(second.url, { grant_type: 'authorization_code', code, redirect_uri: redirect.origin + redirect.pathname });
    expect(exchanged.status).to.equal(200);
    const tokens = (await exchanged.json()) as { refresh_token: string; access_token: string };

    const replay = await token(first.url, { grant_type: 'authorization_code', code, redirect_uri: redirect.origin + redirect.pathname });
    expect(replay.status).to.equal(400);
    expect(((await replay.json()) as { error: string }).error).to.equal('invalid_grant');

    const tokensAfterReplay = await token(first.url, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect(tokensAfterReplay.status, 'the replay revoked the grant at every process').to.equal(400);
  });

  it('rotates a refresh token at one process and sees the rotation at the other', async () => {
    const browser = new Browser(second.url);
    const login = await openAuthorize(browser, authorizeQuery());
    const consent = await signIn(browser, login, USERNAME, PASSWORD);
    const redirect = await answerConsent(browser, consent, 'allow');
    const exchanged = await token(first.url, { grant_type: 'authorization_code', code: redirect.searchParams.get('code') as string, redirect_uri: redirect.origin + redirect.pathname });
    const { refresh_token: original } = (await exchanged.json()) as { refresh_token: string };

    const rotated = await token(second.url, { grant_type: 'refresh_token', refresh_token: original });
    expect(rotated.status).to.equal(200);
    const { refresh_token: newest } = (await rotated.json()) as { refresh_token: string };
    const next = await token(first.url, { grant_type: 'refresh_token', refresh_token: newest });
    expect(next.status).to.equal(200);
  });
});
