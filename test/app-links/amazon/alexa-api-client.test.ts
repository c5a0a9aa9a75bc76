import { expect } from 'chai';
import nock from 'nock';
import { type AccountLinkRequest, AlexaApiClient } from '../../../app-links/amazon/alexa-api-client';
import { AmazonHttp } from '../../../app-links/amazon/http';
import { AppLinkError } from '../../../app-links/errors';
import { ManualClock } from '../../../server/clock';
import type { AmazonUrls } from '../../../server/config/amazon';
import { silentLogger } from '../../../server/log';
import { ALEXA_API, ALEXA_API_EU, ENABLEMENT_PATH, isolateNetwork, SKILL_ID } from '../support';

const ACCESS = 'Atza|amazon-access-token';

function urls(overrides: Record<string, string> = {}): AmazonUrls {
  return {
    lwaAuthorizeUrl: 'https://www.amazon.com/ap/oa',
    lwaTokenUrl: 'https://api.amazon.com/auth/o2/token',
    lwaProfileUrl: 'https://api.amazon.com/user/profile',
    alexaAppLinkUrl: 'https://alexa.amazon.com/spa/skill-account-linking-consent',
    alexaApiUrl: ALEXA_API,
    alexaApiHostOverrides: overrides,
    timeoutMs: 1000,
  };
}

function alexaClient(hostOverrides: Record<string, string> = {}): AlexaApiClient {
  const http = new AmazonHttp({ timeoutMs: 1000, policy: { retries: 2, baseDelayMs: 0, maxRetryAfterMs: 0 }, log: silentLogger(), clock: new ManualClock(), sleep: async () => undefined });
  return new AlexaApiClient(http, urls(hostOverrides), SKILL_ID);
}

let counter = 0;
/** A link request that mints a new code for every attempt, recording them. */
function minting(codes: string[]): () => Promise<AccountLinkRequest> {
  return async () => {
    const authCode = `our-code-${(counter += 1)}`;
    codes.push(authCode);
    return { redirectUri: 'https://pitangui.amazon.com/api/skill/link/M2TESTVENDOR1', authCode, type: 'AUTH_CODE' };
  };
}

describe('app-links AlexaApiClient (endpoint discovery, Skill Enablement API)', () => {
  isolateNetwork();

  describe('endpoint discovery', () => {
    it('asks GET /v1/alexaApiEndpoint with the title-case Bearer and returns the hostnames', async () => {
      let authorization: string | undefined;
      nock(ALEXA_API)
        .get('/v1/alexaApiEndpoint')
        .reply(function () {
          authorization = this.req.headers.authorization as string;
          return [200, { endpoints: ['api.amazonalexa.com', 'API.EU.amazonalexa.com', 'api.amazonalexa.com'] }];
        });
      expect(await alexaClient().discoverEndpoints(ACCESS)).to.deep.equal(['api.amazonalexa.com', 'api.eu.amazonalexa.com']);
      expect(authorization).to.equal(`Bearer ${ACCESS}`);
    });

    it('drops hosts that are not Amazon\'s (the user\'s token must not travel there), unless overridden by settings', async () => {
      nock(ALEXA_API).get('/v1/alexaApiEndpoint').reply(200, { endpoints: ['evil.example', 'api.amazonalexa.com.evil.example', 'user@api.amazonalexa.com', 'api.fe.amazonalexa.com'] });
      expect(await alexaClient().discoverEndpoints(ACCESS)).to.deep.equal(['api.fe.amazonalexa.com']);
      nock(ALEXA_API).get('/v1/alexaApiEndpoint').reply(200, { endpoints: ['simulator.local'] });
      expect(await alexaClient({ 'simulator.local': 'http://127.0.0.1:9100' }).discoverEndpoints(ACCESS)).to.deep.equal(['simulator.local']);
    });

    it('fails with amazon_unavailable on an empty or malformed answer, and on a lasting outage', async () => {
      nock(ALEXA_API).get('/v1/alexaApiEndpoint').reply(200, { endpoints: [] });
      expect(((await alexaClient().discoverEndpoints(ACCESS).catch((e: unknown) => e)) as AppLinkError).appCode).to.equal('amazon_unavailable');
      nock(ALEXA_API).get('/v1/alexaApiEndpoint').reply(200, { endpoints: ['evil.example'] });
      expect(((await alexaClient().discoverEndpoints(ACCESS).catch((e: unknown) => e)) as AppLinkError).appCode).to.equal('amazon_unavailable');
      nock(ALEXA_API).get('/v1/alexaApiEndpoint').times(3).reply(500);
      expect(((await alexaClient().discoverEndpoints(ACCESS).catch((e: unknown) => e)) as AppLinkError).appCode).to.equal('amazon_unavailable');
    });

    it('maps a refused Amazon token (403: the client lacks the linking scope) to amazon_client_misconfigured', async () => {
      nock(ALEXA_API).get('/v1/alexaApiEndpoint').reply(403, { message: 'Access denied' });
      expect(((await alexaClient().discoverEndpoints(ACCESS).catch((e: unknown) => e)) as AppLinkError).appCode).to.equal('amazon_client_misconfigured');
    });
  });

  describe('enable (POST …/enablement)', () => {
    it('sends exactly {stage, accountLinkRequest} as JSON with the Bearer token and succeeds on 201', async () => {
      const seen: Array<{ headers: Record<string, unknown>; body: unknown }> = [];
      nock(ALEXA_API)
        .post(ENABLEMENT_PATH)
        .reply(function (_uri, body) {
          seen.push({ headers: this.req.headers, body });
          return [201, { skill: { stage: 'development', id: SKILL_ID }, status: 'ENABLED', accountLink: { status: 'LINKED' } }];
        });
      const codes: string[] = [];
      const attempt = await alexaClient().enable('api.amazonalexa.com', ACCESS, 'development', minting(codes));
      expect(attempt).to.deep.equal({ host: 'api.amazonalexa.com', ok: true, status: { enablementStatus: 'ENABLED', accountLinkStatus: 'LINKED', stage: 'development' } });
      expect(seen).to.have.length(1);
      expect(seen[0]?.headers.authorization).to.equal(`Bearer ${ACCESS}`);
      expect(seen[0]?.headers['content-type']).to.match(/^application\/json/);
      expect(seen[0]?.body).to.deep.equal({
        stage: 'development',
        accountLinkRequest: { redirectUri: 'https://pitangui.amazon.com/api/skill/link/M2TESTVENDOR1', authCode: codes[0], type: 'AUTH_CODE' },
      });
    });

    it('presents a fresh code on each retry after a 5xx', async () => {
      const bodies: Array<{ accountLinkRequest: { authCode: string } }> = [];
      nock(ALEXA_API)
        .post(ENABLEMENT_PATH)
        .times(2)
        .reply(function (_uri, body) {
          bodies.push(body as { accountLinkRequest: { authCode: string } });
          return bodies.length === 1 ? [500, {}] : [201, { status: 'ENABLED', accountLink: { status: 'LINKED' } }];
        });
      const codes: string[] = [];
      const attempt = await alexaClient().enable('api.amazonalexa.com', ACCESS, 'live', minting(codes));
      expect(attempt.ok).to.equal(true);
      expect(codes).to.have.length(2);
      expect(bodies.map((body) => body.accountLinkRequest.authCode)).to.deep.equal(codes);
    });

    const refusals: Array<[number, unknown, string]> = [
      [400, { message: 'Invalid account linking credentials' }, 'enablement_refused'],
      [401, { message: 'Unauthorized' }, 'skill_disabled'],
      [403, { message: 'Forbidden: the user is not allowed to enable a skill in development stage' }, 'skill_stage_not_allowed'],
      [404, { message: 'Skill not found' }, 'amazon_client_misconfigured'],
    ];
    for (const [status, body, code] of refusals) {
      it(`maps ${status} to ${code} without retrying`, async () => {
        nock(ALEXA_API).post(ENABLEMENT_PATH).once().reply(status, body as nock.Body);
        const codes: string[] = [];
        const attempt = await alexaClient().enable('api.amazonalexa.com', ACCESS, 'development', minting(codes));
        expect(attempt.ok).to.equal(false);
        const error = (attempt as { error: AppLinkError }).error;
        expect(error.appCode).to.equal(code);
        expect(error.transient).to.equal(false);
        expect(codes).to.have.length(1);
      });
    }

    it('reports a lasting 5xx as a transient amazon_unavailable', async () => {
      nock(ALEXA_API_EU).post(ENABLEMENT_PATH).times(3).reply(503, {});
      const attempt = await alexaClient().enable('api.eu.amazonalexa.com', ACCESS, 'development', minting([]));
      expect(attempt.ok).to.equal(false);
      expect((attempt as { error: AppLinkError }).error.appCode).to.equal('amazon_unavailable');
      expect((attempt as { error: AppLinkError }).error.transient).to.equal(true);
    });

    it('calls an overridden host at the base URL from settings (the simulator)', async () => {
      nock('http://127.0.0.1:9100').post(ENABLEMENT_PATH).reply(201, { status: 'ENABLED', accountLink: { status: 'LINKED' } });
      const attempt = await alexaClient({ 'api.amazonalexa.com': 'http://127.0.0.1:9100' }).enable('api.amazonalexa.com', ACCESS, 'development', minting([]));
      expect(attempt.ok).to.equal(true);
    });
  });

  describe('status and disable', () => {
    it('reads GET …/enablement and maps 404 to NOT_ENABLED', async () => {
      nock(ALEXA_API).get(ENABLEMENT_PATH).matchHeader('authorization', `Bearer ${ACCESS}`).reply(200, { status: 'ENABLED', accountLink: { status: 'LINKED' }, skill: { id: SKILL_ID, stage: 'live' } });
      expect(await alexaClient().status('api.amazonalexa.com', ACCESS)).to.deep.equal({ enablementStatus: 'ENABLED', accountLinkStatus: 'LINKED', stage: 'live' });
      nock(ALEXA_API).get(ENABLEMENT_PATH).reply(404, { message: 'not found' });
      expect(await alexaClient().status('api.amazonalexa.com', ACCESS)).to.deep.equal({ enablementStatus: 'NOT_ENABLED', accountLinkStatus: undefined, stage: undefined });
      nock(ALEXA_API).get(ENABLEMENT_PATH).reply(401, {});
      expect(((await alexaClient().status('api.amazonalexa.com', ACCESS).catch((e: unknown) => e)) as AppLinkError).appCode).to.equal('skill_disabled');
    });

    it('sends DELETE …/enablement: 204 disabled, 404 had none, 403 refused', async () => {
      nock(ALEXA_API).delete(ENABLEMENT_PATH).matchHeader('authorization', `Bearer ${ACCESS}`).reply(204);
      expect(await alexaClient().disable('api.amazonalexa.com', ACCESS)).to.equal(true);
      nock(ALEXA_API).delete(ENABLEMENT_PATH).reply(404, {});
      expect(await alexaClient().disable('api.amazonalexa.com', ACCESS)).to.equal(false);
      nock(ALEXA_API).delete(ENABLEMENT_PATH).reply(403, {});
      expect(((await alexaClient().disable('api.amazonalexa.com', ACCESS).catch((e: unknown) => e)) as AppLinkError).appCode).to.equal('skill_stage_not_allowed');
    });
  });
});
