import { existsSync } from 'node:fs';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot } from '../../support/browser';
import { startTestService, type TestService } from '../../support/service';
import { ALEXA_REDIRECTS, authorizeQuery, createRider, PASSWORD, pkcePair, USERNAME } from './flow-helpers';

/** Every input that is not hidden has a <label for> pointing at it. */
async function unlabelledInputs(page: Page): Promise<string[]> {
  const missing: string[] = [];
  for (const input of await page.locator('input:not([type=hidden])').all()) {
    const id = await input.getAttribute('id');
    if (!id || (await page.locator(`label[for="${id}"]`).count()) !== 1) missing.push((await input.getAttribute('name')) ?? '(unnamed)');
  }
  return missing;
}

/** True when nothing on the page is wider than the viewport (no sideways scrolling on a phone). */
async function fitsWidth(page: Page): Promise<boolean> {
  // A string expression runs in the page; this project's TypeScript has no DOM types.
  return page.evaluate<boolean>('document.documentElement.scrollWidth <= document.documentElement.clientWidth');
}

describe('authorization pages in a real browser (chromium, 360 px wide)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let service: TestService;
  before(async () => {
    browser = await launchBrowser();
    service = await startTestService();
    await createRider(service);
  });
  after(async () => {
    await browser?.close();
    await service?.close();
  });

  it('signs in (after an inline wrong-password error), consents, and lands on the Alexa redirect with code and state', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    // Nothing leaves the machine: the Alexa host is answered here and the URL it was asked for kept.
    let landed: URL | undefined;
    await context.route('https://pitangui.amazon.com/**', async (route) => {
      landed = new URL(route.request().url());
      await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Alexa</title><h1>Linked</h1>' });
    });

    const state = 'alexa-state/with+odd=chars&more';
    const { challenge } = pkcePair();
    await page.goto(`${service.url}/oauth/authorize?${authorizeQuery({ state, code_challenge: challenge, code_challenge_method: 'S256' })}`);
    expect(await page.locator('h1').count()).to.equal(1);
    expect(await page.locator('h1').innerText()).to.equal('Sign in to link Alexa');
    expect(await unlabelledInputs(page)).to.deep.equal([]);
    expect(await fitsWidth(page)).to.equal(true);
    // The stylesheet loaded under the CSP (no inline styles, no scripts).
    const button = await page.locator('button[type=submit]').boundingBox();
    const form = await page.locator('form').boundingBox();
    expect(button?.width).to.equal(form?.width);
    expect(button?.height).to.be.at.least(44); // a comfortable touch target
    await screenshot(page, 'oauth-login-360');

    await page.getByLabel('Email or username').fill(USERNAME);
    await page.getByLabel('Password').fill('not my password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForLoadState();
    expect(await page.getByRole('alert').innerText()).to.equal('The username or password is incorrect.');
    expect(await page.getByLabel('Email or username').inputValue()).to.equal(USERNAME);
    expect(await page.locator('h1').count()).to.equal(1);
    await screenshot(page, 'oauth-login-error-360');

    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/oauth\/consent\?/);
    expect(await page.locator('h1').innerText()).to.equal('Allow Alexa to use your account?');
    expect(await fitsWidth(page)).to.equal(true);
    await screenshot(page, 'oauth-consent-360');

    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(/^https:\/\/pitangui\.amazon\.com\//);
    expect(landed?.origin + (landed?.pathname ?? '')).to.equal(ALEXA_REDIRECTS[0]);
    expect(landed?.searchParams.get('state')).to.equal(state);
    expect(landed?.searchParams.get('code')).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(dialogs).to.deep.equal([]);
    expect(cspViolations).to.deep.equal([]);
    expect(existsSync('test-artifacts/oauth-consent-360.png')).to.equal(true);
    await context.close();
  });

  it('shows a redirect mismatch as a readable page at 360 px, without leaving our origin', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    const response = await page.goto(`${service.url}/oauth/authorize?${authorizeQuery({ redirect_uri: 'https://pitangui.amazon.com/api/skill/link/WRONGVENDOR' })}`);
    expect(response?.status()).to.equal(400);
    expect(new URL(page.url()).origin).to.equal(service.url);
    expect(await page.locator('h1').innerText()).to.equal('Account linking could not start');
    expect(await page.getByRole('alert').innerText()).to.include('must match one of them exactly');
    expect(await fitsWidth(page)).to.equal(true);
    await screenshot(page, 'oauth-redirect-mismatch-360');
    await context.close();
  });
});
