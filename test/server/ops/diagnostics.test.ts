import { expect } from 'chai';
import type { Browser as Chromium, Page } from 'playwright-core';
import { hashPassword } from '../../../server/accounts/passwords';
import { launchBrowser, screenshot } from '../../support/browser';
import { startTestService, type TestService } from '../../support/service';
import { TEST_CLIENT_ID, TEST_VENDOR_ID } from '../../support/settings';
import { ALEXA_REDIRECTS, authorizeQuery, Browser, createRider, hiddenField, obtainCode, postToken, redeem, USERNAME } from '../oauth/flow-helpers';
import { ALEXA_API_EU, callApi, ENABLED, isolateNetwork, mockDiscovery, mockEnable, mockLwaToken, signedInUser, startAppLinksService, startAttempt } from '../../app-links/support';
import { ADMIN, OPS_ENV } from './helpers';

/** Signs an operator in over HTTP and returns the browser stand-in with its session cookie. */
async function operator(service: TestService, password = ADMIN.password, username = ADMIN.username): Promise<{ browser: Browser; status: number }> {
  const browser = new Browser(service.url);
  const form = await (await browser.get('/ops/login')).text();
  const posted = await browser.postForm('/ops/login', { csrf: hiddenField(form, 'csrf'), username, password });
  return { browser, status: posted.status };
}

describe('the diagnostics pages over HTTP', () => {
  describe('without ADMIN_USERNAME/ADMIN_PASSWORD', () => {
    let service: TestService;
    before(async () => {
      service = await startTestService();
    });
    after(async () => service?.close());

    it('do not exist', async () => {
      for (const path of ['/ops', '/ops/login', '/ops/users?q=x', '/ops/assets/ops.css']) {
        const response = await fetch(`${service.url}${path}`, { redirect: 'manual' });
        expect(response.status, path).to.equal(404);
      }
    });
  });

  describe('with an operator configured', () => {
    let service: TestService;
    before(async () => {
      service = await startTestService({ env: { ...OPS_ENV, OPS_LOGIN_MAX_ATTEMPTS: '4', OPS_SESSION_TTL: '600', DEMO_ACCOUNT: 'true', DEMO_USERNAME: 'demo@example.com', DEMO_PASSWORD: 'demo password 123' } });
      await createRider(service);
      await service.services.accounts.create({ username: 'demo@example.com', password: 'demo password 123', displayName: 'Demo' });
    });
    after(async () => service?.close());
    // Every sign-in counts against the address limit: each test starts a fresh window.
    beforeEach(() => service.clock.advance(901_000));

    it('send visitors without a session to the sign-in page, and refuse their posts', async () => {
      const page = await fetch(`${service.url}/ops`, { redirect: 'manual' });
      expect(page.status).to.equal(303);
      expect(page.headers.get('location')).to.equal('/ops/login');
      const post = await fetch(`${service.url}/ops/users/revoke`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'user=x&csrf=y' });
      expect(post.status).to.equal(403);
    });

    it('refuse a sign-in form that did not come from the page (login CSRF)', async () => {
      const response = await fetch(`${service.url}/ops/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf: 'A'.repeat(43), username: ADMIN.username, password: ADMIN.password }).toString(),
      });
      expect(response.status).to.equal(403);
      expect(response.headers.get('set-cookie') ?? '').not.to.match(/lw-ops=/);
    });

    it('never let a customer account in, the demo account included', async () => {
      expect((await operator(service, 'demo password 123', 'demo@example.com')).status).to.equal(401);
      expect((await operator(service, 'correct horse battery staple', USERNAME)).status).to.equal(401);
      expect(service.logs.events('ops.login_failed').length).to.be.at.least(2);
    });

    it('sign the operator in with a session cookie that is HttpOnly and SameSite=Strict, and pages that are never cached', async () => {
      const browser = new Browser(service.url);
      const form = await browser.get('/ops/login');
      expect(form.headers.get('cache-control')).to.equal('no-store');
      const posted = await browser.postForm('/ops/login', { csrf: hiddenField(await form.text(), 'csrf'), username: ADMIN.username, password: ADMIN.password });
      expect(posted.status).to.equal(303);
      expect(posted.headers.get('location')).to.equal('/ops');
      const cookie = posted.headers.getSetCookie().find((line) => line.startsWith('lw-ops='));
      expect(cookie).to.match(/HttpOnly/i).and.to.match(/SameSite=Strict/i).and.to.match(/Path=\//);
      const overview = await browser.get('/ops');
      expect(overview.status).to.equal(200);
      expect(overview.headers.get('x-robots-tag')).to.equal('noindex, nofollow');
      expect(overview.headers.get('content-security-policy')).to.include("default-src 'none'");
      expect(service.logs.events('ops.login_succeeded').at(-1)).to.include({ operator: ADMIN.username });
    });

    it('refuse an operator form without the session token, and revoke nothing', async () => {
      const { code, redirectUri } = await obtainCode(service);
      const tokens = await redeem(service, code, redirectUri);
      const { browser } = await operator(service);
      const userId = (await service.services.accounts.findByName(USERNAME))?.id as string;
      const forged = await browser.postForm('/ops/users/revoke', { user: userId, csrf: 'B'.repeat(43) });
      expect(forged.status).to.equal(403);
      expect(service.logs.events('ops.csrf_failed')).to.have.length(1);
      const refreshed = await postToken(service, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string });
      expect(refreshed.status, refreshed.text).to.equal(200);
    });

    it('end the session after OPS_SESSION_TTL without use', async () => {
      const { browser } = await operator(service);
      expect((await browser.get('/ops')).status).to.equal(200);
      service.clock.advance(601_000);
      const later = await browser.get('/ops');
      expect(later.status).to.equal(303);
      expect(later.headers.get('location')).to.equal('/ops/login');
    });

    it('limit sign-in attempts per address: after the limit even the right password waits', async () => {
      const browser = new Browser(service.url);
      const csrf = hiddenField(await (await browser.get('/ops/login')).text(), 'csrf');
      const statuses: number[] = [];
      for (const password of ['guess-1', 'guess-2', 'guess-3', 'guess-4', ADMIN.password]) {
        statuses.push((await browser.postForm('/ops/login', { csrf, username: ADMIN.username, password })).status);
      }
      expect(statuses).to.deep.equal([401, 401, 401, 401, 429]);
      expect(service.logs.events('ops.login_limited')).to.have.length(1);
      service.clock.advance(901_000);
      expect((await browser.postForm('/ops/login', { csrf, username: ADMIN.username, password: ADMIN.password })).status).to.equal(303);
    });
  });

  it('accept an scrypt hash as ADMIN_PASSWORD', async () => {
    const service = await startTestService({ env: { ADMIN_USERNAME: 'ops', ADMIN_PASSWORD: await hashPassword('hashed operator password') } });
    try {
      expect((await operator(service, 'hashed operator password', 'ops')).status).to.equal(303);
      expect((await operator(service, 'not it', 'ops')).status).to.equal(401);
    } finally {
      await service.close();
    }
  });
});

describe('the diagnostics pages in a real browser (chromium)', function () {
  this.timeout(60_000);
  let chromium: Chromium;
  let service: TestService;
  let refreshToken: string;
  before(async () => {
    chromium = await launchBrowser();
    service = await startTestService({ env: OPS_ENV });
    await createRider(service);
    // Traffic for the page to show: a successful link, a wrong secret, and an authorization request for another vendor id.
    const { code, redirectUri } = await obtainCode(service);
    refreshToken = (await redeem(service, code, redirectUri)).refresh_token as string;
    await postToken(service, { grant_type: 'refresh_token', refresh_token: refreshToken }, 'body', '/oauth/token', { id: TEST_CLIENT_ID, secret: 'an-old-secret-from-the-console' });
    const other = await fetch(`${service.url}/oauth/authorize?${authorizeQuery({ redirect_uri: 'https://layla.amazon.com/api/skill/link/M2OTHERVENDOR' })}`);
    expect(other.status).to.equal(400);
  });
  after(async () => {
    await chromium?.close();
    await service?.close();
  });

  it('signs in, shows the configuration, what Alexa sent and the failures, looks a user up, revokes a grant and signs out', async () => {
    const context = await chromium.newContext({ viewport: { width: 1280, height: 900 } });
    const page: Page = await context.newPage();
    const problems: string[] = [];
    // Script errors and CSP violations; a failed load is checked per response (the 401 and 404 pages are on purpose).
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
    });
    const stylesheets: number[] = [];
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/ops/assets/ops.css') stylesheets.push(response.status());
    });
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });

    await page.goto(`${service.url}/ops`);
    expect(new URL(page.url()).pathname).to.equal('/ops/login');
    await page.getByLabel('Operator name').fill(ADMIN.username);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.getByRole('alert').textContent()).to.equal('The operator name or password is incorrect.');
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();

    expect(await page.locator('h1').textContent()).to.equal('Account linking overview');
    expect(await page.getByTestId('operator').textContent()).to.equal(ADMIN.username);
    const config = page.getByTestId('config');
    expect(await config.locator('tr', { hasText: 'Authorization URI' }).locator('td').textContent()).to.equal(`${service.services.settings.publicUrl}/oauth/authorize`);
    expect(await config.locator('tr', { hasText: 'Your Client ID' }).locator('td').textContent()).to.equal(TEST_CLIENT_ID);
    expect(await config.textContent()).not.to.include(service.services.settings.oauth.clientSecret);
    // The test service runs on plain http: the page says Alexa would refuse that.
    expect(await page.getByTestId('config-problems').textContent()).to.include('PUBLIC_URL is http://127.0.0.1');

    const findings = (await page.getByTestId('findings').textContent()) ?? '';
    expect(findings).to.include(`Alexa redirect URLs for vendor id M2OTHERVENDOR arrived, but ALEXA_VENDOR_ID is ${TEST_VENDOR_ID}`);
    const clients = page.getByTestId('clients');
    // Two authorization requests named our client (one with the other vendor's URL); two token requests (a redemption, a wrong secret).
    expect(await clients.locator('tr', { hasText: TEST_CLIENT_ID }).locator('td.num').allTextContents()).to.deep.equal(['2', '2']);
    expect(await page.getByTestId('redirects').locator('tr', { hasText: ALEXA_REDIRECTS[0] }).locator('td.num').allTextContents()).to.deep.equal(['1', '1']);
    expect(await page.getByTestId('unrecognised').textContent()).to.include('https://layla.amazon.com/api/skill/link/M2OTHERVENDOR');

    const failures = page.getByTestId('failures');
    const secretRow = failures.locator('tr', { hasText: 'client_secret_wrong' });
    expect(await secretRow.count()).to.equal(1);
    expect(await secretRow.textContent()).to.include('OAUTH_CLIENT_SECRET');
    expect(await failures.locator('tr', { hasText: 'redirect_uri_not_registered' }).count()).to.equal(1);
    await screenshot(page, 'ops-overview');

    await page.getByLabel('User name or account id').fill(USERNAME);
    await page.getByRole('button', { name: 'Look up' }).click();
    expect(await page.getByTestId('link-status').textContent()).to.match(/^Linked since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(1 active grant\)$/);
    const grants = page.getByTestId('grants');
    expect(await grants.locator('tbody tr').count()).to.equal(1);
    await screenshot(page, 'ops-user');
    await grants.getByRole('button', { name: 'Revoke' }).click();
    expect(await page.getByTestId('message').textContent()).to.equal('1 Alexa grant revoked.');
    expect(await page.getByTestId('link-status').textContent()).to.equal('Not linked');
    expect(await page.getByTestId('grants').textContent()).to.include(`revoked by operator ${ADMIN.username}`);
    expect(service.logs.events('ops.grants_revoked').at(-1)).to.include({ operator: ADMIN.username, grants: 1 });

    // Alexa's next refresh is refused: the user is unlinked.
    const refused = await postToken(service, { grant_type: 'refresh_token', refresh_token: refreshToken });
    expect(refused.status).to.equal(400);
    expect(refused.body.error).to.equal('invalid_grant');

    await page.getByLabel('User name or account id').fill('nobody@example.com');
    await page.getByRole('button', { name: 'Look up' }).click();
    expect(await page.getByTestId('not-found').textContent()).to.include('nobody@example.com');

    await page.getByRole('button', { name: 'Sign out' }).click();
    expect(new URL(page.url()).pathname).to.equal('/ops/login');
    await page.goto(`${service.url}/ops`);
    expect(new URL(page.url()).pathname).to.equal('/ops/login');
    expect(problems, problems.join('\n')).to.deep.equal([]);
    expect(stylesheets.length).to.be.greaterThan(0);
    expect(stylesheets.every((status) => status === 200 || status === 304)).to.equal(true);
    await context.close();
  });
});

describe('the user lookup with app-to-app linking', () => {
  isolateNetwork();
  let service: TestService;
  before(async () => {
    service = await startAppLinksService({ env: OPS_ENV });
  });
  after(async () => service?.close());

  it('shows when and where the user linked from the app, and the Alexa grant it produced', async () => {
    const { token, userId } = await signedInUser(service);
    const { state } = await startAttempt(service, token);
    mockLwaToken([]);
    mockDiscovery([], ['api.eu.amazonalexa.com']);
    mockEnable(ALEXA_API_EU, async (body) => {
      await service.services.grants.exchangeCode(body.accountLinkRequest.authCode, { clientId: TEST_CLIENT_ID, redirectUri: body.accountLinkRequest.redirectUri, codeVerifier: undefined });
      return [201, ENABLED];
    });
    expect((await callApi(service, 'POST', '/app-links/complete', token, { code: 'ANdNAVhyhqirUelHGEHA', state })).status).to.equal(200);

    const { browser } = await operator(service);
    const page = await (await browser.get(`/ops/users?q=${encodeURIComponent(userId)}`)).text();
    expect(page).to.match(/<td data-testid="app-link">\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ on api\.eu\.amazonalexa\.com \(development\)<\/td>/);
    expect(page).to.match(/<td data-testid="link-status"><span class="ok">Linked<\/span> since /);
    // The company app's own session is listed, but only Alexa's grant counts as the link.
    expect(page).to.include('company-app').and.to.include(`${TEST_CLIENT_ID} (Alexa)`);
  });
});
