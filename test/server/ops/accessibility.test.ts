import { join } from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { axeContext, axeViolations, fitsWidth, WIDTHS } from '../../support/axe';
import { ARTIFACTS_DIR, launchBrowser, screenshot } from '../../support/browser';
import { startTestService, type TestService } from '../../support/service';
import { TEST_CLIENT_ID } from '../../support/settings';
import { authorizeQuery, createRider, obtainCode, postToken, redeem, USERNAME } from '../oauth/flow-helpers';
import { ADMIN, OPS_ENV } from './helpers';

const WRONG_SECRET = 'an-old-secret-from-the-console';

/** Checks the page as it stands: axe finds nothing and nothing is wider than the screen. */
async function checkPage(page: Page, name: string, width: number): Promise<void> {
  expect(await axeViolations(page), `${name} at ${width} px`).to.deep.equal([]);
  const wide = await page.evaluate<string[]>('[...document.querySelectorAll("body *")].filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5).map((e) => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right))');
  expect(await fitsWidth(page), `${name} fits ${width} px: ${wide.slice(0, 8).join(", ")}`).to.equal(true);
  await screenshot(page, `ops-${name}-${width}`);
}

describe('the /ops pages at 360 and 1280 px (chromium, axe-core)', function () {
  this.timeout(120_000);
  let browser: Browser;
  let service: TestService;
  before(async () => {
    browser = await launchBrowser();
    service = await startTestService({ env: OPS_ENV });
    await createRider(service);
    const { code, redirectUri } = await obtainCode(service);
    const refreshToken = (await redeem(service, code, redirectUri)).refresh_token as string;
    // The same failure three times (a console still holding an old secret), and one other.
    for (let i = 0; i < 3; i += 1) {
      await postToken(service, { grant_type: 'refresh_token', refresh_token: refreshToken }, 'body', '/oauth/token', { id: TEST_CLIENT_ID, secret: WRONG_SECRET });
    }
    await fetch(`${service.url}/oauth/authorize?${authorizeQuery({ redirect_uri: 'https://layla.amazon.com/api/skill/link/M2OTHERVENDOR' })}`);
  });
  after(async () => {
    await browser?.close();
    await service?.close();
  });

  for (const width of WIDTHS) {
    it(`sign-in, overview (lookup first, identical failures grouped), user, a refusal and not found pass at ${width} px`, async () => {
      const context = await axeContext(browser, width);
      const page = await context.newPage();
      try {
        await page.goto(`${service.url}/ops/login`);
        await checkPage(page, 'login', width);
        await page.getByLabel('Operator name').fill(ADMIN.username);
        await page.getByLabel('Password').fill('wrong');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await checkPage(page, 'login-error', width);
        await page.getByLabel('Password').fill(ADMIN.password);
        await page.getByRole('button', { name: 'Sign in' }).click();

        expect(await page.locator('main h2').first().innerText()).to.equal('Look up a user');
        const rows = page.getByTestId('failures').locator('tbody tr', { hasText: 'client_secret_wrong' });
        expect(await rows.count(), 'identical failures are one row').to.equal(1);
        expect(await rows.getByTestId('failure-count').innerText()).to.equal('3');
        expect((await rows.locator('td').nth(1).innerText()).split('\n')).to.have.length(2); // first and last seen
        // Wide tables scroll inside labelled, focusable regions, never the page.
        for (const region of await page.locator('.scroll').all()) {
          expect(await region.getAttribute('role')).to.equal('region');
          expect(await region.getAttribute('tabindex')).to.equal('0');
          expect(await region.getAttribute('aria-label')).to.be.a('string').and.not.equal('');
        }
        // On a desktop nothing needs scrolling at all.
        const scrolled = await page.evaluate<string[]>('[...document.querySelectorAll(".scroll")].filter((e) => e.scrollWidth > e.clientWidth).map((e) => e.getAttribute("aria-label"))');
        if (width === 1280) expect(scrolled, 'regions that scroll at 1280 px').to.deep.equal([]);
        if (width === 360) await page.getByTestId('failures').screenshot({ path: join(ARTIFACTS_DIR, 'ops-failures-cards-360.png') });
        await checkPage(page, 'overview', width);

        await page.getByLabel('User name or account id').fill(USERNAME);
        await page.getByRole('button', { name: 'Look up' }).click();
        expect(await page.getByTestId('grants').locator('tbody tr').count()).to.equal(1);
        await checkPage(page, 'user', width);

        // A revoke whose CSRF token is not the session's: the refusal page, and nothing revoked.
        await page.evaluate('document.querySelector("[data-testid=grants] input[name=csrf]").value = "forged"');
        await page.getByTestId('grants').getByRole('button', { name: 'Revoke' }).click();
        expect(await page.locator('h1').innerText()).to.equal('Please try again');
        await checkPage(page, 'refused', width);
        await page.goBack();

        await page.getByLabel('User name or account id').fill('nobody@example.com');
        await page.getByRole('button', { name: 'Look up' }).click();
        await checkPage(page, 'not-found', width);
      } finally {
        await context.close();
      }
    });
  }
});
