import { randomUUID } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { expect } from 'chai';
import { runAccountCli } from '../../../server/accounts/cli';
import { RedisStore } from '../../../server/store/redis';
import { alexaUserId, intentRequest, postToSkill, skillEvent } from '../../support/alexa-requests';
import { testRedisUrl } from '../../support/redis-server';
import type { TestService } from '../../support/service';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET } from '../../support/settings';
import { callApi, signedInUser, startAppLinksService } from '../../app-links/support';
import { ADMIN, OPS_ENV } from '../ops/helpers';
import { linkRider, type LinkedRider, startSkillService } from '../skill/skill-test-kit';
import { Browser, hiddenField, postToken } from './flow-helpers';

const RESOURCE_SERVER = { INTROSPECTION_CLIENT_ID: 'orders-api', INTROSPECTION_CLIENT_SECRET: 'orders-api-secret-0123456789abcdef' };

async function active(service: TestService, token: string): Promise<unknown> {
  const result = await postToken(service, { token }, 'basic', '/oauth/introspect', { id: RESOURCE_SERVER.INTROSPECTION_CLIENT_ID, secret: RESOURCE_SERVER.INTROSPECTION_CLIENT_SECRET });
  expect(result.status, result.text).to.equal(200);
  return result.body.active;
}

/** Whether the skill endpoint treats the token as linked (an order is taken rather than the LinkAccount card sent). */
async function skillAccepts(service: TestService, token: string): Promise<boolean> {
  const answer = await postToSkill(service.url, intentRequest('OrderRideIntent', { destination: 'Seattle' }, { clock: service.clock, accessToken: token }));
  expect(answer.status).to.equal(200);
  return answer.body.response?.card?.type !== 'LinkAccount';
}

/**
 * Every way a grant is revoked: introspection answers active: false at once, and the skill endpoint of
 * the process that revoked stops accepting the token at once (its revocation cache hears the event).
 */
describe('revocation seen everywhere', () => {
  let service: TestService;
  let store: RedisStore;
  let prefix: string;
  before(async () => {
    prefix = `test:${randomUUID()}:`;
    store = new RedisStore({ url: await testRedisUrl(), keyPrefix: prefix });
    service = await startSkillService({ ...OPS_ENV, ...RESOURCE_SERVER }, { store });
  });
  after(async () => service?.close());

  /** A linked rider whose token the skill has already accepted once, so its "not revoked" answer is cached. */
  async function warmRider(): Promise<LinkedRider> {
    const rider = await linkRider(service, 'Sam');
    expect(await active(service, rider.accessToken)).to.equal(true);
    expect(await skillAccepts(service, rider.accessToken)).to.equal(true);
    return rider;
  }

  it('RFC 7009 /oauth/revoke', async () => {
    const rider = await warmRider();
    expect((await postToken(service, { token: rider.accessToken }, 'basic', '/oauth/revoke', { id: TEST_CLIENT_ID, secret: TEST_CLIENT_SECRET })).status).to.equal(200);
    expect(await active(service, rider.accessToken)).to.equal(false);
    expect(await skillAccepts(service, rider.accessToken)).to.equal(false);
  });

  it('SkillDisabled', async () => {
    const rider = await warmRider();
    const disabled = await postToSkill(service.url, skillEvent('AlexaSkillEvent.SkillDisabled', undefined, { clock: service.clock, userId: alexaUserId('disabling'), accessToken: rider.accessToken }));
    expect(disabled.status).to.equal(200);
    expect(await active(service, rider.accessToken)).to.equal(false);
    expect(await skillAccepts(service, rider.accessToken)).to.equal(false);
  });

  it('an operator on /ops', async () => {
    const rider = await warmRider();
    const browser = new Browser(service.url);
    const login = await (await browser.get('/ops/login')).text();
    expect((await browser.postForm('/ops/login', { csrf: hiddenField(login, 'csrf'), username: ADMIN.username, password: ADMIN.password })).status).to.equal(303);
    const userPage = await (await browser.get(`/ops/users?q=${rider.account.id}`)).text();
    const revoked = await browser.postForm('/ops/users/revoke', { user: rider.account.id, csrf: hiddenField(userPage, 'csrf') });
    expect(revoked.status).to.equal(200);
    expect(await active(service, rider.accessToken)).to.equal(false);
    expect(await skillAccepts(service, rider.accessToken)).to.equal(false);
  });

  it('refresh token reuse (a stolen token)', async () => {
    const { refreshTokens, accessTokens } = service.services;
    const rider = await linkRider(service, 'Sam');
    const { token: refresh, family } = await refreshTokens.issue({ userId: rider.account.id, clientId: TEST_CLIENT_ID, scope: 'profile' });
    const access = accessTokens.sign({ userId: rider.account.id, clientId: TEST_CLIENT_ID, scope: 'profile', familyId: family.id }).token;
    expect((await postToken(service, { grant_type: 'refresh_token', refresh_token: refresh })).status).to.equal(200);
    service.clock.advance((service.services.settings.oauth.refreshGraceSec + 1) * 1000);
    expect(await skillAccepts(service, access)).to.equal(true);
    expect((await postToken(service, { grant_type: 'refresh_token', refresh_token: refresh })).body.error).to.equal('invalid_grant');
    expect(await active(service, access)).to.equal(false);
    expect(await skillAccepts(service, access)).to.equal(false);
  });

  for (const command of ['revoke', 'delete']) {
    it(`the account CLI's ${command} (another process): introspection at once, this skill within SKILL_REVOCATION_CACHE_MS`, async () => {
      const rider = await warmRider();
      const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
      const code = await runAccountCli([command, rider.account.username], {
        stdin: Readable.from(['']),
        stdout: quiet,
        stderr: quiet,
        env: { REDIS_URL: await testRedisUrl(), REDIS_KEY_PREFIX: prefix, OAUTH_CLIENT_ID: TEST_CLIENT_ID, OAUTH_CLIENT_SECRET: TEST_CLIENT_SECRET, DEMO_ACCOUNT: 'false', LOG_LEVEL: 'silent' },
      });
      expect(code).to.equal(0);
      expect(await active(service, rider.accessToken)).to.equal(false);
      // This process heard nothing: its cached answer holds until the bound…
      expect(await skillAccepts(service, rider.accessToken)).to.equal(true);
      service.clock.advance(service.services.settings.skill.revocationCacheMs + 1);
      expect(await skillAccepts(service, rider.accessToken)).to.equal(false);
    });
  }
});

describe('revocation seen everywhere: app-links unlink', () => {
  let service: TestService;
  before(async () => {
    service = await startAppLinksService({ env: RESOURCE_SERVER });
  });
  after(async () => service?.close());

  it('DELETE /app-links/link ends Alexa\'s grant for introspection at once', async () => {
    const { token, userId } = await signedInUser(service);
    const redirectUri = 'https://pitangui.amazon.com/api/skill/link/M2TESTVENDOR1';
    const code = await service.services.codes.issue({ clientId: TEST_CLIENT_ID, redirectUri, userId, scope: 'profile' });
    const alexa = await service.services.grants.exchangeCode(code, { clientId: TEST_CLIENT_ID, redirectUri, codeVerifier: undefined });
    expect(await active(service, alexa.access_token)).to.equal(true);
    expect((await callApi(service, 'DELETE', '/app-links/link', token)).body).to.include({ linked: false, revokedGrants: 1 });
    expect(await active(service, alexa.access_token)).to.equal(false);
    // The app's own session was not Alexa's grant: it stays active.
    expect(await active(service, token)).to.equal(true);
  });
});
