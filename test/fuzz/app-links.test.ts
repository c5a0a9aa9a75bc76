import { expect } from 'chai';
import nock from 'nock';
import { startAppLinksService, signedInUser, LWA } from '../app-links/support';
import { Browser, authorizeQuery, createRider, hiddenField } from '../server/oauth/flow-helpers';
import type { TestService } from '../support/service';
import { type BaseFor, FACE_TIMEOUT_MS, expectNoServerErrors, totals, cookieHeader } from './support';
import { APP_LINKS_ENDPOINTS } from './endpoints';

const AUTHORIZE_FIELDS = (): Array<[string, string]> => [...new URLSearchParams(authorizeQuery({ code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' }))];

describe('fuzz: app-to-app linking (association files, JSON API, fallback pages)', function () {
  this.timeout(FACE_TIMEOUT_MS);
  let service: TestService;
  const endpoints = new Map<string, BaseFor>();

  before(async () => {
    // Amazon is never reached: a code that gets that far is refused as LWA refuses an unknown one.
    nock.disableNetConnect();
    nock.enableNetConnect((host) => host.startsWith('127.0.0.1') || host.startsWith('localhost'));
    nock(LWA).persist().post('/auth/o2/token').reply(400, { error: 'invalid_grant', error_description: 'The request has an invalid grant parameter : code' });
    service = await startAppLinksService();
    await createRider(service);
    const { token } = await signedInUser(service);
    const bearer: [string, string] = ['Authorization', `Bearer ${token}`];
    const start = async (): Promise<{ state: string }> => (await (await fetch(`${service.url}/app-links/start`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).json()) as { state: string };
    // One attempt for the API and one for the pages: finishing one spends its state.
    const started = await start();
    const startedForPages = await start();

    const returnBrowser = new Browser(service.url);
    const returnPage = await (await returnBrowser.get(`/app-links/return?code=ANTESTCODE&state=${encodeURIComponent(startedForPages.state)}`)).text();
    const returnCsrf = hiddenField(returnPage, 'csrf');
    const authorizeBrowser = new Browser(service.url);
    const authorizePage = await (await authorizeBrowser.get(`/app-links/authorize?${authorizeQuery()}`)).text();
    const authorizeCsrf = hiddenField(authorizePage, 'csrf');

    endpoints.set('GET /.well-known/apple-app-site-association', () => ({ method: 'GET', path: '/.well-known/apple-app-site-association' }));
    endpoints.set('GET /.well-known/assetlinks.json', () => ({ method: 'GET', path: '/.well-known/assetlinks.json' }));
    endpoints.set('GET /app-links/openapi.json', () => ({ method: 'GET', path: '/app-links/openapi.json' }));
    endpoints.set('POST /app-links/start', () => ({ method: 'POST', path: '/app-links/start', headers: [bearer] }));
    endpoints.set('POST /app-links/complete', (prng) => ({ method: 'POST', path: '/app-links/complete', headers: [bearer], body: { kind: 'json', value: { code: 'ANTESTCODE', state: prng.chance(0.3) ? started.state : 'x'.repeat(40), ...(prng.chance(0.3) ? { providerCode: 'pc', providerRedirectUri: 'https://example.com/cb' } : {}) } } }));
    endpoints.set('GET /app-links/status', () => ({ method: 'GET', path: '/app-links/status', headers: [bearer] }));
    endpoints.set('DELETE /app-links/link', () => ({ method: 'DELETE', path: '/app-links/link', headers: [bearer] }));
    endpoints.set('POST /app-links/authorize', (prng) => ({ method: 'POST', path: '/app-links/authorize', headers: [bearer], body: { kind: 'json', value: { ...Object.fromEntries(AUTHORIZE_FIELDS()), decision: prng.pick(['allow', 'deny']) } } }));
    endpoints.set('GET /app-links/return', () => ({ method: 'GET', path: '/app-links/return', query: [['code', 'ANTESTCODE'], ['state', startedForPages.state]], headers: cookieHeader(returnBrowser) }));
    endpoints.set('POST /app-links/return', () => ({ method: 'POST', path: '/app-links/return', headers: cookieHeader(returnBrowser), body: { kind: 'form', fields: [['code', 'ANTESTCODE'], ['state', startedForPages.state], ['csrf', returnCsrf]] } }));
    endpoints.set('GET /app-links/authorize', () => ({ method: 'GET', path: '/app-links/authorize', query: AUTHORIZE_FIELDS(), headers: cookieHeader(authorizeBrowser) }));
    endpoints.set('POST /app-links/authorize/consent', (prng) => ({
      method: 'POST',
      path: '/app-links/authorize/consent',
      headers: cookieHeader(authorizeBrowser),
      body: { kind: 'form', fields: [...AUTHORIZE_FIELDS(), ['csrf', authorizeCsrf], ['username', 'rider@example.com'], ['password', 'wrong password'], ['decision', prng.pick(['allow', 'deny', 'maybe'])]] },
    }));
  });
  after(async () => {
    console.log(`      app-links: ${totals.sent} fuzz requests so far, ${totals.failures} failures`);
    nock.cleanAll();
    nock.enableNetConnect();
    await service?.close();
  });

  const errorLines = (): Array<Record<string, unknown>> => service.logs.lines.filter((line) => (line.level as number) >= 50);

  for (const name of APP_LINKS_ENDPOINTS) {
    it(`${name}: no 5xx and no unanswered request`, async () => {
      await expectNoServerErrors(service.url, name, endpoints.get(name) as BaseFor, errorLines);
    });
  }

  it('still starts a link and answers its status afterwards', async () => {
    const { token } = await signedInUser(service);
    const start = await fetch(`${service.url}/app-links/start`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(start.status).to.equal(200);
    const status = await fetch(`${service.url}/app-links/status`, { headers: { authorization: `Bearer ${token}` } });
    expect(status.status).to.equal(200);
    expect(await status.json()).to.include({ linked: false });
  });
});
