import { expect } from 'chai';
import type { Browser as Chromium } from 'playwright-core';
import { startupBanner } from '../../../server/banner';
import { loadSettings } from '../../../server/config/settings';
import { Interactions } from '../../../server/oauth/interactions';
import { RequestSeal } from '../../../server/oauth/request-seal';
import { launchBrowser, screenshot } from '../../support/browser';
import { signInAtProvider, UPSTREAM_CLIENT_ID } from '../../support/oidc-provider';
import { freePort } from '../../support/ports';
import { startTestService } from '../../support/service';
import { ALEXA_REDIRECTS, answerConsent, authorizeQuery, Browser, formState, headings, pkcePair, redeem } from './flow-helpers';
import { startUpstreamWorld, stopUpstreamWorld, type UpstreamWorld as World, type UpstreamWorldOptions } from '../../support/upstream-world';

/** A provider and a service that signs in through it, on loopback. */
function startWorld(options: UpstreamWorldOptions = {}): Promise<World> {
  return startUpstreamWorld(startTestService, { providerName: 'Ride Hailer ID', ...options });
}

/** GET /oauth/authorize as Alexa's browser; returns the provider URL it is sent to (asserting the 303). */
async function toProvider(browser: Browser, world: World, overrides: Record<string, string> = {}): Promise<URL> {
  const response = await browser.get(`/oauth/authorize?${authorizeQuery(overrides)}`);
  expect(response.status, await response.clone().text()).to.equal(303);
  return new URL(response.headers.get('location') as string);
}

/** Opens our callback URL and returns status and page. */
async function callback(browser: Browser, url: URL): Promise<{ status: number; page: string; location: string | null }> {
  const response = await browser.get(url.href);
  return { status: response.status, page: await response.text(), location: response.headers.get('location') };
}

/** Resolves once the service has logged the event (the start-up check runs in the background). */
async function waitForEvent(world: World, event: string): Promise<void> {
  while (world.service.logs.events(event).length === 0) await new Promise((resolve) => setImmediate(resolve));
}

function lastFailure(world: World): Record<string, unknown> | undefined {
  return world.service.logs.events('upstream.failed').at(-1);
}

describe('sign-in through an upstream OpenID Connect provider (LOGIN_SOURCE=oidc, node-oidc-provider on loopback)', function () {
  this.timeout(60_000);

  describe('with a provider that works', () => {
    let world: World;
    before(async () => {
      world = await startWorld();
    });
    after(async () => stopUpstreamWorld(world));

    it('sends the browser to the provider with PKCE S256, state and nonce, storing nothing before the user signs in', async () => {
      const browser = new Browser(world.service.url);
      const writesBefore = world.store.writes;
      const url = await toProvider(browser, world);
      expect(`${url.origin}${url.pathname}`).to.equal(`${world.provider.issuer}/auth`);
      expect(url.searchParams.get('client_id')).to.equal(UPSTREAM_CLIENT_ID);
      expect(url.searchParams.get('redirect_uri')).to.equal(`${world.service.url}/oauth/upstream/callback`);
      expect(url.searchParams.get('response_type')).to.equal('code');
      expect(url.searchParams.get('scope')).to.equal('openid profile email');
      expect(url.searchParams.get('code_challenge_method')).to.equal('S256');
      expect(url.searchParams.get('code_challenge')).to.match(/^[A-Za-z0-9_-]{43}$/);
      expect(url.searchParams.get('state')).to.have.length.greaterThan(20);
      expect(url.searchParams.get('nonce')).to.have.length.greaterThan(20);
      expect(world.store.writes - writesBefore, 'store writes for an unauthenticated visitor').to.equal(0);
      const cookie = [...browser.cookies].find(([name]) => name === 'lw-upstream');
      expect(cookie?.[1]).to.match(/^p1\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]+$/);
      expect(cookie?.[1]).to.not.include(url.searchParams.get('state') as string); // sealed, not readable
    });

    it('comes back signed in, shows our consent page, and Alexa gets a code for the user known by sub', async () => {
      world.provider.names.set('alice', 'Alice Upstream');
      const browser = new Browser(world.service.url);
      const { challenge, verifier } = pkcePair();
      const back = await signInAtProvider(browser, await toProvider(browser, world, { code_challenge: challenge, code_challenge_method: 'S256' }), 'alice');
      const answer = await callback(browser, back);
      expect(answer.status, answer.page).to.equal(303);
      const consent = await browser.get(answer.location as string);
      const page = await consent.text();
      expect(headings(page)).to.deep.equal(['Allow Alexa to use your account?']);
      expect(page).to.include('<strong>Alice Upstream</strong> <span class="muted">(alice@upstream.example)</span>');
      const location = await answerConsent(browser, formState(page), 'allow');
      expect(`${location.origin}${location.pathname}`).to.equal(ALEXA_REDIRECTS[0]);
      expect(location.searchParams.get('state')).to.equal('A2SAAEAEDaHR0cHM6Ly9hbGV4YS5hbWF6b24uY29t');
      const tokens = await redeem(world.service, location.searchParams.get('code') as string, ALEXA_REDIRECTS[0], { code_verifier: verifier });
      const account = await world.service.services.accounts.findExternal('upstream', 'alice');
      expect(account).to.include({ username: 'upstream:alice', displayName: 'Alice Upstream' });
      expect(account?.external).to.deep.equal({ provider: 'upstream', subject: 'alice', email: 'alice@upstream.example' });
      expect(world.service.services.accessTokens.verify(tokens.access_token as string).sub).to.equal(account?.id);
      expect(world.service.logs.events('upstream.succeeded').at(-1)).to.include({ userId: account?.id });
    });

    it('refreshes the mirrored name at the next sign-in, keeping the same account', async () => {
      const browser = new Browser(world.service.url);
      const first = await world.service.services.accounts.findExternal('upstream', 'alice');
      world.provider.names.set('alice', 'Alice Renamed');
      expect((await callback(browser, await signInAtProvider(browser, await toProvider(browser, world), 'alice'))).status).to.equal(303);
      const again = await world.service.services.accounts.findExternal('upstream', 'alice');
      expect(again?.id).to.equal(first?.id);
      expect(again?.displayName).to.equal('Alice Renamed');
    });

    it('refuses a callback whose state is not the one this browser was sent with', async () => {
      const browser = new Browser(world.service.url);
      const url = await toProvider(browser, world);
      url.searchParams.set('state', 'state-an-attacker-chose-0123456789');
      const tokenRequests = world.provider.tokenRequests;
      const answer = await callback(browser, await signInAtProvider(browser, url, 'bob'));
      expect(answer.status).to.equal(400);
      expect(headings(answer.page)).to.deep.equal(['This sign-in could not be verified']);
      expect(answer.page).to.include('does not belong to the sign-in this browser started');
      expect(lastFailure(world)).to.include({ failure: 'state_mismatch' });
      expect(world.provider.tokenRequests, 'no code exchange').to.equal(tokenRequests);
      expect(await world.service.services.accounts.findExternal('upstream', 'bob')).to.equal(undefined);
    });

    it('refuses an ID token whose nonce is not the one this sign-in was started with', async () => {
      const browser = new Browser(world.service.url);
      const url = await toProvider(browser, world);
      url.searchParams.set('nonce', 'nonce-from-another-sign-in-0123456789');
      const answer = await callback(browser, await signInAtProvider(browser, url, 'carol'));
      expect(answer.status).to.equal(400);
      expect(answer.page).to.include('confirmed a sign-in that this browser did not start');
      expect(lastFailure(world)).to.include({ failure: 'nonce_mismatch' });
      expect(await world.service.services.accounts.findExternal('upstream', 'carol')).to.equal(undefined);
    });

    it('shows its own page when the user cancels at the provider (error=access_denied), with a way to try again', async () => {
      const browser = new Browser(world.service.url);
      const back = await signInAtProvider(browser, await toProvider(browser, world), 'dave', 'abort');
      expect(back.searchParams.get('error')).to.equal('access_denied');
      const answer = await callback(browser, back);
      expect(answer.status).to.equal(403);
      expect(headings(answer.page)).to.deep.equal(['Sign-in was cancelled']);
      expect(answer.page).to.include('Try again with Ride Hailer ID');
      expect(lastFailure(world)).to.include({ failure: 'access_denied' });
      // The link starts the same authorization request again.
      const retry = /<a href="([^"]+)">Try again/.exec(answer.page)?.[1]?.replace(/&amp;/g, '&') as string;
      expect((await browser.get(retry)).status).to.equal(303);
    });

    it('says a sign-in expired when the cookie is missing, altered or too old', async () => {
      const browser = new Browser(world.service.url);
      const back = await signInAtProvider(browser, await toProvider(browser, world), 'erin');
      const sealed = browser.cookies.get('lw-upstream') as string;
      browser.cookies.delete('lw-upstream');
      let answer = await callback(browser, back);
      expect(answer.status).to.equal(400);
      expect(headings(answer.page)).to.deep.equal(['This sign-in has expired']);
      expect(lastFailure(world)).to.include({ failure: 'expired', reason: 'no pending sign-in cookie came back' });
      browser.cookies.set('lw-upstream', `${sealed.slice(0, -4)}AAAA`);
      answer = await callback(browser, back);
      expect(lastFailure(world)).to.include({ failure: 'expired', reason: 'the pending sign-in cookie does not open' });
      browser.cookies.set('lw-upstream', sealed);
      world.service.clock.advance(601_000);
      answer = await callback(browser, back);
      expect(answer.status).to.equal(400);
      expect(lastFailure(world)).to.include({ failure: 'expired', reason: 'the pending sign-in cookie expired' });
    });

    it('answers a malformed callback with a page, not a 500', async () => {
      const browser = new Browser(world.service.url);
      await toProvider(browser, world);
      const answer = await callback(browser, new URL(`${world.service.url}/oauth/upstream/callback?state=a&state=b&code=x`));
      expect(answer.status).to.equal(400);
      expect(lastFailure(world)).to.include({ failure: 'bad_answer', reason: 'callback parameter state duplicated' });
    });

    it('answers a callback the browser made up (an error, a code the provider never issued) with a 400 page, and the provider down with a 503', async () => {
      const browser = new Browser(world.service.url);
      const state = (await toProvider(browser, world)).searchParams.get('state') as string;
      const iss = encodeURIComponent(world.provider.issuer);
      const madeUp = await callback(browser, new URL(`${world.service.url}/oauth/upstream/callback?error=invalid_scope&state=${state}&iss=${iss}`));
      expect(madeUp.status, JSON.stringify(lastFailure(world))).to.equal(400);
      expect(headings(madeUp.page)).to.have.length(1);
      expect(lastFailure(world)).to.include({ failure: 'bad_answer' });
      const state2 = (await toProvider(browser, world)).searchParams.get('state') as string;
      const down = await callback(browser, new URL(`${world.service.url}/oauth/upstream/callback?error=temporarily_unavailable&state=${state2}&iss=${iss}`));
      expect(down.status).to.equal(503);
      expect(lastFailure(world)).to.include({ failure: 'unavailable' });
      const state4 = (await toProvider(browser, world)).searchParams.get('state') as string;
      const withoutIssuer = await callback(browser, new URL(`${world.service.url}/oauth/upstream/callback?code=x&state=${state4}`));
      expect(withoutIssuer.status).to.equal(400);
      expect(lastFailure(world)?.reason).to.match(/"iss" \(issuer\) missing/);
      const state3 = (await toProvider(browser, world)).searchParams.get('state') as string;
      const unknownCode = await callback(browser, new URL(`${world.service.url}/oauth/upstream/callback?code=never-issued&state=${state3}&iss=${iss}`));
      expect(unknownCode.status).to.equal(400);
      expect(lastFailure(world)).to.include({ failure: 'bad_answer' });
      expect(lastFailure(world)?.reason).to.match(/invalid_grant/);
    });

    it('offers the provider instead of a password form after "use another account", and refuses password posts', async () => {
      const browser = new Browser(world.service.url);
      const back = await signInAtProvider(browser, await toProvider(browser, world), 'frank');
      const consent = await browser.get((await callback(browser, back)).location as string);
      const form = formState(await consent.text());
      const switched = await browser.postForm('/oauth/consent', { ...form, decision: 'switch' });
      const login = await (await browser.get(switched.headers.get('location') as string)).text();
      expect(login).to.include('>Sign in with Ride Hailer ID</a>');
      expect(login).to.not.include('type="password"');
      // The form is not shown; a post with the interaction's own (current) CSRF token is still refused.
      const loaded = await new Interactions(world.service.store, world.service.clock, 600, new RequestSeal(world.service.services.keys)).load(form.interaction);
      const posted = await browser.postForm('/oauth/login', { interaction: form.interaction, csrf: loaded?.interaction.csrf, username: 'frank', password: 'x' });
      expect(posted.status).to.equal(303);
      expect((await new Interactions(world.service.store, world.service.clock, 600, new RequestSeal(world.service.services.keys)).load(form.interaction))?.interaction.userId).to.equal(undefined);
      expect(world.service.logs.events('login.refused').at(-1)).to.include({ reason: 'password sign-in is off (LOGIN_SOURCE=oidc)' });
    });
  });

  describe('with a provider that fails', () => {
    let world: World | undefined;
    afterEach(async () => {
      await stopUpstreamWorld(world);
      world = undefined;
    });

    it('refuses a provider whose discovery does not offer PKCE S256, saying why in the log', async () => {
      world = await startWorld({ withoutPkce: true });
      await waitForEvent(world, 'upstream.unusable');
      expect(world.service.logs.events('upstream.unusable')[0]).to.include({ failure: 'no_pkce' });
      const browser = new Browser(world.service.url);
      const response = await browser.get(`/oauth/authorize?${authorizeQuery()}`);
      const page = await response.text();
      expect(response.status).to.equal(502);
      expect(headings(page)).to.deep.equal(['Sign-in is not set up correctly']);
      expect(lastFailure(world)).to.include({ failure: 'no_pkce' });
      expect(lastFailure(world)?.reason).to.include('does not list S256 in code_challenge_methods_supported');
    });

    it('says the provider is not answering when it is down', async () => {
      const port = await freePort();
      world = await startWorld({ issuer: `http://127.0.0.1:${port}` });
      await waitForEvent(world, 'upstream.unusable');
      expect(world.service.logs.events('upstream.unusable')[0]).to.include({ failure: 'unavailable' });
      const browser = new Browser(world.service.url);
      const response = await browser.get(`/oauth/authorize?${authorizeQuery()}`);
      expect(response.status).to.equal(503);
      expect(response.headers.get('retry-after')).to.equal('5');
      expect(headings(await response.text())).to.deep.equal(['Sign-in is unavailable']);
      expect(lastFailure(world)).to.include({ failure: 'unavailable' });
      expect(lastFailure(world)?.reason).to.match(/^discovery request failed \(ECONNREFUSED\)$/);
    });

    it('gives up on a slow token endpoint within LOGIN_UPSTREAM_TIMEOUT_MS', async () => {
      world = await startWorld({ env: { LOGIN_UPSTREAM_TIMEOUT_MS: '400' } });
      const browser = new Browser(world.service.url);
      const back = await signInAtProvider(browser, await toProvider(browser, world), 'gina');
      world.provider.behaviour.stallToken = true;
      const started = Date.now();
      const answer = await callback(browser, back);
      expect(answer.status).to.equal(503);
      expect(Date.now() - started).to.be.lessThan(2000);
      expect(headings(answer.page)).to.deep.equal(['Sign-in is unavailable']);
      expect(lastFailure(world)).to.include({ failure: 'unavailable', reason: 'token request timed out' });
    });

    it('refuses an ID token signed with an algorithm it does not expect (HS256 instead of RS256)', async () => {
      world = await startWorld({ idTokenAlg: 'HS256' });
      const browser = new Browser(world.service.url);
      const answer = await callback(browser, await signInAtProvider(browser, await toProvider(browser, world), 'hank'));
      expect(answer.status).to.equal(502);
      expect(headings(answer.page)).to.deep.equal(['This sign-in could not be verified']);
      expect(lastFailure(world)).to.include({ failure: 'id_token_invalid' });
      expect(await world.service.services.accounts.findExternal('upstream', 'hank')).to.equal(undefined);
    });
  });

  it('refuses to start without its settings, one line per problem', () => {
    expect(() => loadSettings({ LOGIN_SOURCE: 'oidc', LOGIN_UPSTREAM_SCOPES: 'profile email' }))
      .to.throw()
      .that.satisfies((error: { problems: string[] }) => {
        expect(error.problems).to.deep.equal([
          "LOGIN_SOURCE=oidc needs LOGIN_UPSTREAM_ISSUER (the provider's issuer URL, e.g. https://example.eu.auth0.com/)",
          'LOGIN_SOURCE=oidc needs LOGIN_UPSTREAM_CLIENT_ID (the client id the provider gave Linkwright)',
          'LOGIN_UPSTREAM_SCOPES must include openid (it asks for the ID token), got "profile email"',
        ]);
        return true;
      });
    expect(() => loadSettings({ LOGIN_UPSTREAM_ISSUER: 'https://id.example/' }))
      .to.throw()
      .that.satisfies((error: { problems: string[] }) => error.problems.includes('LOGIN_UPSTREAM_ISSUER is set but LOGIN_SOURCE is local: remove it, or set LOGIN_SOURCE=oidc'));
    const settings = loadSettings({ LOGIN_SOURCE: 'oidc', LOGIN_UPSTREAM_ISSUER: 'https://id.example/', LOGIN_UPSTREAM_CLIENT_ID: 'c', PUBLIC_URL: 'https://link.example' });
    expect(settings.login).to.include({ kind: 'oidc', issuer: 'https://id.example/', name: 'id.example', redirectUri: 'https://link.example/oauth/upstream/callback' });
    const banner = startupBanner(settings, { listening: '127.0.0.1:3000', url: 'http://127.0.0.1:3000' });
    expect(banner).to.include('Register this redirect URI for client c at the provider:\n  https://link.example/oauth/upstream/callback');
    expect(banner).to.not.include('Demo account');
  });
});

describe('upstream sign-in in a real browser (chromium)', function () {
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

  it('signs in at the provider, consents at Linkwright and lands on the Alexa redirect with a code', async () => {
    world.provider.names.set('ivy', 'Ivy Browser');
    const context = await chromium.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    let landed: URL | undefined;
    await context.route('https://pitangui.amazon.com/**', async (route) => {
      landed = new URL(route.request().url());
      await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Alexa</title><h1>Linked</h1>' });
    });
    await page.goto(`${world.service.url}/oauth/authorize?${authorizeQuery()}`);
    expect(new URL(page.url()).origin).to.equal(world.provider.issuer);
    await page.locator('input[name=login]').fill('ivy');
    await page.locator('input[name=password]').fill('any password');
    await page.locator('button[type=submit]').click();
    await page.waitForURL(`${world.service.url}/oauth/consent**`);
    expect(await page.locator('h1').innerText()).to.equal('Allow Alexa to use your account?');
    expect(await page.locator('body').innerText()).to.include('Ivy Browser');
    await screenshot(page, 'oauth-upstream-consent-360');
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL('https://pitangui.amazon.com/**');
    expect(landed?.searchParams.get('code')).to.match(/.+/);
    expect(landed?.searchParams.get('state')).to.equal('A2SAAEAEDaHR0cHM6Ly9hbGV4YS5hbWF6b24uY29t');
    const account = await world.service.services.accounts.findExternal('upstream', 'ivy');
    expect(account?.displayName).to.equal('Ivy Browser');
    await context.close();
  });
});
