import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshot } from '../support/browser';
import type { TestService } from '../support/service';
import { TEST_CLIENT_ID } from '../support/settings';
import { ALEXA_API, ALEXA_REDIRECTS, ENABLED, isolateNetwork, mockDiscovery, mockEnable, mockLwaToken, type SeenRequest, signedInUser, startAppLinksService, startAttempt } from './support';

const PASSWORD = 'correct horse battery staple';

/** A phone-sized context that records CSP violations and answers the Alexa redirect host locally. */
async function phone(browser: Browser): Promise<{ context: BrowserContext; page: Page; cspViolations: string[]; landed: () => URL | undefined }> {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  let landed: URL | undefined;
  await context.route('https://pitangui.amazon.com/**', async (route) => {
    landed = new URL(route.request().url());
    await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Alexa</title><h1>Alexa</h1>' });
  });
  return { context, page, cspViolations, landed: () => landed };
}

async function fitsWidth(page: Page): Promise<boolean> {
  // A string expression runs in the page; this project's TypeScript has no DOM types.
  return page.evaluate<boolean>('document.documentElement.scrollWidth <= document.documentElement.clientWidth');
}

async function stylesheetApplied(page: Page): Promise<boolean> {
  return page.evaluate<boolean>('document.styleSheets.length > 0 && document.styleSheets[0].cssRules.length > 0');
}

describe('app-links fallback pages in a real browser (chromium, 360 px wide)', function () {
  this.timeout(60_000);
  isolateNetwork();
  let browser: Browser;
  let service: TestService;
  before(async () => {
    browser = await launchBrowser();
    service = await startAppLinksService();
  });
  after(async () => {
    await browser?.close();
    await service?.close();
  });

  describe('the return URL opened in a browser (linking started from the app)', () => {
    it('shows whose account gets linked, finishes on one tap, and shows the result', async () => {
      const { token, userId } = await signedInUser(service, 'rider.page@example.com');
      const { state } = await startAttempt(service, token);
      const { context, page, cspViolations } = await phone(browser);
      try {
        const lwa: SeenRequest[] = [];
        mockLwaToken(lwa);
        mockDiscovery([]);
        let redeemedFor: string | undefined;
        mockEnable(ALEXA_API, async (body) => {
          const tokens = await service.services.grants.exchangeCode(body.accountLinkRequest.authCode, { clientId: TEST_CLIENT_ID, redirectUri: body.accountLinkRequest.redirectUri, codeVerifier: undefined });
          redeemedFor = service.services.accessTokens.verify(tokens.access_token).sub;
          return [201, ENABLED];
        });

        const url = `${service.url}/app-links/return?code=ANAmazonPageCode&state=${state}&scope=alexa%3A%3Askills%3Aaccount_linking`;
        const shown = await page.goto(url);
        expect(shown?.status()).to.equal(200);
        expect(await page.locator('h1').innerText()).to.equal('Finish linking Alexa');
        expect(await page.getByTestId('account').innerText()).to.equal('Test Rider (ri•••@example.com)');
        expect(lwa, 'opening the page spends nothing').to.have.length(0);
        expect(await fitsWidth(page)).to.equal(true);
        expect(await stylesheetApplied(page)).to.equal(true);
        await screenshot(page, 'app-links-return-confirm-360');

        await page.getByRole('button', { name: 'Link Alexa' }).click();
        await page.waitForLoadState();
        expect(await page.locator('h1').innerText()).to.equal('Alexa is linked');
        expect(await page.getByTestId('account').innerText()).to.include('Test Rider');
        expect(redeemedFor).to.equal(userId);
        expect(lwa).to.have.length(1);
        await screenshot(page, 'app-links-return-linked-360');

        // A reload (or opening the link again) after the success shows the success, not "state_reused";
        // nothing is exchanged again.
        await page.reload();
        expect(await page.locator('h1').innerText()).to.equal('Alexa is linked');
        await page.goto(url);
        expect(await page.locator('h1').innerText()).to.equal('Alexa is linked');
        expect(await page.getByTestId('account').innerText()).to.equal('Test Rider (ri•••@example.com)');
        expect(lwa, 'a reload spends nothing').to.have.length(1);
        expect(cspViolations).to.deep.equal([]);
      } finally {
        await context.close();
      }
    });

    it('explains an Amazon refusal on the page, with its code', async () => {
      const { token } = await signedInUser(service);
      const { state } = await startAttempt(service, token);
      const { context, page } = await phone(browser);
      try {
        mockLwaToken([], 400, { error: 'invalid_grant', error_description: 'The request has an invalid grant parameter : code' });
        await page.goto(`${service.url}/app-links/return?code=ANExpiredCode&state=${state}`);
        await page.getByRole('button', { name: 'Link Alexa' }).click();
        await page.waitForLoadState();
        expect(await page.locator('h1').innerText()).to.equal('Alexa could not be linked');
        expect(await page.getByTestId('detail').innerText()).to.include('5 minutes');
        expect(await page.getByTestId('code').innerText()).to.equal('amazon_code_rejected');
        await screenshot(page, 'app-links-return-refused-360');
        // The attempt is spent and did not end linked: opening it again says so (no false success).
        await page.goto(`${service.url}/app-links/return?code=ANExpiredCode&state=${state}`);
        expect(await page.locator('h1').innerText()).to.equal('This link was already used or has expired');
        expect(await page.getByTestId('code').innerText()).to.equal('state_reused');
      } finally {
        await context.close();
      }
    });

    it('shows a cancellation when the user declined at Amazon, and a clear page for a broken link', async () => {
      const { context, page } = await phone(browser);
      try {
        await page.goto(`${service.url}/app-links/return?error=access_denied&state=whatever`);
        expect(await page.locator('h1').innerText()).to.equal('Linking was cancelled');
        const broken = await page.goto(`${service.url}/app-links/return?state=${'Q'.repeat(43)}`);
        expect(broken?.status()).to.equal(400);
        expect(await page.getByTestId('code').innerText()).to.equal('invalid_request');
        const unknown = await page.goto(`${service.url}/app-links/return?code=abc&state=${'Q'.repeat(43)}`);
        expect(unknown?.status()).to.equal(400);
        expect(await page.getByTestId('code').innerText()).to.equal('state_invalid');
      } finally {
        await context.close();
      }
    });

    it('refuses a finishing post without the page\'s CSRF cookie (403, nothing spent)', async () => {
      const { token } = await signedInUser(service);
      const { state } = await startAttempt(service, token);
      const forged = await fetch(`${service.url}/app-links/return`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ code: 'ANAmazonCode', state, csrf: 'A'.repeat(43) }).toString(),
      });
      expect(forged.status).to.equal(403);
      expect(await forged.text()).to.include('csrf_failed');
      // The attempt is untouched: its confirmation page still opens.
      expect((await fetch(`${service.url}/app-links/return?code=ANAmazonCode&state=${state}`)).status).to.equal(200);
    });

    it('refuses a cookie and field pair of the attacker\'s choosing, and a real token carried to another state', async () => {
      const { token } = await signedInUser(service);
      const { state } = await startAttempt(service, token);
      const planted = 'P'.repeat(43);
      // Whatever cookie an attacker can plant for this host (old and new names), with the same value in the form.
      const forged = await fetch(`${service.url}/app-links/return`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `lw_app_links_csrf=${planted}; lw-browser=${planted}` },
        body: new URLSearchParams({ code: 'ANAmazonCode', state, csrf: planted }).toString(),
      });
      expect(forged.status).to.equal(403);
      expect(await forged.text()).to.include('csrf_failed');

      // A token the server really issued (for the attacker's own browser and attempt) does not carry over to a victim's state.
      const { state: attackerState } = await startAttempt(service, (await signedInUser(service)).token);
      const confirm = await fetch(`${service.url}/app-links/return?code=ANAmazonCode&state=${attackerState}`);
      const cookie = (confirm.headers.get('set-cookie') ?? '').split(';')[0] as string;
      const issued = /name="csrf" value="([^"]+)"/.exec(await confirm.text())?.[1] as string;
      expect(cookie).to.match(/^lw-browser=/);
      const moved = await fetch(`${service.url}/app-links/return`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: new URLSearchParams({ code: 'ANAmazonCode', state, csrf: issued }).toString(),
      });
      expect(moved.status).to.equal(403);
      expect((await fetch(`${service.url}/app-links/return?code=ANAmazonCode&state=${state}`)).status).to.equal(200);
    });
  });

  describe('the platform authorization URL opened in a browser (linking started from the Alexa app)', () => {
    const username = 'rider.alexa@example.com';
    before(async () => {
      await service.services.accounts.create({ username, password: PASSWORD, displayName: 'Alexa Rider' });
    });

    function query(extra: Record<string, string> = {}): string {
      return new URLSearchParams({ response_type: 'code', client_id: TEST_CLIENT_ID, redirect_uri: ALEXA_REDIRECTS[0], scope: 'profile', state: 'AlexaAppState+/=', ...extra }).toString();
    }

    it('signs in (after an inline error), allows, and lands on the Alexa redirect with a code Alexa can redeem', async () => {
      const verifier = randomBytes(32).toString('base64url');
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      const { context, page, cspViolations, landed } = await phone(browser);
      try {
        await page.goto(`${service.url}/app-links/authorize?${query({ code_challenge: challenge, code_challenge_method: 'S256' })}`);
        expect(await page.locator('h1').innerText()).to.equal('Link Alexa to your account');
        expect(await page.locator('ul.scopes li').allInnerTexts()).to.deep.equal(['Know who you are: your name and account id']);
        expect(await fitsWidth(page)).to.equal(true);
        expect(await stylesheetApplied(page)).to.equal(true);
        await screenshot(page, 'app-links-authorize-360');

        await page.getByLabel('Email or username').fill(username);
        await page.getByLabel('Password').fill('wrong password');
        await page.getByRole('button', { name: 'Allow' }).click();
        await page.waitForLoadState();
        expect(await page.getByRole('alert').innerText()).to.equal('The username or password is incorrect.');
        expect(await page.getByLabel('Email or username').inputValue()).to.equal(username);

        await page.getByLabel('Password').fill(PASSWORD);
        await page.getByRole('button', { name: 'Allow' }).click();
        await page.waitForURL((url) => url.hostname === 'pitangui.amazon.com');
        const target = landed() as URL;
        expect(target.origin + target.pathname).to.equal(ALEXA_REDIRECTS[0]);
        expect(target.searchParams.get('state')).to.equal('AlexaAppState+/=');
        expect(target.searchParams.get('source'), 'the page answers as the app would').to.equal('app');
        const code = target.searchParams.get('code') as string;
        const tokens = await service.services.grants.exchangeCode(code, { clientId: TEST_CLIENT_ID, redirectUri: ALEXA_REDIRECTS[0], codeVerifier: verifier });
        const account = await service.services.accounts.findByName(username);
        expect(service.services.accessTokens.verify(tokens.access_token).sub).to.equal(account?.id);
        expect(cspViolations, 'form-action must allow the redirect to Alexa').to.deep.equal([]);
      } finally {
        await context.close();
      }
    });

    it('answers Deny with access_denied and the state, minting no code', async () => {
      const { context, page, landed } = await phone(browser);
      try {
        await page.goto(`${service.url}/app-links/authorize?${query()}`);
        await page.getByRole('button', { name: 'Deny' }).click();
        await page.waitForURL((url) => url.hostname === 'pitangui.amazon.com');
        expect(landed()?.searchParams.get('error')).to.equal('access_denied');
        expect(landed()?.searchParams.get('state')).to.equal('AlexaAppState+/=');
        expect(landed()?.searchParams.has('code')).to.equal(false);
        expect(landed()?.searchParams.get('source')).to.equal('app');
      } finally {
        await context.close();
      }
    });

    it('shows an error page, never a redirect, for an unregistered redirect URI', async () => {
      const { context, page, landed } = await phone(browser);
      try {
        const response = await page.goto(`${service.url}/app-links/authorize?${query({ redirect_uri: 'https://evil.example/callback' })}`);
        expect(response?.status()).to.equal(400);
        expect(await page.locator('h1').innerText()).to.equal('Account linking could not start');
        expect(await page.getByTestId('detail').innerText()).to.include('not one of the URIs registered');
        expect(landed()).to.equal(undefined);
      } finally {
        await context.close();
      }
    });

    it('refuses a consent post without the CSRF cookie, and a wrong code_challenge_method by redirect', async () => {
      const forged = await fetch(`${service.url}/app-links/authorize/consent`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `${query()}&csrf=${'A'.repeat(43)}&username=${encodeURIComponent(username)}&password=${encodeURIComponent(PASSWORD)}&decision=allow`,
        redirect: 'manual',
      });
      expect(forged.status).to.equal(403);
      const planted = await fetch(`${service.url}/app-links/authorize/consent`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `lw_app_links_csrf=${'P'.repeat(43)}; lw-browser=${'P'.repeat(43)}` },
        body: `${query()}&csrf=${'P'.repeat(43)}&username=${encodeURIComponent(username)}&password=${encodeURIComponent(PASSWORD)}&decision=allow`,
        redirect: 'manual',
      });
      expect(planted.status, 'a planted cookie and field pair').to.equal(403);
      const plain = await fetch(`${service.url}/app-links/authorize?${query({ code_challenge: 'x'.repeat(43), code_challenge_method: 'plain' })}`, { redirect: 'manual' });
      expect(plain.status).to.equal(303);
      const refused = new URL(plain.headers.get('location') as string);
      expect([refused.searchParams.get('error'), refused.searchParams.get('source')]).to.deep.equal(['invalid_request', 'app']);
    });
  });
});
