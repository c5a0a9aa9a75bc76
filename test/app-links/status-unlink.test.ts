import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import nock from 'nock';
import type { TestService } from '../support/service';
import { TEST_CLIENT_ID } from '../support/settings';
import {
  ALEXA_API,
  ALEXA_API_EU,
  AMAZON_TOKENS,
  callApi,
  ENABLED,
  ENABLEMENT_PATH,
  expectNoSecretsLogged,
  isolateNetwork,
  LWA_CLIENT_ID,
  LWA_CLIENT_SECRET,
  mockDiscovery,
  mockEnable,
  mockLwaToken,
  type SeenRequest,
  signedInUser,
  startAppLinksService,
  startAttempt,
} from './support';

/** Links a fresh user through the whole from-your-app flow; Alexa redeems our code on the EU endpoint. */
async function linkedUser(service: TestService): Promise<{ token: string; userId: string; familyId: string; alexaAccessToken: string }> {
  const user = await signedInUser(service);
  const { state } = await startAttempt(service, user.token);
  mockLwaToken([]);
  mockDiscovery([], ['api.eu.amazonalexa.com']);
  let alexaAccessToken = '';
  mockEnable(ALEXA_API_EU, async (body) => {
    const tokens = await service.services.grants.exchangeCode(body.accountLinkRequest.authCode, { clientId: TEST_CLIENT_ID, redirectUri: body.accountLinkRequest.redirectUri, codeVerifier: undefined });
    alexaAccessToken = tokens.access_token;
    return [201, ENABLED];
  });
  const done = await callApi(service, 'POST', '/app-links/complete', user.token, { code: 'ANAmazonCode', state });
  expect(done.status, JSON.stringify(done.body)).to.equal(200);
  return { token: user.token, userId: user.userId, familyId: user.familyId, alexaAccessToken };
}

/** Moves the clock past the Amazon token's hour; the app's own token (also an hour) is renewed as the app would. */
function anHourLater(service: TestService, user: { userId: string; familyId: string }): string {
  service.clock.advance(3600_000);
  return service.services.accessTokens.sign({ userId: user.userId, clientId: 'company-app', scope: 'profile', familyId: user.familyId }).token;
}

/** Whether the grant behind Alexa's access token of ours is revoked (read from its sid, so an expired token can be asked too). */
async function alexaTokenRevoked(service: TestService, alexaAccessToken: string): Promise<boolean> {
  const claims = jwt.decode(alexaAccessToken) as { sid: string };
  return service.services.revocations.isRevoked(claims);
}

describe('GET /app-links/status and DELETE /app-links/link', () => {
  isolateNetwork();
  let service: TestService;
  before(async () => {
    service = await startAppLinksService();
  });
  after(async () => service?.close());

  describe('status', () => {
    it('says not linked, without asking Amazon, when the user never linked from the app', async () => {
      const { token } = await signedInUser(service);
      const { status, body } = await callApi(service, 'GET', '/app-links/status', token);
      expect(status).to.equal(200);
      expect(body).to.deep.equal({ linked: false, enablementStatus: null, accountLinkStatus: null, stage: null, linkedAt: null, reason: 'not_linked_from_app' });
    });

    it('asks the Skill Enablement API on the endpoint that linked, with the stored Amazon token', async () => {
      const { token } = await linkedUser(service);
      let authorization: unknown;
      nock(ALEXA_API_EU)
        .get(ENABLEMENT_PATH)
        .reply(function () {
          authorization = this.req.headers.authorization;
          return [200, ENABLED];
        });
      const { status, body } = await callApi(service, 'GET', '/app-links/status', token);
      expect(status).to.equal(200);
      expect(body).to.deep.include({ linked: true, enablementStatus: 'ENABLED', accountLinkStatus: 'LINKED', stage: 'development' });
      expect(Date.parse(body.linkedAt as string)).to.equal(service.clock.now());
      expect(authorization).to.equal(`Bearer ${AMAZON_TOKENS.access_token}`);
    });

    it('refreshes the Amazon access token after its hour, keeps the new one, and uses it', async () => {
      const linked = await linkedUser(service);
      const { userId } = linked;
      const token = anHourLater(service, linked);
      const refresh: SeenRequest[] = [];
      mockLwaToken(refresh, 200, { access_token: 'Atza|IwEBIRefreshedAccessToken', token_type: 'bearer', expires_in: '3600' });
      const seen: unknown[] = [];
      nock(ALEXA_API_EU)
        .get(ENABLEMENT_PATH)
        .times(2)
        .reply(function () {
          seen.push(this.req.headers.authorization);
          return [200, ENABLED];
        });
      expect((await callApi(service, 'GET', '/app-links/status', token)).body.linked).to.equal(true);
      expect(refresh[0]?.body).to.deep.equal({ grant_type: 'refresh_token', refresh_token: AMAZON_TOKENS.refresh_token, client_id: LWA_CLIENT_ID, client_secret: LWA_CLIENT_SECRET });
      // The second status within the new hour needs no refresh (nock would refuse a second token call).
      expect((await callApi(service, 'GET', '/app-links/status', token)).body.linked).to.equal(true);
      expect(seen).to.deep.equal(['Bearer Atza|IwEBIRefreshedAccessToken', 'Bearer Atza|IwEBIRefreshedAccessToken']);
      expect(await service.store.get(`app-link:${userId}`)).to.not.include('Atza|IwEBIRefreshedAccessToken');
      expectNoSecretsLogged(service, ['Atza|IwEBIRefreshedAccessToken', AMAZON_TOKENS.refresh_token]);
    });

    it('reports skill_disabled and forgets the link when Amazon refuses the refresh token', async () => {
      const linked = await linkedUser(service);
      const { userId } = linked;
      const token = anHourLater(service, linked);
      mockLwaToken([], 400, { error: 'invalid_grant', error_description: 'The request has an invalid grant parameter : refresh_token' });
      const { status, body } = await callApi(service, 'GET', '/app-links/status', token);
      expect(status).to.equal(200);
      expect(body).to.include({ linked: false, reason: 'skill_disabled' });
      expect(await service.store.get(`app-link:${userId}`)).to.equal(null);
    });

    it('reports skill_disabled when the enablement API answers 401 (the user disabled the skill in the Alexa app)', async () => {
      const { token, userId } = await linkedUser(service);
      nock(ALEXA_API_EU).get(ENABLEMENT_PATH).reply(401, { message: 'Unauthorized' });
      expect((await callApi(service, 'GET', '/app-links/status', token)).body).to.include({ linked: false, reason: 'skill_disabled' });
      expect(await service.store.get(`app-link:${userId}`)).to.equal(null);
    });

    it('passes an outage on as 503 amazon_unavailable and keeps the link', async () => {
      const { token, userId } = await linkedUser(service);
      nock(ALEXA_API_EU).get(ENABLEMENT_PATH).times(3).reply(500, {});
      const { status, body } = await callApi(service, 'GET', '/app-links/status', token);
      expect([status, body.error]).to.deep.equal([503, 'amazon_unavailable']);
      expect(await service.store.get(`app-link:${userId}`)).to.not.equal(null);
    });

    it('treats a link sealed with a key the service no longer has as absent', async () => {
      const { token, userId } = await linkedUser(service);
      const raw = JSON.parse((await service.store.get(`app-link:${userId}`)) as string) as Record<string, string>;
      await service.store.set(`app-link:${userId}`, JSON.stringify({ ...raw, refreshToken: raw.refreshToken?.replace(/^v1\.[^.]+/, 'v1.OLDKEY00') }));
      expect((await callApi(service, 'GET', '/app-links/status', token)).body).to.include({ linked: false, reason: 'not_linked_from_app' });
      expect(service.logs.events('app_links.link_unreadable').length).to.be.greaterThan(0);
    });
  });

  describe('unlink', () => {
    it('disables the skill at Amazon, revokes Alexa\'s grant of ours, and keeps the app\'s own session', async () => {
      const { token, userId, alexaAccessToken } = await linkedUser(service);
      let authorization: unknown;
      nock(ALEXA_API_EU)
        .delete(ENABLEMENT_PATH)
        .reply(function () {
          authorization = this.req.headers.authorization;
          return [204];
        });
      const { status, body } = await callApi(service, 'DELETE', '/app-links/link', token);
      expect(status).to.equal(200);
      expect(body).to.deep.equal({ linked: false, amazonDisabled: true, revokedGrants: 1 });
      expect(authorization).to.equal(`Bearer ${AMAZON_TOKENS.access_token}`);
      expect(await alexaTokenRevoked(service, alexaAccessToken)).to.equal(true);
      expect(await service.store.get(`app-link:${userId}`)).to.equal(null);
      // The app is still signed in: its status call works and finds no link.
      expect((await callApi(service, 'GET', '/app-links/status', token)).body).to.include({ linked: false, reason: 'not_linked_from_app' });
    });

    it('changes nothing when Amazon cannot be reached, so the user can retry', async () => {
      const { token, userId, alexaAccessToken } = await linkedUser(service);
      nock(ALEXA_API_EU).delete(ENABLEMENT_PATH).times(3).reply(503, {});
      const { status, body } = await callApi(service, 'DELETE', '/app-links/link', token);
      expect([status, body.error]).to.deep.equal([503, 'amazon_unavailable']);
      expect(await alexaTokenRevoked(service, alexaAccessToken)).to.equal(false);
      expect(await service.store.get(`app-link:${userId}`)).to.not.equal(null);
    });

    it('still revokes our grants when the skill was already disabled at Amazon (404 or 401)', async () => {
      const first = await linkedUser(service);
      nock(ALEXA_API_EU).delete(ENABLEMENT_PATH).reply(404, {});
      expect((await callApi(service, 'DELETE', '/app-links/link', first.token)).body).to.deep.equal({ linked: false, amazonDisabled: false, revokedGrants: 1 });
      expect(await alexaTokenRevoked(service, first.alexaAccessToken)).to.equal(true);

      const second = await linkedUser(service);
      nock(ALEXA_API_EU).delete(ENABLEMENT_PATH).reply(401, {});
      expect((await callApi(service, 'DELETE', '/app-links/link', second.token)).body).to.deep.equal({ linked: false, amazonDisabled: false, revokedGrants: 1 });
    });

    it('revokes our grants even without a stored Amazon link (linked from the Alexa app)', async () => {
      const { token, userId } = await signedInUser(service);
      const code = await service.services.codes.issue({ clientId: TEST_CLIENT_ID, redirectUri: 'https://pitangui.amazon.com/api/skill/link/M2TESTVENDOR1', userId, scope: 'profile' });
      const alexa = await service.services.grants.exchangeCode(code, { clientId: TEST_CLIENT_ID, redirectUri: 'https://pitangui.amazon.com/api/skill/link/M2TESTVENDOR1', codeVerifier: undefined });
      expect((await callApi(service, 'DELETE', '/app-links/link', token)).body).to.deep.equal({ linked: false, amazonDisabled: false, revokedGrants: 1 });
      expect(await alexaTokenRevoked(service, alexa.access_token)).to.equal(true);
    });

    it('refuses without a valid bearer token', async () => {
      expect((await callApi(service, 'DELETE', '/app-links/link', undefined)).status).to.equal(401);
      expect((await callApi(service, 'GET', '/app-links/status', 'garbage')).status).to.equal(401);
    });
  });
});

describe('app-links flow on a real Redis', () => {
  isolateNetwork();
  let service: TestService;
  before(async () => {
    service = await startAppLinksService({ store: 'redis' });
  });
  after(async () => service?.close());

  it('links, keeps the Amazon tokens sealed, refreshes after the hour and unlinks', async () => {
    const linked = await linkedUser(service);
    const { userId, alexaAccessToken } = linked;
    const raw = (await service.store.get(`app-link:${userId}`)) as string;
    expect(raw).to.not.include(AMAZON_TOKENS.refresh_token);
    const token = anHourLater(service, linked);
    mockLwaToken([], 200, { access_token: 'Atza|IwEBIRedisRefreshed', token_type: 'bearer', expires_in: 3600 });
    nock(ALEXA_API_EU).get(ENABLEMENT_PATH).matchHeader('authorization', 'Bearer Atza|IwEBIRedisRefreshed').reply(200, ENABLED);
    expect((await callApi(service, 'GET', '/app-links/status', token)).body.linked).to.equal(true);
    nock(ALEXA_API_EU).delete(ENABLEMENT_PATH).matchHeader('authorization', 'Bearer Atza|IwEBIRedisRefreshed').reply(204);
    expect((await callApi(service, 'DELETE', '/app-links/link', token)).body).to.deep.equal({ linked: false, amazonDisabled: true, revokedGrants: 1 });
    expect(await alexaTokenRevoked(service, alexaAccessToken)).to.equal(true);
  });

  it('lets exactly one of two concurrent completes with the same state reach Amazon', async () => {
    const { token } = await signedInUser(service);
    const { state } = await startAttempt(service, token);
    mockLwaToken([]);
    mockDiscovery([]);
    mockEnable(ALEXA_API, () => [201, ENABLED]);
    const answers = await Promise.all([1, 2].map(() => callApi(service, 'POST', '/app-links/complete', token, { code: 'ANAmazonCode', state })));
    expect(answers.map((a) => a.status).sort()).to.deep.equal([200, 400]);
    expect(answers.find((a) => a.status === 400)?.body.error).to.be.oneOf(['state_reused', 'state_invalid']);
  });
});
