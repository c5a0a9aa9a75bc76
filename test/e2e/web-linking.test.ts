import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import type { VoiceExchange } from '../../simulator';
import type { LinkedTokens } from '../../simulator/alexa/token-client';
import { launchBrowser, screenshot } from '../support/browser';
import { accessibilityProblems, createRider, expectAccessible, openPhone, PASSWORD, type Rider, startServiceLinkingWorld, withAccessToken, type World } from './support';

/**
 * Story 1, web linking: Alexa opens the service's authorization URI, the customer signs in and
 * consents in a real browser, Alexa redeems the code at the token endpoint; the skill then knows the
 * customer; an hour later Alexa refreshes and it still does; once the customer disables the skill,
 * the tokens Alexa held stop working. One simulator, one service (Redis store), one browser.
 */
describe('e2e story 1: web linking in a browser, refresh after an hour, disable', function () {
  this.timeout(60_000);
  let world: World;
  let browser: Browser;
  let rider: Rider;
  /** What Alexa held right after linking, and after the refresh. */
  let linked: LinkedTokens;
  let refreshed: LinkedTokens;

  before(async () => {
    [world, browser] = await Promise.all([startServiceLinkingWorld([{ name: 'Alice' }]), launchBrowser()]);
    rider = await createRider(world, 'Alice', 'alice@example.com', 'Alice Rider');
  });
  after(async () => {
    await browser?.close();
    await world?.close();
  });

  it('links: Alexa opens the authorization URI, the customer signs in and allows, Alexa redeems the code', async () => {
    const { amazon, service } = world;
    const phone = await openPhone(browser);
    const { page } = phone;
    try {
      const authorizeUrl = new URL(amazon.web.authorizeUrl({ customer: 'Alice' }));
      expect(authorizeUrl.origin + authorizeUrl.pathname).to.equal(`${service.url}/oauth/authorize`);
      expect(authorizeUrl.searchParams.get('code_challenge_method')).to.equal('S256');

      const shown = await page.goto(authorizeUrl.toString());
      expect(shown?.status()).to.equal(200);
      expect(await page.locator('h1').innerText()).to.equal('Sign in to link Alexa');
      await expectAccessible(page, 'sign-in page');
      await screenshot(page, 'e2e-web-linking-1-login');

      await page.getByLabel('Email or username').fill(rider.username);
      await page.getByLabel('Password').fill(PASSWORD);
      await Promise.all([page.waitForURL(/\/oauth\/consent/), page.getByRole('button', { name: 'Sign in' }).click()]);
      expect(await page.locator('h1').innerText()).to.equal('Allow Alexa to use your account?');
      expect(await page.locator('.account').innerText()).to.include('Alice Rider');
      await expectAccessible(page, 'consent page');
      await screenshot(page, 'e2e-web-linking-2-consent');

      await Promise.all([page.waitForURL(`${amazon.baseUrl}/**`), page.getByRole('button', { name: 'Allow' }).click()]);
      expect(await page.textContent('#message')).to.equal('Your Ride Hailer account has been successfully linked.');
      await screenshot(page, 'e2e-web-linking-3-result');
      expect(phone.cspViolations, 'form-action must allow the redirect to Alexa').to.deep.equal([]);
      expect(phone.dialogs, 'no pop-ups').to.deep.equal([]);
    } finally {
      await phone.context.close();
    }

    const back = amazon.events.find({ to: 'pitangui.amazon.com' }).at(-1);
    expect(back?.params).to.include.keys('code', 'state', 'iss');
    const redemption = amazon.events.find({ from: 'Alexa', to: 'service', path: '/oauth/token' });
    expect(redemption.map((e) => [e.params.grant_type, e.status])).to.deep.equal([['authorization_code', 200]]);
    expect(redemption[0]?.params.code_verifier, 'PKCE verifier sent, masked in the log').to.match(/^.{6}…$/);

    const link = amazon.linkStatus('Alice')?.link;
    expect(link?.via).to.equal('web');
    linked = link as LinkedTokens;
    expect(service.services.accessTokens.verify(linked.accessToken).sub).to.equal(rider.userId);
    expect(service.logs.events('consent.granted')).to.have.length(1);
  });

  it('the skill greets the linked customer by name (a signed LaunchRequest with the token)', async () => {
    const launch = await world.amazon.voice('Alice').launch();
    expect(launch.status).to.equal(200);
    expect(launch.accessToken).to.equal(linked.accessToken);
    expect(launch.speech).to.match(/^Welcome back to Ride Hailer, Alice Rider\./);
  });

  it('an hour later Alexa refreshes the token at the token endpoint and the skill still knows the customer', async () => {
    const { clock, amazon, service } = world;
    clock.advance(service.services.settings.oauth.accessTokenTtlSec * 1000);
    const launch = await amazon.voice('Alice').launch();
    const refresh = amazon.events.find({ from: 'Alexa', to: 'service', path: '/oauth/token' }).at(-1);
    expect([refresh?.params.grant_type, refresh?.status]).to.deep.equal(['refresh_token', 200]);
    refreshed = amazon.linkStatus('Alice')?.link as LinkedTokens;
    expect(refreshed.accessToken).to.not.equal(linked.accessToken);
    expect(refreshed.refreshToken, 'the refresh token rotates').to.not.equal(linked.refreshToken);
    expect(launch.accessToken).to.equal(refreshed.accessToken);
    expect(launch.speech).to.match(/^Welcome back to Ride Hailer, Alice Rider\./);
  });

  it('the customer disables the skill: SkillDisabled reaches the service, which revokes the grant', async () => {
    const { amazon, service } = world;
    const disabled = (await amazon.voice('Alice').skillDisabled()) as VoiceExchange;
    expect(disabled.status).to.equal(200);
    expect(disabled.request.request.type).to.equal('AlexaSkillEvent.SkillDisabled');
    expect(disabled.accessToken).to.equal(refreshed.accessToken);
    expect(amazon.linkStatus('Alice')).to.equal(undefined);
    expect(service.logs.events('skill.disabled').at(-1)).to.deep.include({ userId: rider.userId, grants: 1 });
  });

  it('the old tokens stop working: the skill no longer knows the access token, the token endpoint refuses the refresh token', async () => {
    const { amazon } = world;
    const alexa = amazon.voice('Alice');
    // Talking to the skill again enables it without a link: Alexa sends no token.
    const fresh = await alexa.intent('OrderRideIntent', { destination: 'Boston' });
    expect(fresh.accessToken).to.equal(undefined);
    expect(fresh.response?.response.card).to.deep.equal({ type: 'LinkAccount' });

    for (const old of [linked.accessToken, refreshed.accessToken]) {
      const order = await alexa.send(withAccessToken(fresh.request, old));
      expect(order.status).to.equal(200);
      expect(order.response?.response.card, 'a revoked token gets the LinkAccount card').to.deep.equal({ type: 'LinkAccount' });
      expect(order.speech).to.not.match(/booked/);
    }
    const launch = await alexa.launch();
    const withOld = await alexa.send(withAccessToken(launch.request, refreshed.accessToken));
    expect(withOld.speech).to.match(/^Welcome to Ride Hailer\./);

    for (const old of [linked.refreshToken, refreshed.refreshToken]) {
      const outcome = await amazon.tokenClient.refresh(old as string);
      expect(outcome.ok).to.equal(false);
      if (!outcome.ok) expect([outcome.status, outcome.error]).to.deep.equal([400, 'invalid_grant']);
    }
  });

  it('the accessibility check used above flags a page that misses each basic', async () => {
    const phone = await openPhone(browser);
    try {
      await phone.page.setContent(
        '<meta name="viewport" content="width=device-width"><body style="margin:0"><h1>One</h1><h1>Two</h1><input id="lonely" name="lonely" style="box-sizing:border-box;width:100px;height:20px"><div style="width:500px">wide</div>' +
          '<button style="width:12px;height:12px;padding:0;border:0">x</button><button style="display:none">hidden</button>',
      );
      expect(await accessibilityProblems(phone.page)).to.have.members([
        'input lonely has no label',
        '2 h1 elements',
        'scrollWidth 500 > 360',
        'lonely is too small to tap (100×20)',
        'x is too small to tap (12×12)',
        'hidden is not visible',
      ]);
    } finally {
      await phone.context.close();
    }
  });
});
