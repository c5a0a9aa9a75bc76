import { expect } from 'chai';
import { type Browser, chromium } from 'playwright-core';
import { ManualClock } from '../../server/clock';
import { type AmazonSimulator, startAmazonSimulator } from '../../simulator';
import { startTestService, type TestService } from '../support/service';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_VENDOR_ID } from '../support/settings';
import { amazonAccessToken, sharedCertificate } from './helpers';
import { SkillReceiver } from './skill-receiver';

const APP_RETURN = 'https://app.example.com/alexa/return';
const PASSWORD = 'correct horse battery staple';

/**
 * The simulator against the REAL service: its token endpoint is the counterpart of Alexa's code
 * redemption (Skill Enablement, web linking) and of Alexa's refreshes.
 */
describe('simulator with the service', function () {
  let clock: ManualClock;
  let amazon: AmazonSimulator;
  let service: TestService;
  let skill: SkillReceiver;
  let userId: string;

  before(async function () {
    // The token endpoint is another helper's work; until it answers, these tests are pending.
    const probe = await startTestService();
    try {
      const answer = await fetch(`${probe.url}/oauth/token`, { method: 'POST' });
      if (answer.status === 404) this.skip();
    } finally {
      await probe.close();
    }
  });

  beforeEach(async () => {
    clock = new ManualClock();
    skill = await new SkillReceiver().start();
    amazon = await startAmazonSimulator({
      clock,
      certificate: sharedCertificate(),
      service: { clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET, vendorId: TEST_VENDOR_ID, scheme: 'HTTP_BASIC', name: 'Ride Hailer' },
      lwaClient: { redirectUris: [APP_RETURN] },
      users: [{ name: 'Alice' }],
    });
    service = await startTestService({ clock, env: amazon.env });
    amazon.connectService({ url: service.url, skillEndpoint: skill.url });
    userId = (await service.services.accounts.create({ username: 'rider@example.com', password: PASSWORD })).id;
  });
  afterEach(async () => {
    await amazon?.close();
    await service?.close();
    await skill?.close();
  });

  /** What the service's app-to-app companion does: mint a code for the user, for Alexa's client. */
  function serviceCode(): Promise<string> {
    return service.services.codes.issue({ clientId: TEST_CLIENT_ID, redirectUri: APP_RETURN, userId, scope: 'profile', redirectUriOptional: true });
  }

  async function enable(authCode: string): Promise<Response> {
    const token = await amazonAccessToken(amazon, 'Alice', APP_RETURN);
    return fetch(`${amazon.hosts['api.amazonalexa.com']}/v1/users/~current/skills/${amazon.skill.skillId}/enablement`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ stage: 'development', accountLinkRequest: { redirectUri: APP_RETURN, authCode, type: 'AUTH_CODE' } }),
    });
  }

  describe('Skill Enablement redeems the service’s code at its token URI', () => {
    it('with HTTP Basic: 201 LINKED, and Alexa holds the service’s tokens for the customer', async () => {
      const response = await enable(await serviceCode());
      expect(response.status).to.equal(201);
      expect(await response.json()).to.deep.include({ accountLink: { status: 'LINKED' }, status: 'ENABLED' });
      const link = amazon.linkStatus('Alice')?.link;
      expect(link?.via).to.equal('app-to-app');
      expect(service.services.accessTokens.verify(link?.accessToken ?? '').sub).to.equal(userId);
      const call = amazon.events.find({ from: 'Alexa', to: 'service' });
      expect(call).to.have.length(1);
      expect(call[0]?.params).to.include({ grant_type: 'authorization_code', redirect_uri: APP_RETURN });
      expect(call[0]?.params.authorization).to.match(/^Basic /);
      expect(call[0]?.params).to.not.have.property('client_secret');
      expect(service.logs.events('token.issued')).to.have.length(1);
    });

    it('with credentials in the request body', async () => {
      amazon.connectService({ scheme: 'REQUEST_BODY_CREDENTIALS' });
      expect((await enable(await serviceCode())).status).to.equal(201);
      const call = amazon.events.find({ from: 'Alexa', to: 'service' })[0];
      expect(call?.params).to.include({ client_id: TEST_CLIENT_ID, client_secret: '[masked]' });
      expect(call?.params).to.not.have.property('authorization');
    });

    it('answers 400 "Invalid account linking credentials" when the service refuses the code, and links nothing', async () => {
      const code = await serviceCode();
      expect((await enable(code)).status).to.equal(201);
      const replay = await enable(code);
      expect(replay.status).to.equal(400);
      expect(await replay.json()).to.deep.equal({ message: 'Invalid account linking credentials' });
      const refused = service.logs.events('token.refused');
      expect(refused).to.have.length(1);
      expect(refused[0]).to.include({ error: 'invalid_grant' });
    });

    it('answers 400 when Alexa is configured with the wrong client secret', async () => {
      amazon.connectService({ clientSecret: 'not-the-secret-0123456789abcdef' });
      const response = await enable(await serviceCode());
      expect(response.status).to.equal(400);
      expect(await response.json()).to.deep.equal({ message: 'Invalid account linking credentials' });
      expect(amazon.linkStatus('Alice')?.link).to.equal(undefined);
      expect(amazon.events.find({ from: 'Alexa', to: 'service' })[0]?.note).to.contain('invalid_client');
    });
  });

  describe('disabling through the Skill Enablement API', () => {
    it('answers 204, then delivers SkillDisabled with the user id and the access token Alexa held', async () => {
      const token = await amazonAccessToken(amazon, 'Alice', APP_RETURN);
      const url = `${amazon.hosts['api.amazonalexa.com']}/v1/users/~current/skills/${amazon.skill.skillId}/enablement`;
      const created = await fetch(url, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ stage: 'development', accountLinkRequest: { redirectUri: APP_RETURN, authCode: await serviceCode(), type: 'AUTH_CODE' } }),
      });
      const { user } = (await created.json()) as { user: { id: string } };
      const held = amazon.linkStatus('Alice')?.link?.accessToken;
      const removed = await fetch(url, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });
      expect(removed.status).to.equal(204);
      await amazon.settled();
      const event = skill.last().envelope;
      expect(event.request.type).to.equal('AlexaSkillEvent.SkillDisabled');
      expect(event.context.System.user).to.deep.equal({ userId: user.id, accessToken: held });
      expect(service.services.accessTokens.verify(held ?? '').sub).to.equal(userId);
    });
  });

  describe('refreshing through the service', () => {
    it('refreshes after expires_in on the shared clock, keeps the rotated refresh token, and refreshes again', async () => {
      expect((await enable(await serviceCode())).status).to.equal(201);
      const first = amazon.linkStatus('Alice')?.link;
      const ttlMs = (first?.expiresAt ?? 0) - (first?.obtainedAt ?? 0);
      expect(ttlMs).to.equal(service.services.settings.oauth.accessTokenTtlSec * 1000);

      clock.advance(ttlMs);
      await amazon.alexa.launch();
      const second = amazon.linkStatus('Alice')?.link;
      expect(skill.last().envelope.context.System.user.accessToken).to.equal(second?.accessToken);
      expect(second?.accessToken).to.not.equal(first?.accessToken);
      expect(second?.refreshToken).to.not.equal(first?.refreshToken);
      expect(service.services.accessTokens.verify(second?.accessToken ?? '').sub).to.equal(userId);

      clock.advance(ttlMs);
      await amazon.alexa.intent('AMAZON.HelpIntent');
      const third = amazon.linkStatus('Alice')?.link;
      expect(third?.accessToken).to.not.equal(second?.accessToken);
      expect(skill.last().envelope.context.System.user.accessToken).to.equal(third?.accessToken);
      const refreshes = amazon.events.find({ from: 'Alexa', to: 'service' }).filter((e) => e.params.grant_type === 'refresh_token');
      expect(refreshes.map((e) => e.status)).to.deep.equal([200, 200]);
    });

    it('unlinks when the service revokes the user’s tokens', async () => {
      expect((await enable(await serviceCode())).status).to.equal(201);
      await service.services.revocations.revokeUser(userId, 'test');
      clock.advance(service.services.settings.oauth.accessTokenTtlSec * 1000);
      const exchange = await amazon.alexa.launch();
      expect(exchange.accessToken).to.equal(undefined);
      expect(amazon.linkStatus('Alice')?.link).to.equal(undefined);
    });
  });

  describe('signed requests to the service’s skill endpoint', () => {
    it('are accepted when signed with the chain the service was told to trust, refused when tampered or stale', async function () {
      amazon.connectService({ skillEndpoint: `${service.url}/alexa` });
      const launch = await amazon.alexa.launch();
      // The skill endpoint is another helper's work; until it answers, this test is pending.
      if (launch.status === 404) this.skip();
      expect(launch.status).to.equal(200);
      expect(launch.response?.version).to.equal('1.0');
      expect(launch.speech).to.be.a('string').and.not.equal('');
      expect(amazon.events.find({ to: 's3.amazonaws.com' })[0]).to.deep.include({ from: 'service', status: 200 });
      expect((await amazon.alexa.launch({ signature: 'tampered' })).status).to.equal(400);
      expect((await amazon.alexa.launch({ signature: 'missing' })).status).to.equal(400);
      expect((await amazon.alexa.launch({ timestamp: clock.now() - 151_000 })).status).to.equal(400);
    });
  });

  describe('web linking in a real browser', () => {
    let browser: Browser;
    before(async () => {
      browser = await chromium.launch({
        executablePath: '/usr/bin/chromium',
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      });
    });
    after(async () => browser?.close());

    it('opens the service’s authorization page with PKCE, signs in, allows, and lands on Alexa’s success page', async () => {
      const page = await browser.newPage();
      try {
        const authorizeUrl = new URL(amazon.web.authorizeUrl());
        expect(authorizeUrl.searchParams.get('code_challenge_method')).to.equal('S256');
        expect(authorizeUrl.searchParams.get('redirect_uri')).to.equal(amazon.web.redirectUri);
        await page.goto(authorizeUrl.toString());
        await page.fill('#username', 'rider@example.com');
        await page.fill('#password', PASSWORD);
        await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
        await Promise.all([page.waitForURL(`${amazon.baseUrl}/**`), page.click('button[value=allow]')]);
        expect(await page.textContent('#message')).to.equal('Your Ride Hailer account has been successfully linked.');
      } finally {
        await page.close();
      }
      const link = amazon.linkStatus('Alice')?.link;
      expect(link?.via).to.equal('web');
      expect(service.services.accessTokens.verify(link?.accessToken ?? '').sub).to.equal(userId);
      const redemption = amazon.events.find({ from: 'Alexa', to: 'service' })[0];
      expect(redemption?.params).to.include({ grant_type: 'authorization_code', redirect_uri: amazon.web.redirectUri });
      expect(redemption?.params.code_verifier).to.match(/…$/);
    });

    it('shows Alexa’s failure page when the user denies', async () => {
      const page = await browser.newPage();
      try {
        await page.goto(amazon.web.authorizeUrl());
        await page.fill('#username', 'rider@example.com');
        await page.fill('#password', PASSWORD);
        await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
        await Promise.all([page.waitForURL(`${amazon.baseUrl}/**`), page.click('button[value=deny]')]);
        expect(await page.textContent('#message')).to.equal('We were unable to link Ride Hailer at this time.');
      } finally {
        await page.close();
      }
      expect(amazon.linkStatus('Alice')).to.equal(undefined);
      expect(amazon.events.find({ to: 'pitangui.amazon.com' })[0]?.note).to.contain('error=access_denied');
    });
  });
});
