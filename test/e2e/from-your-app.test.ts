import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import type { LinkedTokens } from '../../simulator/alexa/token-client';
import { launchBrowser, screenshot } from '../support/browser';
import { appSession, callAppApi, createRider, exchangesSince, expectAccessible, lastSeq, openPhone, type Rider, startServiceLinkingWorld, withAccessToken, type World } from './support';

/**
 * Story 3, app-to-app linking started from the company's app: the app asks the service to start, the
 * customer agrees in the (simulated) Alexa app, which sends them to the app's return URL; the app is
 * not installed, so the return URL opens in the browser, where one tap finishes: the service exchanges
 * Amazon's code, finds the customer's Alexa endpoint and enables the skill with a code of its own,
 * which Alexa redeems at the service's token endpoint. Then the status says LINKED, and unlinking
 * from the app disables the skill and revokes Alexa's grant.
 */
describe('e2e story 3: app-to-app linking from your app, return URL in a browser, status, unlink', function () {
  this.timeout(60_000);
  let world: World;
  let browser: Browser;
  let rider: Rider;
  let session: string;
  let returnUrl: URL;
  let held: LinkedTokens;

  before(async () => {
    [world, browser] = await Promise.all([startServiceLinkingWorld([{ name: 'Bob' }]), launchBrowser()]);
    rider = await createRider(world, 'Bob', 'bob@example.com', 'Bob Rider');
    session = await appSession(world, rider);
  });
  after(async () => {
    await browser?.close();
    await world?.close();
  });

  it('starts: the service answers with the Alexa app URL (PKCE, single-use state) and the LWA fallback', async () => {
    const { amazon, service } = world;
    const started = await callAppApi(world, 'POST', '/app-links/start', session);
    expect(started.status).to.equal(200);
    const alexaApp = new URL(started.body.alexaAppUrl as string);
    expect(alexaApp.origin + alexaApp.pathname).to.equal(amazon.env.ALEXA_APP_LINK_URL);
    expect(Object.fromEntries(alexaApp.searchParams)).to.deep.include({
      client_id: amazon.lwaClient.id,
      scope: 'alexa::skills:account_linking',
      skill_stage: 'development',
      response_type: 'code',
      redirect_uri: `${service.url}/app-links/return`,
      state: started.body.state,
      code_challenge_method: 'S256',
    });
    expect(new URL(started.body.lwaFallbackUrl as string).origin + new URL(started.body.lwaFallbackUrl as string).pathname).to.equal(amazon.env.LWA_AUTHORIZE_URL);

    // The customer agrees in the Alexa app, which opens the app's return URL with Amazon's code.
    const consent = await fetch(alexaApp, { redirect: 'manual' });
    expect(consent.status).to.equal(302);
    returnUrl = new URL(consent.headers.get('location') as string);
    expect(returnUrl.origin + returnUrl.pathname).to.equal(`${service.url}/app-links/return`);
    expect(returnUrl.searchParams.get('state')).to.equal(started.body.state);
    expect(returnUrl.searchParams.get('code')).to.be.a('string');
  });

  it('the return URL opens in the browser; one tap enables the skill and Alexa redeems the service’s code', async () => {
    const { amazon, service } = world;
    const before = lastSeq(world);
    const phone = await openPhone(browser);
    const { page } = phone;
    try {
      const shown = await page.goto(returnUrl.toString());
      expect(shown?.status()).to.equal(200);
      expect(await page.locator('h1').innerText()).to.equal('Finish linking Alexa');
      expect(await page.getByTestId('account').innerText()).to.equal('Bob Rider (bo•••@example.com)');
      expect(exchangesSince(world, before), 'opening the page spends nothing').to.deep.equal([]);
      await expectAccessible(page, 'return confirmation page');
      await screenshot(page, 'e2e-from-your-app-1-confirm');

      // The tap posts, and the answer redirects back to the return URL (post/redirect/get), which now shows the success.
      await Promise.all([page.waitForResponse((response) => response.request().method() === 'POST' && new URL(response.url()).pathname === '/app-links/return'), page.getByRole('button', { name: 'Link Alexa' }).click()]);
      await page.locator('h1', { hasText: 'Alexa is linked' }).waitFor();
      expect(await page.getByTestId('account').innerText()).to.include('Bob Rider');
      await expectAccessible(page, 'linked page');
      await screenshot(page, 'e2e-from-your-app-2-result');
      expect(phone.cspViolations).to.deep.equal([]);
    } finally {
      await phone.context.close();
    }

    const skillId = amazon.skill.skillId;
    expect(exchangesSince(world, before)).to.deep.equal([
      'service → api.amazon.com POST /auth/o2/token 200',
      'service → api.amazonalexa.com GET /v1/alexaApiEndpoint 200',
      `service → api.amazonalexa.com POST /v1/users/~current/skills/${skillId}/enablement 201`,
      'Alexa → service POST /oauth/token 200',
    ]);
    const link = amazon.linkStatus('Bob')?.link;
    expect(link?.via).to.equal('app-to-app');
    held = link as LinkedTokens;
    expect(service.services.accessTokens.verify(held.accessToken).sub).to.equal(rider.userId);
    expect(service.logs.events('app_links.linked')).to.have.length(1);
  });

  it('the skill now knows the customer', async () => {
    const launch = await world.amazon.voice('Bob').launch();
    expect(launch.accessToken).to.equal(held.accessToken);
    expect(launch.speech).to.match(/^Welcome back to Ride Hailer, Bob Rider\./);
  });

  it('the return URL opened again shows the success and spends nothing (the state is used up)', async () => {
    const before = lastSeq(world);
    const phone = await openPhone(browser);
    try {
      const shown = await phone.page.goto(returnUrl.toString());
      expect(shown?.status()).to.equal(200);
      expect(await phone.page.locator('h1').innerText()).to.equal('Alexa is linked');
      expect(await phone.page.locator('form').count(), 'nothing to submit again').to.equal(0);
      expect(exchangesSince(world, before)).to.deep.equal([]);
      await expectAccessible(phone.page, 'linked page, opened again');
    } finally {
      await phone.context.close();
    }
  });

  it('the app reads the status from Amazon: LINKED', async () => {
    const status = await callAppApi(world, 'GET', '/app-links/status', session);
    expect(status.status).to.equal(200);
    expect(status.body).to.include({ linked: true, enablementStatus: 'ENABLED', accountLinkStatus: 'LINKED', stage: 'development' });
    expect(exchangesSince(world, lastSeq(world) - 1)).to.deep.equal([`service → api.amazonalexa.com GET /v1/users/~current/skills/${world.amazon.skill.skillId}/enablement 200`]);
  });

  it('unlinking from the app disables the skill at Amazon, revokes Alexa’s grant, and the old token stops working', async () => {
    const { amazon, service } = world;
    const unlinked = await callAppApi(world, 'DELETE', '/app-links/link', session);
    expect(unlinked.status).to.equal(200);
    expect(unlinked.body).to.deep.equal({ linked: false, amazonDisabled: true, revokedGrants: 1 });
    await amazon.settled();
    expect(amazon.linkStatus('Bob')).to.equal(undefined);
    expect(service.logs.events('skill.disabled').at(-1), 'Alexa’s SkillDisabled event reached the skill').to.deep.include({ userId: rider.userId });

    const launch = await amazon.voice('Bob').launch();
    expect(launch.accessToken).to.equal(undefined);
    const withOld = await amazon.voice('Bob').send(withAccessToken(launch.request, held.accessToken));
    expect(withOld.speech).to.match(/^Welcome to Ride Hailer\./);
    const refresh = await amazon.tokenClient.refresh(held.refreshToken as string);
    expect(refresh.ok).to.equal(false);

    expect((await callAppApi(world, 'GET', '/app-links/status', session)).body).to.include({ linked: false, reason: 'not_linked_from_app' });
  });
});
