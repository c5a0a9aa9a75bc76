import { expect } from 'chai';
import type { Browser as Chromium } from 'playwright-core';
import { opsOf } from '../../server/ops/ops';
import { launchBrowser, recordCspViolations, screenshot } from '../support/browser';
import { signInAtProvider } from '../support/oidc-provider';
import { freePort } from '../support/ports';
import type { TestService } from '../support/service';
import { TEST_CLIENT_ID } from '../support/settings';
import { Browser, headings, hiddenField } from '../server/oauth/flow-helpers';
import { metric } from '../server/ops/helpers';
import { ALEXA_REDIRECTS, startAppLinksService } from './support';
import { startUpstreamWorld, stopUpstreamWorld, type UpstreamWorld as World } from '../support/upstream-world';

/** The provider and a service with app-to-app linking whose accounts sign in there, on loopback. */
function startWorld(): Promise<World> {
  return startUpstreamWorld(startAppLinksService);
}

const ALEXA_APP_STATE = 'AlexaAppState';

function query(extra: Record<string, string> = {}): string {
  return new URLSearchParams({ response_type: 'code', client_id: TEST_CLIENT_ID, redirect_uri: ALEXA_REDIRECTS[0], scope: 'profile', state: ALEXA_APP_STATE, ...extra }).toString();
}

/** Posts the fallback page's form with its token and the authorization request, plus `fields`. */
function postConsent(browser: Browser, page: string, fields: Record<string, string>): Promise<Response> {
  return browser.postForm('/app-links/authorize/consent', { client_id: TEST_CLIENT_ID, redirect_uri: ALEXA_REDIRECTS[0] as string, response_type: 'code', scope: 'profile', state: ALEXA_APP_STATE, csrf: hiddenField(page, 'csrf'), ...fields });
}

/** Opens the fallback page (asserting it is shown) and returns it with its sign-in link. */
async function openFallback(browser: Browser): Promise<{ page: string; link: string }> {
  const response = await browser.get(`/app-links/authorize?${query()}`);
  const page = await response.text();
  expect(response.status, page.slice(0, 500)).to.equal(200);
  const link = /<a href="([^"]+)" id="upstream-sign-in"/.exec(page)?.[1]?.replace(/&amp;/g, '&') as string;
  expect(link, 'the page offers the provider').to.be.a('string');
  return { page, link };
}

/** Follows the page's sign-in link; returns the provider URL it is sent to (asserting the 303). */
async function toProvider(browser: Browser, link: string): Promise<URL> {
  const response = await browser.get(link);
  expect(response.status, await response.clone().text()).to.equal(303);
  return new URL(response.headers.get('location') as string);
}

async function callback(browser: Browser, url: URL): Promise<{ status: number; page: string; location: string | null }> {
  const response = await browser.get(url.href);
  return { status: response.status, page: await response.text(), location: response.headers.get('location') };
}

function code(page: string): string | undefined {
  return /data-testid="code">([^<]+)</.exec(page)?.[1];
}

async function metrics(world: World): Promise<string> {
  return (await opsOf(world.service.services).metrics.render()).body;
}

describe('the app-to-app fallback page with LOGIN_SOURCE=oidc signs in at the provider (node-oidc-provider on loopback)', function () {
  this.timeout(60_000);
  let world: World;
  before(async () => {
    world = await startWorld();
  });
  after(async () => {
    await stopUpstreamWorld(world);
  });

  it('offers the provider instead of a password form, and sends the browser there storing nothing', async () => {
    const browser = new Browser(world.service.url);
    const writes = world.store.writes;
    const { page, link } = await openFallback(browser);
    expect(page).to.not.include('name="password"');
    expect(page).to.include('>Sign in with Company SSO</a>');
    expect(page).to.include('Sign in with your Company SSO account to link it with Alexa.');
    expect(page, 'the form only denies').to.not.include('value="allow"');
    expect(page).to.include('name="decision" value="deny"');
    expect(new URL(link, world.service.url).pathname).to.equal('/app-links/authorize/upstream');
    expect(new URL(link, world.service.url).searchParams.get('csrf'), 'the link carries the page token').to.equal(hiddenField(page, 'csrf'));

    const url = await toProvider(browser, link);
    expect(`${url.origin}${url.pathname}`).to.equal(`${world.provider.issuer}/auth`);
    expect(url.searchParams.get('redirect_uri')).to.equal(`${world.service.url}/oauth/upstream/callback`);
    expect(url.searchParams.get('code_challenge_method')).to.equal('S256');
    expect(url.searchParams.get('state')).to.have.length.greaterThan(20);
    expect(url.searchParams.get('nonce')).to.have.length.greaterThan(20);
    expect(browser.cookies.get('lw-upstream')).to.match(/^p1\./);
    expect(world.store.writes - writes, 'store writes before the provider vouched for the user').to.equal(0);
  });

  it('comes back to the Alexa redirect with a code for the user the provider knows by sub, as the password form would', async () => {
    world.provider.names.set('pat', 'Pat Upstream');
    const browser = new Browser(world.service.url);
    const { link } = await openFallback(browser);
    const answer = await callback(browser, await signInAtProvider(browser, await toProvider(browser, link), 'pat'));
    expect(answer.status, answer.page.slice(0, 500)).to.equal(303);
    const landed = new URL(answer.location as string);
    expect(`${landed.origin}${landed.pathname}`).to.equal(ALEXA_REDIRECTS[0]);
    expect(landed.searchParams.get('state')).to.equal(ALEXA_APP_STATE);
    expect(landed.searchParams.get('source')).to.equal('app');
    const account = await world.service.services.accounts.findExternal('upstream', 'pat');
    expect(account?.displayName).to.equal('Pat Upstream');
    const tokens = await world.service.services.grants.exchangeCode(landed.searchParams.get('code') as string, { clientId: TEST_CLIENT_ID, redirectUri: ALEXA_REDIRECTS[0], codeVerifier: undefined });
    expect(world.service.services.accessTokens.verify(tokens.access_token).sub).to.equal(account?.id);
    expect(world.service.logs.events('upstream.succeeded').at(-1)).to.include({ userId: account?.id, flow: 'app-links' });
    expect(world.service.logs.events('app_links.authorize_granted').at(-1)).to.include({ userId: account?.id, source: 'upstream' });
    expect(browser.cookies.get('lw-upstream'), 'the pending sign-in is single-use').to.equal('');
    const text = await metrics(world);
    expect(metric(text, 'linkwright_app_links_steps_total', { step: 'authorize_upstream', outcome: 'ok' })).to.be.at.least(1);
    expect(metric(text, 'linkwright_app_links_steps_total', { step: 'authorize_upstream_return', outcome: 'ok' })).to.equal(1);
  });

  it('ends on the fallback failure page, nothing issued, when the user cancels at the provider', async () => {
    const browser = new Browser(world.service.url);
    const { link } = await openFallback(browser);
    const back = await signInAtProvider(browser, await toProvider(browser, link), 'quinn', 'abort');
    expect(back.searchParams.get('error')).to.equal('access_denied');
    const answer = await callback(browser, back);
    expect(answer.status).to.equal(403);
    expect(answer.location).to.equal(null);
    expect(headings(answer.page)).to.deep.equal(['Sign-in was cancelled']);
    expect(code(answer.page)).to.equal('upstream_access_denied');
    // The way back is the fallback page for the same request, not /oauth/authorize.
    const retry = /<a href="([^"]+)">Try again with Company SSO/.exec(answer.page)?.[1]?.replace(/&amp;/g, '&') as string;
    expect(retry.startsWith('/app-links/authorize?')).to.equal(true);
    expect((await browser.get(retry)).status).to.equal(200);
    expect(world.service.logs.events('upstream.failed').at(-1)).to.include({ failure: 'access_denied', flow: 'app-links' });
    expect(await world.service.services.accounts.findExternal('upstream', 'quinn')).to.equal(undefined);
    const text = await metrics(world);
    expect(metric(text, 'linkwright_app_links_steps_total', { step: 'authorize_upstream_return', outcome: 'upstream_access_denied' })).to.equal(1);
    expect(metric(text, 'linkwright_linking_failures_total', { step: 'app_links', reason: 'upstream_access_denied' })).to.equal(1);
  });

  it('refuses an answer whose state is not the one this browser was sent with, before any code exchange', async () => {
    const browser = new Browser(world.service.url);
    const { link } = await openFallback(browser);
    const url = await toProvider(browser, link);
    url.searchParams.set('state', 'state-an-attacker-chose-0123456789');
    const tokenRequests = world.provider.tokenRequests;
    const answer = await callback(browser, await signInAtProvider(browser, url, 'rita'));
    expect(answer.status).to.equal(400);
    expect(answer.location).to.equal(null);
    expect(headings(answer.page)).to.deep.equal(['This sign-in could not be verified']);
    expect(code(answer.page)).to.equal('upstream_state_mismatch');
    expect(world.provider.tokenRequests, 'no code exchange').to.equal(tokenRequests);
    expect(await world.service.services.accounts.findExternal('upstream', 'rita')).to.equal(undefined);
  });

  it('refuses an altered or missing pending sign-in cookie, nothing issued', async () => {
    const browser = new Browser(world.service.url);
    const { link } = await openFallback(browser);
    const back = await signInAtProvider(browser, await toProvider(browser, link), 'sam');
    const sealed = browser.cookies.get('lw-upstream') as string;
    browser.cookies.set('lw-upstream', `${sealed.slice(0, -4)}AAAA`);
    let answer = await callback(browser, back);
    expect(answer.status).to.equal(400);
    expect(answer.location).to.equal(null);
    expect(headings(answer.page)).to.deep.equal(['This sign-in has expired']);
    expect(world.service.logs.events('upstream.failed').at(-1)).to.include({ failure: 'expired', reason: 'the pending sign-in cookie does not open' });
    browser.cookies.delete('lw-upstream');
    answer = await callback(browser, back);
    expect(answer.status).to.equal(400);
    expect(answer.location).to.equal(null);
    expect(await world.service.services.accounts.findExternal('upstream', 'sam')).to.equal(undefined);
  });

  it('refuses a pending sign-in carried into another browser with its answer (login CSRF), nothing issued', async () => {
    const attacker = new Browser(world.service.url);
    const { link } = await openFallback(attacker);
    const back = await signInAtProvider(attacker, await toProvider(attacker, link), 'mallory');
    // The victim's browser has a binding cookie of its own (it opened the fallback page once).
    const victim = new Browser(world.service.url);
    await openFallback(victim);
    victim.cookies.set('lw-upstream', attacker.cookies.get('lw-upstream') as string);
    const granted = world.service.logs.events('app_links.authorize_granted').length;
    const answer = await callback(victim, back);
    expect(answer.status).to.equal(403);
    expect(answer.location).to.equal(null);
    expect(code(answer.page)).to.equal('csrf_failed');
    expect(world.service.logs.events('app_links.page_refused').at(-1)).to.include({ code: 'csrf_failed', reason: 'the upstream sign-in came back in another browser than the one that started it' });
    expect(world.service.logs.events('app_links.authorize_granted'), 'no code issued').to.have.length(granted);
  });

  it('refuses a sign-in link without this browser\'s page token, and a posted allow, sending no one to the provider', async () => {
    const browser = new Browser(world.service.url);
    const { page, link } = await openFallback(browser);
    const forged = new URL(link, world.service.url);
    forged.searchParams.set('csrf', 'A'.repeat(43));
    const refused = await browser.get(forged.pathname + forged.search);
    expect(refused.status).to.equal(403);
    expect(refused.headers.get('location')).to.equal(null);
    expect(code(await refused.text())).to.equal('csrf_failed');
    // The right link, from another browser (no binding cookie): refused the same way.
    const stranger = await new Browser(world.service.url).get(link);
    expect(stranger.status).to.equal(403);
    expect(browser.cookies.has('lw-upstream')).to.equal(false);

    const posted = await postConsent(browser, page, { decision: 'allow', username: 'a', password: 'b' });
    expect(posted.status, 'the page again: allowing is the sign-in link').to.equal(400);
    expect(posted.headers.get('location')).to.equal(null);
    expect(await posted.text()).to.include('id="upstream-sign-in"');
    expect(world.service.logs.events('app_links.login_refused').at(-1)).to.include({ reason: 'password sign-in is off (LOGIN_SOURCE=oidc)' });
  });

  it('answers Deny on the page with access_denied at the Alexa redirect, as with the password form', async () => {
    const browser = new Browser(world.service.url);
    const { page } = await openFallback(browser);
    const posted = await postConsent(browser, page, { decision: 'deny' });
    expect(posted.status).to.equal(303);
    const landed = new URL(posted.headers.get('location') as string);
    expect(`${landed.origin}${landed.pathname}`).to.equal(ALEXA_REDIRECTS[0]);
    expect(Object.fromEntries(landed.searchParams)).to.include({ error: 'access_denied', state: ALEXA_APP_STATE, source: 'app' });
  });
});

describe('the app-to-app fallback page with LOGIN_SOURCE=oidc, the provider down', function () {
  this.timeout(30_000);
  let service: TestService;
  before(async () => {
    // Nothing listens at the issuer: the page still opens; the sign-in link says the provider is not answering.
    service = await startAppLinksService({ env: { LOGIN_SOURCE: 'oidc', LOGIN_UPSTREAM_ISSUER: `http://127.0.0.1:${await freePort()}`, LOGIN_UPSTREAM_CLIENT_ID: 'linkwright', LOGIN_UPSTREAM_NAME: 'Company SSO' } });
  });
  after(async () => {
    await service?.close();
  });

  it('shows the fallback failure page with a 503 and Retry-After, and sends no one anywhere', async () => {
    const browser = new Browser(service.url);
    const { link } = await openFallback(browser);
    const response = await browser.get(link);
    const page = await response.text();
    expect(response.status).to.equal(503);
    expect(response.headers.get('retry-after')).to.equal('5');
    expect(response.headers.get('location')).to.equal(null);
    expect(headings(page)).to.deep.equal(['Sign-in is unavailable']);
    expect(code(page)).to.equal('upstream_unavailable');
    expect(service.logs.events('upstream.failed').at(-1)).to.include({ failure: 'unavailable', flow: 'app-links' });
  });
});

describe('the app-to-app fallback page with LOGIN_SOURCE=oidc in a real browser (chromium, 360 px)', function () {
  this.timeout(60_000);
  let world: World;
  let chromium: Chromium;
  before(async () => {
    world = await startWorld();
    chromium = await launchBrowser();
  });
  after(async () => {
    await chromium?.close();
    await stopUpstreamWorld(world);
  });

  it('follows the sign-in link to the provider and lands on the Alexa redirect with a code, with no CSP violation', async () => {
    world.provider.names.set('uma', 'Uma Browser');
    const context = await chromium.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const cspViolations = recordCspViolations(page);
    let landed: URL | undefined;
    await context.route('https://pitangui.amazon.com/**', async (route) => {
      landed = new URL(route.request().url());
      await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Alexa</title><h1>Alexa</h1>' });
    });
    try {
      await page.goto(`${world.service.url}/app-links/authorize?${query()}`);
      await screenshot(page, 'app-links-authorize-upstream-360');
      await page.getByRole('link', { name: 'Sign in with Company SSO' }).click();
      await page.waitForURL(`${world.provider.issuer}/**`);
      await page.locator('input[name=login]').fill('uma');
      await page.locator('input[name=password]').fill('any password');
      await page.locator('button[type=submit]').click();
      await page.waitForURL('https://pitangui.amazon.com/**');
      expect(landed?.searchParams.get('state')).to.equal(ALEXA_APP_STATE);
      expect(landed?.searchParams.get('source')).to.equal('app');
      const tokens = await world.service.services.grants.exchangeCode(landed?.searchParams.get('code') as string, { clientId: TEST_CLIENT_ID, redirectUri: ALEXA_REDIRECTS[0], codeVerifier: undefined });
      const account = await world.service.services.accounts.findExternal('upstream', 'uma');
      expect(world.service.services.accessTokens.verify(tokens.access_token).sub).to.equal(account?.id);
      expect(cspViolations).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });
});
