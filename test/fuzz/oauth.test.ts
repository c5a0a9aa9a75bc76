import { expect } from 'chai';
import { startTestService, type TestService } from '../support/service';
import { TEST_CLIENT_ID } from '../support/settings';
import { ALEXA_REDIRECTS, authorizeQuery, basicAuth, Browser, createRider, obtainCode, openAuthorize, redeem, signIn } from '../server/oauth/flow-helpers';
import { TEST_CLIENT_SECRET } from '../support/settings';
import { type BaseFor, FACE_TIMEOUT_MS, expectNoServerErrors, totals, cookieHeader } from './support';
import { BRAND_ENDPOINTS, brandAssetsEnv, DEV_CALLBACK_ENDPOINTS, OAUTH_ENDPOINTS } from './endpoints';

const LOGIN_WINDOW_MS = 901_000;

function pairs(query: string): Array<[string, string]> {
  return [...new URLSearchParams(query)];
}

describe('fuzz: the authorization server (OAuth endpoints and pages)', function () {
  this.timeout(FACE_TIMEOUT_MS);
  let service: TestService;
  const endpoints = new Map<string, BaseFor>();

  before(async () => {
    service = await startTestService({ env: { INTROSPECTION_CLIENT_ID: 'orders-api', INTROSPECTION_CLIENT_SECRET: 'orders-api-secret-0123456789abcdef' } });
    await createRider(service);
    const basic: [string, string] = ['Authorization', basicAuth(TEST_CLIENT_ID, TEST_CLIENT_SECRET)];

    const browser = new Browser(service.url);
    const login = await openAuthorize(browser, authorizeQuery());
    const loginCookies = cookieHeader(browser);
    const consentBrowser = new Browser(service.url);
    const consent = await signIn(consentBrowser, await openAuthorize(consentBrowser, authorizeQuery()));
    const consentCookies = cookieHeader(consentBrowser);
    const { code, redirectUri } = await obtainCode(service);
    const { code: spare } = await obtainCode(service);
    const tokens = await redeem(service, spare, redirectUri);

    endpoints.set('GET /.well-known/oauth-authorization-server', () => ({ method: 'GET', path: '/.well-known/oauth-authorization-server' }));
    endpoints.set('GET /oauth/jwks', () => ({ method: 'GET', path: '/oauth/jwks' }));
    endpoints.set('GET /assets/linkwright.css', () => ({ method: 'GET', path: '/assets/linkwright.css' }));
    endpoints.set('GET /oauth/authorize', () => ({ method: 'GET', path: '/oauth/authorize', query: pairs(authorizeQuery({ code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })), headers: loginCookies }));
    endpoints.set('POST /oauth/login', () => ({
      method: 'POST',
      path: '/oauth/login',
      headers: loginCookies,
      body: { kind: 'form', fields: [['interaction', login.interaction], ['csrf', login.csrf], ['username', 'rider@example.com'], ['password', 'wrong password']] },
    }));
    endpoints.set('GET /oauth/consent', () => ({ method: 'GET', path: '/oauth/consent', query: [['interaction', consent.interaction]], headers: consentCookies }));
    endpoints.set('POST /oauth/consent', (prng) => ({
      method: 'POST',
      path: '/oauth/consent',
      headers: consentCookies,
      body: { kind: 'form', fields: [['interaction', consent.interaction], ['csrf', consent.csrf], ['decision', prng.pick(['allow', 'deny'])]] },
    }));
    endpoints.set('POST /oauth/token', (prng) => ({
      method: 'POST',
      path: '/oauth/token',
      headers: [basic],
      body: {
        kind: 'form',
        fields: prng.chance(0.5)
          ? [['grant_type', 'authorization_code'], ['code', code], ['redirect_uri', redirectUri]]
          : [['grant_type', 'refresh_token'], ['refresh_token', tokens.refresh_token as string]],
      },
    }));
    endpoints.set('POST /oauth/introspect', (prng) => ({
      method: 'POST',
      path: '/oauth/introspect',
      headers: [prng.chance(0.5) ? basic : ['Authorization', basicAuth('orders-api', 'orders-api-secret-0123456789abcdef')]],
      body: { kind: 'form', fields: [['token', prng.chance(0.5) ? (tokens.refresh_token as string) : (tokens.access_token as string)], ['token_type_hint', prng.pick(['refresh_token', 'access_token'])]] },
    }));
    endpoints.set('GET /oauth/userinfo', () => ({ method: 'GET', path: '/oauth/userinfo', headers: [['Authorization', `Bearer ${tokens.access_token as string}`]] }));
    endpoints.set('POST /oauth/userinfo', () => ({ method: 'POST', path: '/oauth/userinfo', headers: [['Authorization', `Bearer ${tokens.access_token as string}`]] }));
    endpoints.set('POST /oauth/revoke', (prng) => ({
      method: 'POST',
      path: '/oauth/revoke',
      headers: [basic],
      body: { kind: 'form', fields: [['token', prng.chance(0.5) ? (tokens.refresh_token as string) : (tokens.access_token as string)], ['token_type_hint', prng.pick(['refresh_token', 'access_token'])]] },
    }));
  });
  after(async () => {
    console.log(`      oauth: ${totals.sent} fuzz requests so far, ${totals.failures} failures`);
    await service?.close();
  });

  const errorLines = (): Array<Record<string, unknown>> => service.logs.lines.filter((line) => (line.level as number) >= 50);

  for (const name of OAUTH_ENDPOINTS) {
    it(`${name}: no 5xx and no unanswered request`, async () => {
      await expectNoServerErrors(service.url, name, endpoints.get(name) as BaseFor, errorLines);
    });
  }

  it('still links an account end to end afterwards', async () => {
    // The fuzz's wrong passwords hit the sign-in limits; a new window starts clean.
    service.clock.advance(LOGIN_WINDOW_MS);
    expect((await fetch(`${service.url}/healthz`)).status).to.equal(200);
    const { code, redirectUri } = await obtainCode(service, { redirectUri: ALEXA_REDIRECTS[1] });
    const tokens = await redeem(service, code, redirectUri);
    expect(tokens.access_token).to.be.a('string');
  });
});

describe('fuzz: the development callback pages (mounted when no redirect URI is configured)', function () {
  this.timeout(FACE_TIMEOUT_MS);
  let service: TestService;

  before(async () => {
    service = await startTestService({ env: { ALEXA_VENDOR_ID: '' } });
  });
  after(() => service?.close());

  const errorLines = (): Array<Record<string, unknown>> => service.logs.lines.filter((line) => (line.level as number) >= 50);

  const [devStart, devCallback] = DEV_CALLBACK_ENDPOINTS;

  it(`${devStart}: no 5xx and no unanswered request`, async () => {
    expect((await fetch(`${service.url}/oauth/dev/start`, { redirect: 'manual' })).status).to.be.below(400);
    await expectNoServerErrors(service.url, devStart, () => ({ method: 'GET', path: '/oauth/dev/start' }), errorLines);
  });

  it(`${devCallback}: no 5xx and no unanswered request`, async () => {
    const base: BaseFor = (prng) => ({
      method: 'GET',
      path: '/oauth/dev/callback',
      query: prng.chance(0.5) ? [['code', 'x'.repeat(43)], ['state', 'dev-state']] : [['error', 'access_denied'], ['error_description', 'The user said no'], ['state', 'dev-state']],
    });
    await expectNoServerErrors(service.url, devCallback, base, errorLines);
    expect((await fetch(`${service.url}/oauth/dev/callback?code=abc&state=s`)).status).to.equal(200);
  });
});

describe('fuzz: the brand assets (mounted when BRAND_COLOR, BRAND_STYLESHEET_FILE and BRAND_LOGO_FILE are set)', function () {
  this.timeout(FACE_TIMEOUT_MS);
  let service: TestService;
  let brand: ReturnType<typeof brandAssetsEnv>;

  before(async () => {
    brand = brandAssetsEnv();
    service = await startTestService({ env: brand.env });
  });
  after(async () => {
    await service?.close();
    brand?.remove();
  });

  const errorLines = (): Array<Record<string, unknown>> => service.logs.lines.filter((line) => (line.level as number) >= 50);

  for (const name of BRAND_ENDPOINTS) {
    const path = name.slice('GET '.length);
    it(`${name}: no 5xx and no unanswered request`, async () => {
      const etag = (await fetch(`${service.url}${path}`)).headers.get('etag') ?? '"none"';
      // Half of them revalidate, so the 304 branch is fuzzed too.
      await expectNoServerErrors(service.url, name, (prng) => ({ method: 'GET', path, headers: prng.chance(0.5) ? [['If-None-Match', etag]] : [] }), errorLines);
      expect((await fetch(`${service.url}${path}`)).status).to.equal(200);
    });
  }
});
