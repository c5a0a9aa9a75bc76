import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { TestService } from '../support/service';
import { TEST_CLIENT_ID } from '../support/settings';
import { Browser, hiddenField, inlineError, PASSWORD } from '../server/oauth/flow-helpers';
import { ALEXA_REDIRECTS, startAppLinksService } from './support';

const SECRET = 'company-api-secret-for-app-links-0123456789';

/** The company's verify endpoint on loopback: checks each request's signature, knows one employee. */
class CompanyEndpoint {
  mode: 'answer' | 'down' = 'answer';
  readonly seen: Array<{ username: unknown; signed: boolean }> = [];
  url = '';
  private server!: Server;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const expected = Buffer.from(`v1=${createHmac('sha256', SECRET).update(`${String(req.headers['linkwright-timestamp'])}.${raw}`).digest('hex')}`);
        const given = Buffer.from(String(req.headers['linkwright-signature'] ?? ''));
        const signed = given.length === expected.length && timingSafeEqual(given, expected);
        const body = JSON.parse(raw) as { username?: unknown; password?: unknown };
        this.seen.push({ username: body.username, signed });
        if (this.mode === 'down') return void res.writeHead(500).end();
        if (signed && body.username === 'pat@company.example' && body.password === 'company password') {
          return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ user_id: 'emp-7', display_name: 'Pat Employee', email: 'pat@company.example' }));
        }
        res.writeHead(401).end();
      });
    });
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/verify`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((done) => this.server.close(done));
  }
}

function query(extra: Record<string, string> = {}): string {
  return new URLSearchParams({ response_type: 'code', client_id: TEST_CLIENT_ID, redirect_uri: ALEXA_REDIRECTS[0], scope: 'profile', state: 'AlexaAppState', ...extra }).toString();
}

/** Opens the fallback page and posts its form with these credentials. */
async function tryFallback(service: TestService, username: string, password: string): Promise<{ status: number; page: string; location: string | null }> {
  const browser = new Browser(service.url);
  const opened = await browser.get(`/app-links/authorize?${query()}`);
  const form = await opened.text();
  expect(opened.status, form.slice(0, 400)).to.equal(200);
  const fields: Record<string, string> = { client_id: TEST_CLIENT_ID, redirect_uri: ALEXA_REDIRECTS[0], response_type: 'code', scope: 'profile', state: 'AlexaAppState', csrf: hiddenField(form, 'csrf'), decision: 'allow', username, password };
  const posted = await browser.postForm('/app-links/authorize/consent', fields);
  return { status: posted.status, page: await posted.text(), location: posted.headers.get('location') };
}

describe('the app-to-app fallback sign-in follows LOGIN_SOURCE', function () {
  this.timeout(30_000);

  describe('LOGIN_SOURCE=api: the company API checks the password', () => {
    const company = new CompanyEndpoint();
    let service: TestService;
    before(async () => {
      await company.start();
      service = await startAppLinksService({ env: { LOGIN_SOURCE: 'api', LOGIN_VERIFY_URL: company.url, LOGIN_VERIFY_SECRET: SECRET } });
      // A local account with the same name and password must not be what signs in: the API decides.
      await service.services.accounts.create({ username: 'local@example.com', password: PASSWORD, displayName: 'Local Only' });
    });
    after(async () => {
      await service?.close();
      await company.close();
    });

    it('accepts what the company accepts: the user is mirrored by user_id and Alexa gets a code it can redeem', async () => {
      const attempt = await tryFallback(service, 'pat@company.example', 'company password');
      expect(attempt.status, attempt.page.slice(0, 400)).to.equal(303);
      const landed = new URL(attempt.location as string);
      expect(`${landed.origin}${landed.pathname}`).to.equal(ALEXA_REDIRECTS[0]);
      expect(landed.searchParams.get('source')).to.equal('app');
      const account = await service.services.accounts.findExternal('api', 'emp-7');
      expect(account?.displayName).to.equal('Pat Employee');
      const tokens = await service.services.grants.exchangeCode(landed.searchParams.get('code') as string, { clientId: TEST_CLIENT_ID, redirectUri: ALEXA_REDIRECTS[0], codeVerifier: undefined });
      expect(service.services.accessTokens.verify(tokens.access_token).sub).to.equal(account?.id);
      expect(company.seen.at(-1)).to.deep.equal({ username: 'pat@company.example', signed: true });
    });

    it('refuses what the company refuses, a local password included, with the inline error', async () => {
      const wrong = await tryFallback(service, 'pat@company.example', 'not it');
      expect(wrong.status).to.equal(401);
      expect(inlineError(wrong.page)).to.equal('The username or password is incorrect.');
      const local = await tryFallback(service, 'local@example.com', PASSWORD);
      expect(local.status, 'the local directory is not asked').to.equal(401);
      expect(company.seen.at(-1)?.username).to.equal('local@example.com');
    });

    it('says the password could not be checked (503, nothing issued) when the company API fails', async () => {
      company.mode = 'down';
      try {
        const attempt = await tryFallback(service, 'pat@company.example', 'company password');
        expect(attempt.status).to.equal(503);
        expect(inlineError(attempt.page)).to.equal('Your password could not be checked just now. Please try again in a moment.');
        expect(attempt.location).to.equal(null);
        expect(service.logs.events('app_links.login_source_unavailable')).to.have.length(1);
      } finally {
        company.mode = 'answer';
      }
    });
  });
  // LOGIN_SOURCE=oidc (the provider's round trip): test/app-links/upstream-sign-in.test.ts.
});
