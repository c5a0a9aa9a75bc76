import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot } from '../support/browser';
import { createRider, expectAccessible, openPhone, PASSWORD, type Rider, startServiceLinkingWorld, type World } from './support';

/**
 * Story 4, app-to-app linking started from the Alexa app: the Alexa app opens the skill's platform
 * authorization URL; the company's app is not installed, so it opens in the browser, where the
 * customer signs in and allows in one step; the page sends them back to Alexa's redirect URI with a
 * code, the state and `source=app`; Alexa redeems the code (with its PKCE verifier) at the service's
 * token endpoint.
 */
describe('e2e story 4: app-to-app linking from the Alexa app, platform authorization URL in a browser', function () {
  this.timeout(60_000);
  let world: World;
  let browser: Browser;
  let carol: Rider;
  let erin: Rider;

  before(async () => {
    [world, browser] = await Promise.all([startServiceLinkingWorld([{ name: 'Carol' }, { name: 'Erin' }]), launchBrowser()]);
    carol = await createRider(world, 'Carol', 'carol@example.com', 'Carol Rider');
    erin = await createRider(world, 'Erin', 'erin@example.com', 'Erin Rider');
    // The console's platform authorization URL: the app's universal link, served by the service as a page.
    world.amazon.connectService({ authorizeUrl: `${world.service.url}/app-links/authorize` });
  });
  after(async () => {
    await browser?.close();
    await world?.close();
  });

  it('the customer signs in and allows on the page; it redirects to Alexa with code, state and source=app; Alexa redeems the code', async () => {
    const { amazon, service } = world;
    const platformUrl = new URL(amazon.web.authorizeUrl({ customer: carol.customer }));
    expect(platformUrl.origin + platformUrl.pathname).to.equal(`${service.url}/app-links/authorize`);
    expect(platformUrl.searchParams.get('redirect_uri')).to.equal(amazon.web.redirectUri);
    expect(platformUrl.searchParams.get('code_challenge_method')).to.equal('S256');

    const phone = await openPhone(browser);
    const { page } = phone;
    try {
      const shown = await page.goto(platformUrl.toString());
      expect(shown?.status()).to.equal(200);
      expect(await page.locator('h1').innerText()).to.equal('Link Alexa to your account');
      await expectAccessible(page, 'platform authorization page');
      await screenshot(page, 'e2e-from-the-alexa-app-1-authorize');

      await page.getByLabel('Email or username').fill(carol.username);
      await page.getByLabel('Password').fill(PASSWORD);
      await Promise.all([page.waitForURL(`${amazon.baseUrl}/**`), page.getByRole('button', { name: 'Allow' }).click()]);
      expect(await page.textContent('#message')).to.equal('Your Ride Hailer account has been successfully linked.');
      await screenshot(page, 'e2e-from-the-alexa-app-2-result');
      expect(phone.cspViolations, 'form-action must allow the redirect to Alexa').to.deep.equal([]);
    } finally {
      await phone.context.close();
    }

    const back = amazon.events.find({ to: 'pitangui.amazon.com' }).at(-1);
    expect(back?.params).to.include({ state: platformUrl.searchParams.get('state'), source: 'app' });
    expect(back?.params.code).to.be.a('string');
    const redemption = amazon.events.find({ from: 'Alexa', to: 'service', path: '/oauth/token' });
    expect(redemption.map((e) => [e.params.grant_type, e.params.redirect_uri, e.status])).to.deep.equal([['authorization_code', amazon.web.redirectUri, 200]]);
    expect(redemption[0]?.params.code_verifier).to.match(/^.{6}…$/);
    const link = amazon.linkStatus('Carol')?.link;
    expect(service.services.accessTokens.verify(link?.accessToken ?? '').sub).to.equal(carol.userId);
    expect(service.logs.events('app_links.authorize_granted')).to.have.length(1);
  });

  it('the skill then knows the customer', async () => {
    const launch = await world.amazon.voice('Carol').launch();
    expect(launch.speech).to.match(/^Welcome back to Ride Hailer, Carol Rider\./);
  });

  it('Deny sends the customer back to Alexa with access_denied, the state and source=app, and links nothing', async () => {
    const { amazon } = world;
    const platformUrl = new URL(amazon.web.authorizeUrl({ customer: erin.customer }));
    const phone = await openPhone(browser);
    try {
      await phone.page.goto(platformUrl.toString());
      await Promise.all([phone.page.waitForURL(`${amazon.baseUrl}/**`), phone.page.getByRole('button', { name: 'Deny' }).click()]);
      expect(await phone.page.textContent('#message')).to.equal('We were unable to link Ride Hailer at this time.');
    } finally {
      await phone.context.close();
    }
    const back = amazon.events.find({ to: 'pitangui.amazon.com' }).at(-1);
    expect(back?.params).to.include({ error: 'access_denied', state: platformUrl.searchParams.get('state'), source: 'app' });
    expect(back?.params).to.not.have.property('code');
    expect(amazon.linkStatus('Erin')).to.equal(undefined);
    expect(amazon.events.find({ from: 'Alexa', to: 'service', path: '/oauth/token' })).to.have.length(1);
  });
});
