import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { opsOf } from '../../../server/ops/ops';
import { intentRequest, postToSkill, TEST_SKILL_ID } from '../../support/alexa-requests';
import { RedisServer } from '../../support/redis-server';
import { startTestService, type TestService } from '../../support/service';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET } from '../../support/settings';
import { ALEXA_REDIRECTS, authorizeQuery, Browser, createRider, obtainCode, pkcePair, postToken, redeem } from '../oauth/flow-helpers';
import { linkRider } from '../skill/skill-test-kit';
import { metric, OPS_ENV, scrapeMetrics } from './helpers';
import { RedisStore } from '../../../server/store/redis';

/** What one refused request left behind: its log line(s) of the event and the newest failure record. */
async function observe(service: TestService, event: string, act: () => Promise<unknown>) {
  const before = service.logs.lines.length;
  const failuresBefore = (await opsOf(service.services).failures.recent(1))[0]?.seq ?? 0;
  await act();
  const lines = service.logs.lines.slice(before).filter((line) => line.event === event);
  const newest = (await opsOf(service.services).failures.recent(1))[0];
  return { lines, record: newest && newest.seq > failuresBefore ? newest : undefined };
}

describe('linking failures: one actionable line, a metric and a diagnostics record per refusal', () => {
  let service: TestService;
  before(async () => {
    service = await startTestService({ env: { ...OPS_ENV, SKILL_VERIFY_SIGNATURE: 'false', SKILL_ID: TEST_SKILL_ID } });
    await createRider(service);
  });
  after(async () => service?.close());

  /** Expects one token.refused line with this category and a record of it; returns the line. */
  async function tokenRefusal(category: string, act: () => Promise<{ status: number }>, status = 400) {
    let answered = 0;
    const { lines, record } = await observe(service, 'token.refused', async () => {
      answered = (await act()).status;
    });
    expect(answered).to.equal(status);
    expect(lines, JSON.stringify(lines)).to.have.length(1);
    const line = lines[0] as Record<string, unknown>;
    expect(line).to.include({ step: 'token', category });
    expect(line.advice).to.be.a('string').with.length.greaterThan(40);
    expect(line.reqId).to.be.a('string');
    expect(record, 'a failure record').to.not.equal(undefined);
    expect(record).to.include({ step: 'token', category, code: line.error, reqId: line.reqId, advice: line.advice });
    return line;
  }

  it('explains client authentication failures', async () => {
    await tokenRefusal('client_unknown', () => postToken(service, { grant_type: 'authorization_code', code: 'x' }, 'basic', '/oauth/token', { id: 'not-our-client', secret: TEST_CLIENT_SECRET }), 401);
    const wrong = await tokenRefusal('client_secret_wrong', () => postToken(service, { grant_type: 'refresh_token', refresh_token: 'x' }, 'body', '/oauth/token', { id: TEST_CLIENT_ID, secret: 'not-the-secret' }), 401);
    expect(wrong).to.include({ client_id: TEST_CLIENT_ID, grant_type: 'refresh_token' });
    expect(String(wrong.advice)).to.include('OAUTH_CLIENT_SECRET');
    await tokenRefusal('client_auth_malformed', async () => {
      const response = await fetch(`${service.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic !!!' },
        body: 'grant_type=refresh_token&refresh_token=x',
      });
      return { status: response.status };
    }, 401);
  });

  it('explains authorization-code failures: unknown, expired, replayed, wrong redirect URI, PKCE', async () => {
    await tokenRefusal('code_unknown', () => postToken(service, { grant_type: 'authorization_code', code: randomBytes(32).toString('base64url'), redirect_uri: ALEXA_REDIRECTS[0] }));

    const late = await obtainCode(service);
    service.clock.advance((service.services.settings.oauth.authCodeTtlSec + 1) * 1000);
    await tokenRefusal('code_expired', () => postToken(service, { grant_type: 'authorization_code', code: late.code, redirect_uri: late.redirectUri }));

    const twice = await obtainCode(service);
    await redeem(service, twice.code, twice.redirectUri);
    await tokenRefusal('code_replayed', () => postToken(service, { grant_type: 'authorization_code', code: twice.code, redirect_uri: twice.redirectUri }));

    const elsewhere = await obtainCode(service);
    const mismatch = await tokenRefusal('redirect_uri_mismatch', () => postToken(service, { grant_type: 'authorization_code', code: elsewhere.code, redirect_uri: ALEXA_REDIRECTS[1] }));
    expect(String(mismatch.reason)).to.include(ALEXA_REDIRECTS[0]).and.to.include(ALEXA_REDIRECTS[1]);

    const { challenge } = pkcePair();
    const pkce = await obtainCode(service, { challenge });
    await tokenRefusal('pkce_failed', () => postToken(service, { grant_type: 'authorization_code', code: pkce.code, redirect_uri: pkce.redirectUri }));
  });

  it('explains refresh failures: malformed, unknown, revoked, reused', async () => {
    await tokenRefusal('refresh_malformed', () => postToken(service, { grant_type: 'refresh_token', refresh_token: 'not-a-refresh-token' }));
    await tokenRefusal('refresh_expired', () => postToken(service, { grant_type: 'refresh_token', refresh_token: `${randomBytes(16).toString('base64url')}.${randomBytes(32).toString('base64url')}` }));

    const first = await obtainCode(service);
    const tokens = await redeem(service, first.code, first.redirectUri);
    const rotated = await postToken(service, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string });
    expect(rotated.status).to.equal(200);
    await postToken(service, { grant_type: 'refresh_token', refresh_token: rotated.body.refresh_token as string });
    // The first token is now two generations old: reuse, and the family is revoked.
    await tokenRefusal('refresh_reused', () => postToken(service, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string }));
    const revoked = await tokenRefusal('refresh_revoked', () => postToken(service, { grant_type: 'refresh_token', refresh_token: rotated.body.refresh_token as string }));
    expect(String(revoked.reason)).to.include('refresh token reused');
  });

  it('explains malformed requests and unsupported grant types', async () => {
    await tokenRefusal('grant_type_unsupported', () => postToken(service, { grant_type: 'password', username: 'a', password: 'b' }));
    await tokenRefusal('request_malformed', () => postToken(service, { code: 'x' }));
  });

  it('counts the token requests by grant type and outcome, and the failures by reason', async () => {
    const text = await scrapeMetrics(service);
    expect(metric(text, 'linkwright_token_requests_total', { grant_type: 'authorization_code', outcome: 'issued' })).to.equal(2);
    expect(metric(text, 'linkwright_token_requests_total', { grant_type: 'refresh_token', outcome: 'issued' })).to.equal(2);
    expect(metric(text, 'linkwright_token_requests_total', { grant_type: 'authorization_code', outcome: 'invalid_grant' })).to.equal(5);
    expect(metric(text, 'linkwright_token_requests_total', { grant_type: 'refresh_token', outcome: 'invalid_client' })).to.equal(2);
    expect(metric(text, 'linkwright_token_requests_total', { grant_type: 'other', outcome: 'unsupported_grant_type' })).to.equal(1);
    expect(metric(text, 'linkwright_token_requests_total', { grant_type: 'none', outcome: 'invalid_request' })).to.equal(1);
    expect(metric(text, 'linkwright_linking_failures_total', { step: 'token', reason: 'code_replayed' })).to.equal(1);
    expect(metric(text, 'linkwright_linking_failures_total', { step: 'token', reason: 'refresh_reused' })).to.equal(1);
    // 2 issued + 5 invalid_grant + 1 invalid_client
    expect(metric(text, 'linkwright_token_request_duration_seconds_count', { grant_type: 'authorization_code' })).to.equal(8);
  });

  it('records refused authorization requests with what was received', async () => {
    const browser = new Browser(service.url);
    const cases: Array<[Record<string, string>, string]> = [
      [{ client_id: 'someone-else' }, 'client_unknown'],
      [{ redirect_uri: 'https://pitangui.amazon.com/api/skill/link/M2OTHERVENDOR' }, 'redirect_uri_not_registered'],
      [{ scope: 'profile payments' }, 'scope_unknown'],
      [{ response_type: 'token' }, 'response_type_unsupported'],
      [{ code_challenge: 'short', code_challenge_method: 'S256' }, 'pkce_failed'],
    ];
    for (const [overrides, category] of cases) {
      const { record } = await observe(service, 'authorize.refused', async () => {
        const response = await browser.get(`/oauth/authorize?${authorizeQuery(overrides)}`);
        expect(response.status).to.be.oneOf([400, 303]);
      });
      expect(record, category).to.include({ step: 'authorize', category });
    }
    const [newest] = await opsOf(service.services).failures.recent(5);
    expect(newest?.category).to.equal('pkce_failed');
    const vendor = (await opsOf(service.services).failures.recent(5)).find((r) => r.category === 'redirect_uri_not_registered');
    expect(vendor?.reason).to.include('M2OTHERVENDOR');
    // An accepted request is not a failure.
    const { record } = await observe(service, 'authorize.refused', async () => {
      expect((await browser.get(`/oauth/authorize?${authorizeQuery()}`)).status).to.equal(200);
    });
    expect(record).to.equal(undefined);
  });

  it('records skill requests whose token no longer resolves, and counts the resolutions', async () => {
    const rider = await linkRider(service, 'Kim');
    const order = () => postToSkill(service.url, intentRequest('OrderRideIntent', { destination: 'the airport' }, { clock: service.clock, accessToken: rider.accessToken }));
    const linked = await observe(service, 'skill.token_not_linked', order);
    expect(linked.record).to.equal(undefined);

    await service.services.revocations.revokeFamily(rider.familyId, 'test revocation');
    service.clock.advance(10_000); // past the revocation cache
    const revoked = await observe(service, 'skill.token_not_linked', async () => {
      const answer = await order();
      expect(answer.body.response?.card?.type).to.equal('LinkAccount');
    });
    expect(revoked.lines).to.have.length(1);
    expect(revoked.record).to.include({ step: 'skill', category: 'token_revoked', code: 'not_linked' });

    const fresh = await linkRider(service, 'Lee');
    service.clock.advance((service.services.settings.oauth.accessTokenTtlSec + 60) * 1000);
    const expired = await observe(service, 'skill.token_not_linked', () =>
      postToSkill(service.url, intentRequest('OrderRideIntent', {}, { clock: service.clock, accessToken: fresh.accessToken })),
    );
    expect(expired.record).to.include({ step: 'skill', category: 'token_expired' });

    const text = await scrapeMetrics(service);
    expect(metric(text, 'linkwright_skill_token_resolutions_total', { provider: 'builtin', outcome: 'linked' })).to.equal(1);
    expect(metric(text, 'linkwright_skill_token_resolutions_total', { provider: 'builtin', outcome: 'not_linked' })).to.equal(2);
    expect(metric(text, 'linkwright_skill_requests_total', { type: 'IntentRequest', outcome: 'ok' })).to.equal(1);
    expect(metric(text, 'linkwright_skill_requests_total', { type: 'IntentRequest', outcome: 'link_required' })).to.equal(2);
    expect(metric(text, 'linkwright_skill_request_duration_seconds_count', { type: 'IntentRequest' })).to.equal(3);
  });
});

describe('linking failures while the store is down', () => {
  let redis: RedisServer;
  let service: TestService;
  before(async () => {
    redis = await RedisServer.start();
    service = await startTestService({ env: OPS_ENV, store: new RedisStore({ url: redis.url, keyPrefix: 'ops-outage:', commandTimeoutMs: 500 }) });
    await createRider(service);
  });
  after(async () => {
    await service?.close();
    await redis?.destroy();
  });

  it('answers temporarily_unavailable, explains it, counts the store errors, and does not try to write the failure to the dead store', async () => {
    const { code, redirectUri } = await obtainCode(service);
    await redis.stop();
    const before = service.logs.lines.length;
    const response = await postToken(service, { grant_type: 'authorization_code', code, redirect_uri: redirectUri });
    expect(response.status).to.equal(503);
    expect(response.body.error).to.equal('temporarily_unavailable');
    const line = service.logs.lines.slice(before).find((l) => l.event === 'token.refused');
    expect(line).to.include({ category: 'store_unavailable', step: 'token' });
    expect(service.logs.lines.slice(before).filter((l) => l.event === 'ops.failure_not_recorded')).to.deep.equal([]);
    const text = await scrapeMetrics(service);
    expect(metric(text, 'linkwright_linking_failures_total', { step: 'token', reason: 'store_unavailable' })).to.equal(1);
    const errors = ['timeout', 'unavailable', 'other'].reduce((sum, kind) => sum + metric(text, 'linkwright_store_errors_total', { kind }), 0);
    expect(errors).to.be.at.least(1);
    expect(metric(text, 'linkwright_store_errors_total', { kind: 'other' })).to.equal(0);
  });

  it('still answers a refusal that needs no store when only recording it fails, and says so in the log', async () => {
    const before = service.logs.lines.length;
    const response = await postToken(service, { grant_type: 'authorization_code', code: 'x', redirect_uri: ALEXA_REDIRECTS[0] }, 'basic', '/oauth/token', { id: 'nobody', secret: 'x' });
    expect(response.status).to.equal(401);
    expect(response.body.error).to.equal('invalid_client');
    const lines = service.logs.lines.slice(before);
    expect(lines.find((l) => l.event === 'token.refused')).to.include({ category: 'client_unknown' });
    // Failures are written in batches: the lost one is reported when its batch fails.
    await opsOf(service.services).failures.flush();
    expect(service.logs.lines.slice(before).filter((l) => l.event === 'ops.failure_not_recorded')).to.have.length(1);
  });
});
