import * as nodeCrypto from 'node:crypto';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { expect } from 'chai';
import { loadSettings } from '../../../server/config/settings';
import { signVerifyRequest } from '../../../server/oauth/sign-in/company-api';
import { startTestService, type TestService } from '../../support/service';
import { answerConsent, authorizeQuery, Browser, formState, headings, inlineError, openAuthorize, PASSWORD, redeem, USERNAME } from './flow-helpers';

const SECRET = 'company-api-test-secret-0123456789abcdef';
const README = resolve(__dirname, '..', '..', '..', 'README.md');

/** The reference implementation from the README, exactly as printed there. */
function readmeReference(): string {
  const readme = readFileSync(README, 'utf8');
  const start = readme.indexOf('<!-- company-api-reference -->');
  expect(start, 'README marker <!-- company-api-reference -->').to.be.greaterThan(-1);
  const open = readme.indexOf('```js\n', start);
  const close = readme.indexOf('\n```', open + 6);
  return readme.slice(open + 6, close);
}

/**
 * Runs the README block in this process as the company's server: its `require('node:http')` gets a
 * createServer that hands the server back, and PORT=0 picks a free port.
 */
async function startReadmeServer(secret: string): Promise<{ url: string; server: Server }> {
  let created: Server | undefined;
  const http = { createServer: (...args: Parameters<typeof createServer>) => (created = createServer(...args)) };
  const fakeRequire = (name: string): unknown => (name === 'node:http' ? http : name === 'node:crypto' ? nodeCrypto : undefined);
  // The snippet is code from our own README, run as the company would run it.
  new Function('require', 'process', readmeReference())(fakeRequire, { env: { LOGIN_VERIFY_SECRET: secret, PORT: '0' } });
  const server = created as Server;
  if (!server.listening) await new Promise((done) => server.once('listening', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

type Mode = 'accept' | 'refuse401' | 'refuse403' | 'refuseJson' | 'stall' | 'garbage' | 'status500' | 'huge' | 'noUserId' | 'redirect' | 'renamed';

interface Received {
  signatureValid: boolean;
  timestamp: string;
  body: Record<string, unknown>;
}

/** The company's endpoint as a test drives it: checks every signature, answers as `mode` says. */
class CompanyEndpoint {
  mode: Mode = 'accept';
  readonly received: Received[] = [];
  private server!: Server;
  private readonly stalled: ServerResponse[] = [];
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/verify`;
  }

  async close(): Promise<void> {
    for (const res of this.stalled) res.destroy();
    this.server.closeAllConnections();
    await new Promise((done) => this.server.close(done));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const timestamp = String(req.headers['linkwright-timestamp'] ?? '');
      const expected = Buffer.from(`v1=${createHmac('sha256', SECRET).update(`${timestamp}.${raw}`).digest('hex')}`);
      const given = Buffer.from(String(req.headers['linkwright-signature'] ?? ''));
      const signatureValid = given.length === expected.length && timingSafeEqual(given, expected);
      this.received.push({ signatureValid, timestamp, body: JSON.parse(raw) as Record<string, unknown> });
      const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      switch (this.mode) {
        case 'accept':
          return void json(200, { user_id: 'emp-7', display_name: 'Pat Employee', email: 'pat@company.example' });
        case 'renamed':
          return void json(200, { user_id: 'emp-7', display_name: 'Pat Renamed', email: 'pat.r@company.example' });
        case 'refuse401':
          return void res.writeHead(401).end();
        case 'refuse403':
          return void res.writeHead(403).end('nope');
        case 'refuseJson':
          return void json(200, { error: 'invalid_credentials' });
        case 'stall':
          this.stalled.push(res);
          return;
        case 'garbage':
          return void res.writeHead(200, { 'content-type': 'application/json' }).end('<html>not json');
        case 'status500':
          return void json(500, { user_id: 'emp-7', display_name: 'Pat' });
        case 'huge':
          return void json(200, { user_id: 'emp-7', display_name: 'Pat', padding: 'x'.repeat(40_000) });
        case 'noUserId':
          return void json(200, { display_name: 'Pat' });
        case 'redirect':
          return void res.writeHead(307, { location: 'http://127.0.0.1:1/steal' }).end();
      }
    });
  }
}

async function tryPassword(service: TestService, username: string, password: string): Promise<{ status: number; page: string; browser: Browser; location: string | null }> {
  const browser = new Browser(service.url);
  const form = await openAuthorize(browser, authorizeQuery());
  const response = await browser.postForm('/oauth/login', { ...form, username, password });
  return { status: response.status, page: await response.text(), browser, location: response.headers.get('location') };
}

describe('sign-in through the company API (LOGIN_SOURCE=api)', function () {
  this.timeout(30_000);

  describe('against the README reference implementation', () => {
    let company: { url: string; server: Server };
    let service: TestService;
    before(async () => {
      company = await startReadmeServer(SECRET);
      service = await startTestService({ env: { LOGIN_SOURCE: 'api', LOGIN_VERIFY_URL: company.url, LOGIN_VERIFY_SECRET: SECRET } });
    });
    after(async () => {
      await service?.close();
      company?.server.close();
    });

    it('signs the user in, mirrors them by user_id, and Alexa gets tokens', async () => {
      const attempt = await tryPassword(service, USERNAME, PASSWORD);
      expect(attempt.status, attempt.page).to.equal(303);
      const consent = await attempt.browser.get(attempt.location as string);
      const page = await consent.text();
      expect(headings(page)).to.deep.equal(['Allow Alexa to use your account?']);
      const location = await answerConsent(attempt.browser, formState(page), 'allow');
      const tokens = await redeem(service, location.searchParams.get('code') as string, `${location.origin}${location.pathname}`);
      const account = await service.services.accounts.findExternal('api', 'u-1001');
      expect(account).to.include({ displayName: 'Rider', username: 'api:u-1001' });
      expect(service.services.accessTokens.verify(tokens.access_token as string).sub).to.equal(account?.id);
      expect(service.logs.raw.join('\n')).to.not.include(PASSWORD);
    });

    it('shows a refusal as a wrong password', async () => {
      const attempt = await tryPassword(service, USERNAME, 'not the password');
      expect(attempt.status).to.equal(400);
      expect(inlineError(attempt.page)).to.equal('The username or password is incorrect.');
      expect(service.logs.events('login.failed').at(-1)).to.include({ source: 'api', reason: 'the company API refused the username or password' });
    });

    it('the reference implementation refuses forged, re-signed and stale requests', async () => {
      const body = JSON.stringify({ username: USERNAME, password: PASSWORD, request_id: 'x' });
      const now = String(Math.floor(Date.now() / 1000));
      const post = (headers: Record<string, string>) => fetch(company.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      expect((await post({ 'linkwright-timestamp': now, 'linkwright-signature': signVerifyRequest(SECRET, now, body) })).status).to.equal(200);
      expect((await post({ 'linkwright-timestamp': now, 'linkwright-signature': signVerifyRequest('another secret of enough length 123', now, body) })).status).to.equal(400);
      expect((await post({ 'linkwright-timestamp': now })).status).to.equal(400);
      const stale = String(Number(now) - 301);
      expect((await post({ 'linkwright-timestamp': stale, 'linkwright-signature': signVerifyRequest(SECRET, stale, body) })).status).to.equal(400);
    });
  });

  describe('against a company endpoint that misbehaves', () => {
    const company = new CompanyEndpoint();
    let service: TestService;
    before(async () => {
      await company.start();
      service = await startTestService({ env: { LOGIN_SOURCE: 'api', LOGIN_VERIFY_URL: company.url, LOGIN_VERIFY_SECRET: SECRET, LOGIN_VERIFY_TIMEOUT_MS: '300' } });
    });
    after(async () => {
      await service?.close();
      await company.close();
    });
    beforeEach(() => {
      company.mode = 'accept';
    });

    it('sends one signed request with the username, password and a request id', async () => {
      const before = company.received.length;
      const attempt = await tryPassword(service, '  Pat@Company.example ', 'pat password 1');
      expect(attempt.status, attempt.page).to.equal(303);
      expect(company.received.length - before).to.equal(1);
      const sent = company.received.at(-1) as Received;
      expect(sent.signatureValid).to.equal(true);
      expect(Math.abs(Number(sent.timestamp) - Date.now() / 1000)).to.be.lessThan(5);
      expect(sent.body).to.have.keys(['username', 'password', 'request_id']);
      expect(sent.body).to.include({ username: 'Pat@Company.example', password: 'pat password 1' });
      expect(await service.services.accounts.findExternal('api', 'emp-7')).to.include({ username: 'api:emp-7' });
    });

    it('refreshes the mirrored name and e-mail at each sign-in', async () => {
      await tryPassword(service, 'pat@company.example', 'pat password 1');
      company.mode = 'renamed';
      expect((await tryPassword(service, 'pat@company.example', 'pat password 1')).status).to.equal(303);
      const account = await service.services.accounts.findExternal('api', 'emp-7');
      expect(account?.displayName).to.equal('Pat Renamed');
      expect(account?.external).to.deep.equal({ provider: 'api', subject: 'emp-7', email: 'pat.r@company.example' });
    });

    for (const mode of ['refuse401', 'refuse403', 'refuseJson'] as const) {
      it(`treats ${mode} as a wrong password`, async () => {
        company.mode = mode;
        const attempt = await tryPassword(service, `${mode}@company.example`, 'wrong one 1');
        expect(attempt.status).to.equal(400);
        expect(inlineError(attempt.page)).to.equal('The username or password is incorrect.');
      });
    }

    const unavailable: Array<[Mode, RegExp]> = [
      ['stall', /^no answer within 300 ms$/],
      ['garbage', /^answered 200 with a body that is not JSON$/],
      ['status500', /^answered HTTP 500$/],
      ['huge', /^answer longer than 16384 bytes$/],
      ['noUserId', /^answered 200 without a usable user_id/],
      ['redirect', /^unreachable \(/],
    ];
    for (const [mode, reason] of unavailable) {
      it(`asks the user to try again when the endpoint ${mode === 'stall' ? 'stalls past the timeout' : `answers ${mode}`}, and logs why`, async () => {
        company.mode = mode;
        const started = Date.now();
        const attempt = await tryPassword(service, `${mode}@company.example`, 'pat password 1');
        expect(attempt.status).to.equal(503);
        expect(inlineError(attempt.page)).to.equal('Your password could not be checked just now. Please try again in a moment.');
        const line = service.logs.events('login.source_unavailable').at(-1) as Record<string, unknown>;
        expect(line.source).to.equal('api');
        expect(line.reason).to.match(reason);
        if (mode === 'stall') expect(Date.now() - started).to.be.lessThan(3000);
      });
    }

    it('never logs the password, whatever the endpoint answered', () => {
      expect(service.logs.raw.join('\n')).to.not.include('pat password 1');
    });

    it('applies the sign-in limits before asking the endpoint', async () => {
      company.mode = 'refuse401';
      const name = 'limited@company.example';
      for (let i = 0; i < 5; i += 1) expect((await tryPassword(service, name, `guess ${i} guess`)).status).to.equal(400);
      const calls = company.received.length;
      const limited = await tryPassword(service, name, 'guess 6 guess');
      expect(limited.status).to.equal(429);
      expect(company.received.length).to.equal(calls);
    });
  });

  it('refuses to start without its settings, one line per problem', () => {
    expect(() => loadSettings({ LOGIN_SOURCE: 'api', LOGIN_VERIFY_SECRET: 'short' })).to.throw().that.satisfies((error: { problems: string[] }) => {
      expect(error.problems).to.deep.equal([
        "LOGIN_SOURCE=api needs LOGIN_VERIFY_URL (the company's endpoint that checks a username and password)",
        'LOGIN_VERIFY_SECRET must be at least 32 characters (openssl rand -base64 32), got 5',
      ]);
      return true;
    });
    expect(() => loadSettings({ LOGIN_SOURCE: 'api', LOGIN_VERIFY_URL: 'http://company.example/verify', LOGIN_VERIFY_SECRET: SECRET, NODE_ENV: 'production' }))
      .to.throw()
      .that.satisfies((error: { problems: string[] }) => error.problems.includes('LOGIN_VERIFY_URL must be https in production (it carries passwords), got "http://company.example/verify"'));
    expect(() => loadSettings({ LOGIN_VERIFY_URL: 'https://company.example/verify' }))
      .to.throw()
      .that.satisfies((error: { problems: string[] }) => error.problems.includes('LOGIN_VERIFY_URL is set but LOGIN_SOURCE is local: remove it, or set LOGIN_SOURCE=api'));
  });
});
