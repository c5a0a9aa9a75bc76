import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { ALEXA_API, ENABLED, isolateNetwork, mockDiscovery, mockEnable, mockLwaToken, signedInUser, startAppLinksService, startAttempt } from '../../app-links/support';
import { PAGE_MESSAGES } from '../../../server/views/i18n';
import { axeContext, axeViolations, fitsWidth, WIDTHS } from '../../support/axe';
import { launchBrowser, recordCspViolations, screenshot } from '../../support/browser';
import { startOidcProvider, type TestOidcProvider, upstreamLoginEnv } from '../../support/oidc-provider';
import { freePort } from '../../support/ports';
import { startTestService, type TestService } from '../../support/service';
import { TEST_CLIENT_ID } from '../../support/settings';
import { ALEXA_REDIRECTS, authorizeQuery, createRider, PASSWORD, USERNAME } from '../oauth/flow-helpers';

/** A tiny SVG logo the service serves itself (BRAND_LOGO_FILE). */
function brandFiles(): { logo: string; stylesheet: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lw-brand-'));
  const logo = join(dir, 'logo.svg');
  writeFileSync(logo, '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="32"><rect width="120" height="32" fill="#7b1fa2"/></svg>');
  const stylesheet = join(dir, 'company.css');
  writeFileSync(stylesheet, '.brand { letter-spacing: 0.05em; }\n');
  return { logo, stylesheet };
}

/** The company's brand, every setting on, as a company would configure it. */
function brandEnv(): Record<string, string> {
  const files = brandFiles();
  return {
    BRAND_NAME: 'Ride Hailer',
    BRAND_LOGO_FILE: files.logo,
    BRAND_STYLESHEET_FILE: files.stylesheet,
    BRAND_COLOR: '#7B1FA2',
    BRAND_TERMS_URL: 'https://ridehailer.example/terms',
    BRAND_PRIVACY_URL: 'https://ridehailer.example/privacy',
    BRAND_SUPPORT_URL: 'https://help.ridehailer.example/',
    BRAND_PASSWORD_RESET_URL: 'https://ridehailer.example/reset',
    BRAND_SIGNUP_URL: 'https://ridehailer.example/join',
  };
}

/** Checks the page as it stands: axe finds nothing, nothing is wider than the screen, no CSP refusal. */
async function checkPage(page: Page, name: string, width: number, cspViolations: string[]): Promise<void> {
  expect(await axeViolations(page), `${name} at ${width} px`).to.deep.equal([]);
  expect(await fitsWidth(page), `${name} fits ${width} px`).to.equal(true);
  expect(cspViolations, `${name}: CSP`).to.deep.equal([]);
  if (width === 360) await screenshot(page, `a11y-${name}-360`);
}

describe('every end-user page passes axe-core at 360 and 1280 px (chromium, branded)', function () {
  this.timeout(120_000);
  isolateNetwork();
  let browser: Browser;
  let service: TestService;
  before(async () => {
    browser = await launchBrowser();
    service = await startAppLinksService({ env: brandEnv() });
    await createRider(service);
  });
  after(async () => {
    await browser?.close();
    await service?.close();
  });

  for (const width of WIDTHS) {
    it(`sign-in (plain and with an error), consent, error pages, Arabic right to left, at ${width} px`, async () => {
      const context = await axeContext(browser, width);
      const page = await context.newPage();
      const cspViolations = recordCspViolations(page);
      try {
        await page.goto(`${service.url}/oauth/authorize?${authorizeQuery({ state: 'a11y' })}`);
        expect(await page.locator('img.logo').getAttribute('alt')).to.equal('Ride Hailer');
        expect(await page.evaluate<boolean>('document.querySelector("img.logo").naturalWidth > 0'), 'the logo file loads').to.equal(true);
        expect(await page.evaluate<string>('getComputedStyle(document.querySelector("button[type=submit]")).backgroundColor')).to.equal('rgb(123, 31, 162)');
        await checkPage(page, 'login', width, cspViolations);

        await page.getByLabel('Email or username').fill(USERNAME);
        await page.getByLabel('Password').fill('not the password');
        await page.getByRole('button', { name: 'Sign in' }).click();
        expect(await page.getByRole('alert').innerText()).to.equal('The username or password is incorrect.');
        await checkPage(page, 'login-error', width, cspViolations);

        await page.getByLabel('Password').fill(PASSWORD);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.waitForURL(/\/oauth\/consent/);
        await checkPage(page, 'consent', width, cspViolations);

        await page.goto(`${service.url}/oauth/consent?interaction=unknown`);
        await checkPage(page, 'expired', width, cspViolations);

        await page.goto(`${service.url}/oauth/authorize?${authorizeQuery({ redirect_uri: 'https://evil.example/cb' })}`);
        await checkPage(page, 'untrusted-redirect', width, cspViolations);

        await page.goto(`${service.url}/oauth/authorize?${authorizeQuery({ ui_locales: 'ar-SA' })}`);
        expect(await page.locator('html').getAttribute('dir')).to.equal('rtl');
        expect(await page.locator('html').getAttribute('lang')).to.equal('ar-SA');
        await checkPage(page, 'login-ar-SA', width, cspViolations);
      } finally {
        await context.close();
      }
    });

    it(`the app-to-app pages: authorize, confirm, linked, cancelled, refused, at ${width} px`, async () => {
      const context = await axeContext(browser, width);
      const page = await context.newPage();
      const cspViolations = recordCspViolations(page);
      try {
        const query = new URLSearchParams({ response_type: 'code', client_id: TEST_CLIENT_ID, redirect_uri: ALEXA_REDIRECTS[0], scope: 'profile', state: 'AlexaAppState' }).toString();
        await page.goto(`${service.url}/app-links/authorize?${query}`);
        await checkPage(page, 'app-links-authorize', width, cspViolations);

        const { token } = await signedInUser(service);
        const { state } = await startAttempt(service, token);
        mockLwaToken([]);
        mockDiscovery([]);
        mockEnable(ALEXA_API, () => [201, ENABLED]);
        await page.goto(`${service.url}/app-links/return?code=ANAmazonCode&state=${state}`);
        await checkPage(page, 'app-links-confirm', width, cspViolations);
        await page.getByRole('button', { name: 'Link Alexa' }).click();
        await page.waitForLoadState();
        expect(await page.locator('h1').innerText()).to.equal('Alexa is linked');
        await checkPage(page, 'app-links-linked', width, cspViolations);

        await page.goto(`${service.url}/app-links/return?error=access_denied&state=x`);
        await checkPage(page, 'app-links-cancelled', width, cspViolations);
        await page.goto(`${service.url}/app-links/return?code=abc&state=${'Q'.repeat(43)}`);
        await checkPage(page, 'app-links-refused', width, cspViolations);
      } finally {
        await context.close();
      }
    });
  }
});

describe('the upstream sign-in pages and the development callback page pass axe-core at 360 and 1280 px', function () {
  this.timeout(120_000);
  let browser: Browser;
  let provider: TestOidcProvider;
  let upstream: TestService;
  let developing: TestService;
  before(async () => {
    browser = await launchBrowser();
    const port = await freePort();
    provider = await startOidcProvider({ redirectUri: `http://127.0.0.1:${port}/oauth/upstream/callback` });
    upstream = await startTestService({
      env: {
        ...brandEnv(),
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        ...upstreamLoginEnv(provider.issuer, 'Ride Hailer ID'),
      },
    });
    // No redirect URI configured: the development callback page stands in for Alexa.
    developing = await startTestService({ env: { ALEXA_VENDOR_ID: '' } });
    await createRider(developing);
  });
  after(async () => {
    await browser?.close();
    await upstream?.close();
    await provider?.close();
    await developing?.close();
  });

  it('keeps the ui_locales language through the round trip to the provider (consent in Japanese)', async () => {
    const context = await axeContext(browser, 360);
    const page = await context.newPage();
    try {
      await page.goto(`${upstream.url}/oauth/authorize?${authorizeQuery({ ui_locales: 'ja-JP' })}`);
      await page.locator('input[name=login]').fill('kenji');
      await page.locator('input[name=password]').fill('any password');
      await page.locator('button[type=submit]').click();
      await page.waitForURL(/\/oauth\/consent/);
      expect(await page.locator('html').getAttribute('lang')).to.equal('ja-JP');
      expect(await page.locator('h1').innerText()).to.equal(PAGE_MESSAGES['ja-JP'].consentTitle('Alexa'));
      await checkPage(page, 'upstream-consent-ja-JP', 360, []);
    } finally {
      await context.close();
    }
  });

  for (const width of WIDTHS) {
    it(`the sign-in link page after "use another account", an upstream failure page, the app-to-app fallback page, and the callback page at ${width} px`, async () => {
      const context = await axeContext(browser, width);
      const page = await context.newPage();
      const cspViolations = recordCspViolations(page);
      await context.route('https://pitangui.amazon.com/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Alexa</title>' }));
      try {
        await page.goto(`${upstream.url}/oauth/authorize?${authorizeQuery()}`);
        await page.locator('input[name=login]').fill('ivy');
        await page.locator('input[name=password]').fill('any password');
        await page.locator('button[type=submit]').click();
        await page.waitForURL(/\/oauth\/consent/);
        await page.getByRole('button', { name: 'Not you? Use another account' }).click();
        expect(await page.locator('#upstream-sign-in').innerText()).to.equal('Sign in with Ride Hailer ID');
        await checkPage(page, 'upstream-login', width, cspViolations);

        await page.goto(`${upstream.url}/oauth/upstream/callback?code=stale&state=stale`);
        expect(await page.locator('h1').innerText()).to.equal('This sign-in has expired');
        await checkPage(page, 'upstream-expired', width, cspViolations);

        // The app-to-app fallback page: the provider's link instead of the password fields, and Deny.
        await page.goto(`${upstream.url}/app-links/authorize?${authorizeQuery()}`);
        expect(await page.locator('#upstream-sign-in').innerText()).to.equal('Sign in with Ride Hailer ID');
        await checkPage(page, 'app-links-authorize-upstream', width, cspViolations);

        const devBase = developing.services.settings.oauth.devCallbackUri as string;
        await page.goto(`${devBase}?code=a-code-for-the-developer&state=dev`);
        await checkPage(page, 'dev-callback', width, cspViolations);
      } finally {
        await context.close();
      }
    });
  }
});
