import { expect } from 'chai';
import nock from 'nock';
import { RedisStore } from '../../../server/store/redis';
import { intentRequest, launchRequest, postToSkill, TEST_SKILL_ID } from '../../support/alexa-requests';
import { RedisServer } from '../../support/redis-server';
import { startTestService, type TestService } from '../../support/service';
import { TEST_CLIENT_ID } from '../../support/settings';
import {
  ALEXA_API,
  callApi,
  ENABLED,
  isolateNetwork,
  LWA,
  mockDiscovery,
  mockEnable,
  mockLwaToken,
  signedInUser,
  startAppLinksService,
  startAttempt,
} from '../../app-links/support';
import { linkRider } from '../skill/skill-test-kit';
import { METRICS_TOKEN, metric, OPS_ENV, scrapeMetrics } from './helpers';

describe('GET /metrics', () => {
  describe('without METRICS_TOKEN', () => {
    let service: TestService;
    before(async () => {
      service = await startTestService();
    });
    after(async () => service?.close());

    it('is off: the same 404 as a path that does not exist, whatever the credentials', async () => {
      const off = await fetch(`${service.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      const unknown = await fetch(`${service.url}/nothing-here`);
      expect(off.status).to.equal(404);
      expect(await off.json()).to.deep.equal({ error: 'not_found', error_description: 'No route for GET /metrics.' });
      expect(unknown.status).to.equal(404);
    });
  });

  describe('with METRICS_TOKEN', () => {
    let service: TestService;
    let other: TestService;
    before(async () => {
      service = await startTestService({ env: { ...OPS_ENV, SKILL_VERIFY_SIGNATURE: 'false', SKILL_ID: TEST_SKILL_ID } });
      other = await startTestService({ env: OPS_ENV });
    });
    after(async () => {
      await service?.close();
      await other?.close();
    });

    it('refuses requests without the bearer token, with a challenge, and logs the refusal without the token', async () => {
      for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${Buffer.from(`x:${METRICS_TOKEN}`).toString('base64')}`, METRICS_TOKEN, `Bearer ${METRICS_TOKEN}x`]) {
        const response = await fetch(`${service.url}/metrics`, { headers: authorization ? { authorization } : {} });
        expect(response.status, authorization).to.equal(401);
        expect(response.headers.get('www-authenticate')).to.equal('Bearer realm="metrics"');
        expect(response.headers.get('cache-control')).to.equal('no-store');
        expect(((await response.json()) as { error: string }).error).to.equal('invalid_token');
      }
      expect(service.logs.events('metrics.refused')).to.have.length(5);
      expect(service.logs.raw.join('\n')).not.to.include(METRICS_TOKEN);
    });

    it('answers the Prometheus text format with the process metrics and every linkwright metric described', async () => {
      const response = await fetch(`${service.url}/metrics`, { headers: { authorization: `bearer ${METRICS_TOKEN}` } });
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-type')).to.equal('text/plain; version=0.0.4; charset=utf-8');
      expect(response.headers.get('cache-control')).to.equal('no-store');
      const text = await response.text();
      expect(metric(text, 'process_cpu_user_seconds_total')).to.be.greaterThan(0);
      expect(text).to.include('# TYPE nodejs_eventloop_lag_seconds gauge');
      // The memory store keeps this process's own clock: nothing to report.
      expect(text).not.to.include('linkwright_store_clock_offset_seconds');
      for (const name of [
        'linkwright_token_requests_total',
        'linkwright_token_request_duration_seconds',
        'linkwright_linking_failures_total',
        'linkwright_app_links_steps_total',
        'linkwright_amazon_requests_total',
        'linkwright_amazon_request_duration_seconds',
        'linkwright_skill_requests_total',
        'linkwright_skill_request_duration_seconds',
        'linkwright_skill_token_resolutions_total',
        'linkwright_store_errors_total',
      ]) {
        expect(text, name).to.match(new RegExp(`^# HELP ${name} \\S`, 'm'));
      }
    });

    it('counts skill requests by type and outcome, refused ones included, in this service only', async () => {
      const rider = await linkRider(service, 'Ana');
      expect((await postToSkill(service.url, launchRequest({ clock: service.clock }))).status).to.equal(200);
      expect((await postToSkill(service.url, intentRequest('OrderRideIntent', {}, { clock: service.clock }))).body.response?.card?.type).to.equal('LinkAccount');
      expect((await postToSkill(service.url, intentRequest('RideAvailabilityIntent', { city: 'Seattle' }, { clock: service.clock, accessToken: rider.accessToken }))).status).to.equal(200);
      expect((await postToSkill(service.url, launchRequest({ clock: service.clock, applicationId: 'amzn1.ask.skill.someone-else' }))).status).to.equal(400);
      expect((await postToSkill(service.url, '{ not json')).status).to.equal(400);

      const text = await scrapeMetrics(service);
      expect(metric(text, 'linkwright_skill_requests_total', { type: 'LaunchRequest', outcome: 'ok' })).to.equal(1);
      expect(metric(text, 'linkwright_skill_requests_total', { type: 'IntentRequest', outcome: 'link_required' })).to.equal(1);
      expect(metric(text, 'linkwright_skill_requests_total', { type: 'IntentRequest', outcome: 'ok' })).to.equal(1);
      expect(metric(text, 'linkwright_skill_requests_total', { type: 'unverified', outcome: 'refused' })).to.equal(2);
      expect(metric(text, 'linkwright_skill_request_duration_seconds_count', { type: 'IntentRequest' })).to.equal(2);
      expect(metric(text, 'linkwright_skill_request_duration_seconds_bucket', { type: 'IntentRequest', le: '+Inf' })).to.equal(2);

      // Another service in the same process keeps its own registry.
      const elsewhere = await scrapeMetrics(other);
      expect(metric(elsewhere, 'linkwright_skill_requests_total', { type: 'LaunchRequest', outcome: 'ok' })).to.equal(0);
      expect(elsewhere).to.include('process_cpu_user_seconds_total');
    });
  });

  describe('app-to-app steps and calls to Amazon', () => {
    isolateNetwork();
    let service: TestService;
    before(async () => {
      service = await startAppLinksService({ env: OPS_ENV });
    });
    after(async () => service?.close());

    it('counts each step by outcome and each Amazon call by endpoint and status, and records the failed step', async () => {
      const { token } = await signedInUser(service);
      const first = await startAttempt(service, token);
      mockLwaToken([]);
      mockDiscovery([]);
      mockEnable(ALEXA_API, async (body) => {
        await service.services.grants.exchangeCode(body.accountLinkRequest.authCode, { clientId: TEST_CLIENT_ID, redirectUri: body.accountLinkRequest.redirectUri, codeVerifier: undefined });
        return [201, ENABLED];
      });
      expect((await callApi(service, 'POST', '/app-links/complete', token, { code: 'ANdNAVhyhqirUelHGEHA', state: first.state })).status).to.equal(200);

      // LWA down: the first call and both retries fail, and the app hears amazon_unavailable.
      const second = await startAttempt(service, token);
      nock(LWA).post('/auth/o2/token').times(3).reply(503, { error: 'ServiceUnavailable' });
      const down = await callApi(service, 'POST', '/app-links/complete', token, { code: 'ANdNAVhyhqirUelHGEHB', state: second.state });
      expect(down.status).to.equal(503);
      expect(down.body.error).to.equal('amazon_unavailable');
      expect((await callApi(service, 'POST', '/app-links/complete', token, { code: 'x', state: 'not-a-state' })).body.error).to.equal('state_invalid');
      expect((await callApi(service, 'POST', '/app-links/start', undefined)).status).to.equal(401);

      const text = await scrapeMetrics(service);
      expect(metric(text, 'linkwright_app_links_steps_total', { step: 'start', outcome: 'ok' })).to.equal(2);
      expect(metric(text, 'linkwright_app_links_steps_total', { step: 'start', outcome: 'invalid_token' })).to.equal(1);
      expect(metric(text, 'linkwright_app_links_steps_total', { step: 'complete', outcome: 'ok' })).to.equal(1);
      expect(metric(text, 'linkwright_app_links_steps_total', { step: 'complete', outcome: 'amazon_unavailable' })).to.equal(1);
      expect(metric(text, 'linkwright_app_links_steps_total', { step: 'complete', outcome: 'state_invalid' })).to.equal(1);
      expect(metric(text, 'linkwright_amazon_requests_total', { endpoint: 'lwa.token.authorization_code', status: '200' })).to.equal(1);
      expect(metric(text, 'linkwright_amazon_requests_total', { endpoint: 'lwa.token.authorization_code', status: '503' })).to.equal(3);
      expect(metric(text, 'linkwright_amazon_requests_total', { endpoint: 'alexa.endpoints', status: '200' })).to.equal(1);
      expect(metric(text, 'linkwright_amazon_requests_total', { endpoint: 'alexa.enable', status: '201' })).to.equal(1);
      expect(metric(text, 'linkwright_amazon_request_duration_seconds_count', { endpoint: 'lwa.token.authorization_code' })).to.equal(4);
      expect(metric(text, 'linkwright_linking_failures_total', { step: 'app_links', reason: 'amazon_unavailable' })).to.equal(1);
      expect(metric(text, 'linkwright_linking_failures_total', { step: 'app_links', reason: 'state_invalid' })).to.equal(1);
      expect(metric(text, 'linkwright_linking_failures_total', { step: 'app_links', reason: 'invalid_token' })).to.equal(1);
      // The app-links refusal lines name the code the app got (the logger keeps known error codes).
      expect(service.logs.events('http.client_error').map((line) => line.code)).to.include.members(['state_invalid', 'invalid_token']);
      // The enablement call redeemed our code at the token endpoint's domain logic, not over HTTP: no token request counted.
      expect(metric(text, 'linkwright_token_requests_total', { grant_type: 'authorization_code', outcome: 'issued' })).to.equal(0);
    });
  });

  describe('store errors and apologies', () => {
    let redis: RedisServer;
    let service: TestService;
    before(async () => {
      redis = await RedisServer.start();
      service = await startTestService({
        env: { ...OPS_ENV, SKILL_VERIFY_SIGNATURE: 'false', SKILL_ID: TEST_SKILL_ID, SKILL_REVOCATION_CACHE_MS: '0' },
        store: new RedisStore({ url: redis.url, keyPrefix: 'metrics-outage:', commandTimeoutMs: 500 }),
      });
    });
    after(async () => {
      await service?.close();
      await redis?.destroy();
    });

    it("exports the store's clock offset from this process's (here the same machine's clock)", async () => {
      const text = await scrapeMetrics(service);
      expect(text).to.include('# TYPE linkwright_store_clock_offset_seconds gauge');
      expect(Math.abs(metric(text, 'linkwright_store_clock_offset_seconds'))).to.be.below(0.2);
    });

    it('counts failed store commands and the apology the skill speaks when the store is down', async () => {
      const rider = await linkRider(service, 'Noa');
      await redis.stop();
      const answer = await postToSkill(service.url, intentRequest('OrderRideIntent', { destination: 'home' }, { clock: service.clock, accessToken: rider.accessToken }));
      expect(answer.status).to.equal(200);
      expect(answer.body.response?.shouldEndSession).to.equal(true);
      const ready = await fetch(`${service.url}/readyz`);
      expect(ready.status).to.equal(503);

      const text = await scrapeMetrics(service);
      expect(metric(text, 'linkwright_skill_requests_total', { type: 'IntentRequest', outcome: 'apologised' })).to.equal(1);
      expect(metric(text, 'linkwright_skill_token_resolutions_total', { provider: 'builtin', outcome: 'provider_error' })).to.equal(1);
      const failed = metric(text, 'linkwright_store_errors_total', { kind: 'unavailable' }) + metric(text, 'linkwright_store_errors_total', { kind: 'timeout' });
      expect(failed).to.be.at.least(2);
    });
  });
});
