import { expect } from 'chai';
import { TEST_CLIENT_ID } from '../support/settings';
import { startOidcProvider, type TestOidcProvider, upstreamLoginEnv } from '../support/oidc-provider';
import { freePort } from '../support/ports';
import type { TestService } from '../support/service';
import { ALEXA_REDIRECTS, startAppLinksService } from '../app-links/support';
import { Browser, authorizeQuery } from '../server/oauth/flow-helpers';
import { type BaseFor, FACE_TIMEOUT_MS, expectNoServerErrors, cookieHeader } from './support';
import { UPSTREAM_ENDPOINTS } from './endpoints';

/**
 * The endpoints of an upstream sign-in (LOGIN_SOURCE=oidc, a real node-oidc-provider on loopback): the
 * callback the provider sends browsers back to, and the app-to-app fallback page's start of the round
 * trip. Both carry a sealed cookie and a state, so the fuzzed requests start from real ones.
 */
describe('fuzz: upstream sign-in (LOGIN_SOURCE=oidc)', function () {
  this.timeout(FACE_TIMEOUT_MS);
  let provider: TestOidcProvider;
  let service: TestService;
  const endpoints = new Map<string, BaseFor>();

  before(async () => {
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    provider = await startOidcProvider({ redirectUri: `${publicUrl}/oauth/upstream/callback` });
    service = await startAppLinksService({
      env: {
        PORT: String(port),
        PUBLIC_URL: publicUrl,
        ...upstreamLoginEnv(provider.issuer),
      },
    });

    // A browser that started the OAuth flow's round trip: its sealed cookie and the state sent upstream.
    const oauthBrowser = new Browser(service.url);
    const toProvider = await oauthBrowser.get(`/oauth/authorize?${authorizeQuery()}`);
    const oauthState = new URL(toProvider.headers.get('location') ?? `${provider.issuer}/auth`).searchParams.get('state') ?? 'state';
    // A browser on the app-to-app fallback page: its page token and binding cookie.
    const appBrowser = new Browser(service.url);
    const fallbackQuery = new URLSearchParams({ response_type: 'code', client_id: TEST_CLIENT_ID, redirect_uri: ALEXA_REDIRECTS[0] as string, scope: 'profile', state: 'AlexaAppState' });
    const page = await (await appBrowser.get(`/app-links/authorize?${fallbackQuery.toString()}`)).text();
    const link = (/<a href="([^"]+)" id="upstream-sign-in"/.exec(page)?.[1] ?? '/app-links/authorize/upstream').replace(/&amp;/g, '&');
    const linkUrl = new URL(link, service.url);

    endpoints.set('GET /oauth/upstream/callback', (prng) => ({
      method: 'GET',
      path: '/oauth/upstream/callback',
      query: prng.chance(0.5) ? [['code', 'not-a-provider-code'], ['state', oauthState], ['iss', provider.issuer]] : [['error', prng.pick(['access_denied', 'login_required', 'x'])], ['state', oauthState]],
      headers: cookieHeader(oauthBrowser),
    }));
    endpoints.set('GET /app-links/authorize/upstream', () => ({ method: 'GET', path: linkUrl.pathname, query: [...linkUrl.searchParams], headers: cookieHeader(appBrowser) }));
  });
  after(async () => {
    await service?.close();
    await provider?.close();
  });

  const errorLines = (): Array<Record<string, unknown>> => service.logs.lines.filter((line) => (line.level as number) >= 50);

  for (const name of UPSTREAM_ENDPOINTS) {
    it(`${name}: no 5xx and no unanswered request`, async () => {
      await expectNoServerErrors(service.url, name, endpoints.get(name) as BaseFor, errorLines);
    });
  }

  it('still sends a browser to the provider afterwards', async () => {
    const browser = new Browser(service.url);
    const answer = await browser.get(`/oauth/authorize?${authorizeQuery()}`);
    expect(answer.status).to.equal(303);
    expect(answer.headers.get('location')).to.match(new RegExp(`^${provider.issuer}/auth\\?`));
  });
});
