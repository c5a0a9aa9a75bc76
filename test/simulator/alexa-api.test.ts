import { expect } from 'chai';
import { ManualClock } from '../../server/clock';
import { type AmazonSimulator, startAmazonSimulator } from '../../simulator';
import { freePort } from '../support/ports';
import { amazonAccessToken, sharedCertificate } from './helpers';

const APP_RETURN = 'https://app.example.com/alexa/return';
const NA = 'api.amazonalexa.com';
const EU = 'api.eu.amazonalexa.com';
const FE = 'api.fe.amazonalexa.com';

describe('simulator: Alexa API (endpoint discovery and Skill Enablement)', () => {
  let clock: ManualClock;
  let amazon: AmazonSimulator;

  beforeEach(async () => {
    clock = new ManualClock();
    amazon = await startAmazonSimulator({
      clock,
      certificate: sharedCertificate(),
      lwaClient: { redirectUris: [APP_RETURN] },
      endpoints: [NA],
      extraApiHosts: [EU],
      users: [{ name: 'Alice' }, { name: 'Bob', tester: false }, { name: 'Yuki', endpoints: [FE] }],
      service: { skillId: 'amzn1.ask.skill.00000000-0000-0000-0000-000000000001' },
    });
  });
  afterEach(async () => amazon.close());

  const enablementUrl = (host: string, skillId = amazon.skill.skillId) => `${amazon.hosts[host]}/v1/users/~current/skills/${skillId}/enablement`;
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const discover = (headers: Record<string, string>) => fetch(`${amazon.env.ALEXA_API_URL}/v1/alexaApiEndpoint`, { headers });
  const enable = (host: string, token: string, body: unknown, skillId?: string) =>
    fetch(enablementUrl(host, skillId), { method: 'POST', headers: { ...bearer(token), 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  describe('environment', () => {
    it('names one loopback host per Alexa API hostname, so the service can rewrite what discovery returns', () => {
      const rewrites = Object.fromEntries(amazon.env.ALEXA_API_HOSTS.split(',').map((entry) => entry.split('=') as [string, string]));
      expect(Object.keys(rewrites).sort()).to.deep.equal([NA, EU, FE].sort());
      for (const base of Object.values(rewrites)) expect(base).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(new Set(Object.values(rewrites)).size).to.equal(3);
    });
  });

  describe('GET /v1/alexaApiEndpoint', () => {
    it('returns hostnames without scheme for the token’s customer: the default list, a changed list, or the customer’s own', async () => {
      const alice = await amazonAccessToken(amazon, 'Alice', APP_RETURN);
      const one = await discover(bearer(alice));
      expect(one.status).to.equal(200);
      expect(await one.json()).to.deep.equal({ endpoints: [NA] });
      amazon.setEndpoints([NA, EU]);
      expect(await (await discover(bearer(alice))).json()).to.deep.equal({ endpoints: [NA, EU] });
      const yuki = await amazonAccessToken(amazon, 'Yuki', APP_RETURN);
      expect(await (await discover(bearer(yuki))).json()).to.deep.equal({ endpoints: [FE] });
      // Every regional host answers discovery too.
      expect((await fetch(`${amazon.hosts[EU]}/v1/alexaApiEndpoint`, { headers: bearer(alice) })).status).to.equal(200);
    });

    it('answers 400 for a missing or lower-case bearer, 401 for unknown or expired tokens, 403 for a token without the scope', async () => {
      const token = await amazonAccessToken(amazon, 'Alice', APP_RETURN);
      const missing = await discover({});
      expect(missing.status).to.equal(400);
      expect(((await missing.json()) as { message: string }).message).to.contain('missing');
      const lower = await discover({ Authorization: `bearer ${token}` });
      expect(lower.status).to.equal(400);
      expect(((await lower.json()) as { message: string }).message).to.contain('title case');
      expect((await discover(bearer('Atza|unknown'))).status).to.equal(401);
      clock.advance(3600 * 1000);
      const expired = await discover(bearer(token));
      expect(expired.status).to.equal(401);
      expect(await expired.json()).to.deep.equal({ message: 'The Amazon access token has expired.' });
    });

    it('refuses a token of another LWA client with 403', async () => {
      const other = await startAmazonSimulator({
        clock,
        certificate: sharedCertificate(),
        otherLwaClients: [{ id: 'amzn1.application-oa2-client.web', secret: 'web-secret', redirectUris: [APP_RETURN] }],
      });
      try {
        const code = new URL(
          (await fetch(`${other.env.LWA_AUTHORIZE_URL}?client_id=amzn1.application-oa2-client.web&scope=profile&response_type=code&redirect_uri=${encodeURIComponent(APP_RETURN)}`, { redirect: 'manual' })).headers.get('location') ?? '',
        ).searchParams.get('code');
        const tokens = await fetch(other.env.LWA_TOKEN_URL, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'authorization_code', code: code ?? '', redirect_uri: APP_RETURN, client_id: 'amzn1.application-oa2-client.web', client_secret: 'web-secret' }),
        });
        const { access_token: profileToken } = (await tokens.json()) as { access_token: string };
        const refused = await fetch(`${other.env.ALEXA_API_URL}/v1/alexaApiEndpoint`, { headers: bearer(profileToken) });
        expect(refused.status).to.equal(403);
        expect(((await refused.json()) as { message: string }).message).to.contain('alexa::skills:account_linking');
      } finally {
        await other.close();
      }
    });
  });

  describe('Skill Enablement without account linking', () => {
    it('GET is 404 before enabling; POST enables (201, NOT_LINKED); GET then reports it with the skill-scoped user id', async () => {
      const token = await amazonAccessToken(amazon, 'Alice', APP_RETURN);
      const before = await fetch(enablementUrl(NA), { headers: bearer(token) });
      expect(before.status).to.equal(404);
      expect(((await before.json()) as { message: string }).message).to.equal('The skill is not enabled for this customer.');
      const created = await enable(NA, token, { stage: 'development' });
      expect(created.status).to.equal(201);
      const body = (await created.json()) as { user: { id: string } };
      expect(body).to.deep.include({ skill: { stage: 'development', id: amazon.skill.skillId }, accountLink: { status: 'NOT_LINKED' }, status: 'ENABLED' });
      expect(body.user.id).to.match(/^amzn1\.ask\.account\.[A-Z2-7]+$/);
      const status = await fetch(enablementUrl(EU), { headers: bearer(token) });
      expect(status.status).to.equal(200);
      expect(await status.json()).to.deep.equal(body);
    });

    it('DELETE disables (204), revokes the Amazon token (later calls 401), and a re-enable gets a new user id', async () => {
      const token = await amazonAccessToken(amazon, 'Alice', APP_RETURN);
      const first = (await (await enable(NA, token, { stage: 'live' })).json()) as { user: { id: string } };
      const removed = await fetch(enablementUrl(NA), { method: 'DELETE', headers: bearer(token) });
      expect(removed.status).to.equal(204);
      expect(await removed.text()).to.equal('');
      expect(amazon.linkStatus('Alice')).to.equal(undefined);
      const after = await fetch(enablementUrl(NA), { headers: bearer(token) });
      expect(after.status).to.equal(401);
      const fresh = await amazonAccessToken(amazon, 'Alice', APP_RETURN);
      expect((await fetch(enablementUrl(NA), { method: 'DELETE', headers: bearer(fresh) })).status).to.equal(404);
      const second = (await (await enable(NA, fresh, { stage: 'live' })).json()) as { user: { id: string } };
      expect(second.user.id).to.not.equal(first.user.id);
    });

    it('refuses a development-stage enable for a customer who is not a tester (403), but allows live', async () => {
      const token = await amazonAccessToken(amazon, 'Bob', APP_RETURN);
      const refused = await enable(NA, token, { stage: 'development' });
      expect(refused.status).to.equal(403);
      expect(((await refused.json()) as { message: string }).message).to.contain('beta tester');
      expect(amazon.linkStatus('Bob')).to.equal(undefined);
      expect((await enable(NA, token, { stage: 'live' })).status).to.equal(201);
    });

    it('answers 404 for another skill id and 400 for malformed bodies, changing nothing', async () => {
      const token = await amazonAccessToken(amazon, 'Alice', APP_RETURN);
      expect((await enable(NA, token, { stage: 'development' }, 'amzn1.ask.skill.someone-else')).status).to.equal(404);
      const bad: Array<[unknown, string]> = [
        [{ stage: 'beta' }, 'stage'],
        [{}, 'stage'],
        [['development'], 'JSON object'],
        [{ stage: 'development', accountLinkRequest: 'code' }, 'accountLinkRequest'],
        [{ stage: 'development', accountLinkRequest: { type: 'IMPLICIT', authCode: 'c', redirectUri: 'https://x' } }, 'AUTH_CODE'],
        [{ stage: 'development', accountLinkRequest: { type: 'AUTH_CODE', redirectUri: 'https://x' } }, 'authCode'],
        [{ stage: 'development', accountLinkRequest: { type: 'AUTH_CODE', authCode: 'c' } }, 'redirectUri'],
        // Step 6: the "Redirect URI for your app", one of "Your Redirect URLs", not an Alexa redirect URL.
        [{ stage: 'development', accountLinkRequest: { type: 'AUTH_CODE', authCode: 'c', redirectUri: 'https://pitangui.amazon.com/api/skill/link/M2SIMULATOR' } }, 'Your Redirect URLs'],
      ];
      for (const [body, words] of bad) {
        const response = await enable(NA, token, body);
        expect(response.status, JSON.stringify(body)).to.equal(400);
        expect(((await response.json()) as { message: string }).message, JSON.stringify(body)).to.contain(words);
      }
      const notJson = await fetch(enablementUrl(NA), { method: 'POST', headers: { ...bearer(token), 'Content-Type': 'application/json' }, body: '{"stage":"ANsecretcode' });
      expect(notJson.status).to.equal(400);
      expect(await notJson.json()).to.deep.equal({ message: 'The request body is malformed.' });
      expect(JSON.stringify(amazon.events.all())).to.not.contain('ANsecretcode');
      const huge = await enable(NA, token, { stage: 'development', padding: 'x'.repeat(20_000) });
      expect(huge.status).to.equal(413);
      const text = await fetch(enablementUrl(NA), { method: 'POST', headers: { ...bearer(token), 'Content-Type': 'text/plain' }, body: 'stage=development' });
      expect(text.status).to.equal(400);
      expect(amazon.linkStatus('Alice')).to.equal(undefined);
    });

    it('answers 503 with the reason when the simulator was never told the service’s token URI', async () => {
      const token = await amazonAccessToken(amazon, 'Alice', APP_RETURN);
      const response = await enable(NA, token, { stage: 'development', accountLinkRequest: { type: 'AUTH_CODE', authCode: 'code', redirectUri: APP_RETURN } });
      expect(response.status).to.equal(503);
      expect(((await response.json()) as { message: string }).message).to.contain("does not know the service's tokenUrl");
      const unknownPath = await fetch(`${amazon.hosts[NA]}/v1/skills`);
      expect(unknownPath.status).to.equal(404);
      expect(await unknownPath.json()).to.deep.equal({ message: 'No such resource on api.amazonalexa.com: GET /v1/skills' });
    });

    it('answers 500 when the skill’s token URI cannot be reached, and links nothing', async () => {
      amazon.connectService({ tokenUrl: `http://127.0.0.1:${await freePort()}/oauth/token`, clientId: 'c', clientSecret: 's' });
      const token = await amazonAccessToken(amazon, 'Alice', APP_RETURN);
      const response = await enable(NA, token, { stage: 'development', accountLinkRequest: { type: 'AUTH_CODE', authCode: 'code', redirectUri: APP_RETURN } });
      expect(response.status).to.equal(500);
      expect(((await response.json()) as { message: string }).message).to.contain('could not reach');
      expect(amazon.linkStatus('Alice')).to.equal(undefined);
      const call = amazon.events.find({ from: 'Alexa', to: 'service' });
      expect(call).to.have.length(1);
      expect(call[0]?.status).to.equal(undefined);
      expect(call[0]?.note).to.contain('ECONNREFUSED');
    });
  });

  describe('failing hosts', () => {
    it('makes a chosen host answer an error status, drop the connection, or hang, and recover', async () => {
      const token = await amazonAccessToken(amazon, 'Alice', APP_RETURN);
      amazon.setHostFailure(NA, 503);
      const unavailable = await fetch(enablementUrl(NA), { headers: bearer(token) });
      expect(unavailable.status).to.equal(503);
      expect(((await unavailable.json()) as { message: string }).message).to.contain('Simulated failure');
      // The other host and discovery (on the main host) keep working.
      expect((await fetch(enablementUrl(EU), { headers: bearer(token) })).status).to.equal(404);
      expect((await discover(bearer(token))).status).to.equal(200);

      amazon.setHostFailure(NA, 'reset');
      let reset: unknown;
      await fetch(enablementUrl(NA), { headers: bearer(token) }).catch((error: unknown) => (reset = error));
      expect(reset).to.be.instanceOf(TypeError);

      amazon.setHostFailure(NA, 'hang');
      let timedOut: unknown;
      await fetch(enablementUrl(NA), { headers: bearer(token), signal: AbortSignal.timeout(200) }).catch((error: unknown) => (timedOut = error));
      expect((timedOut as Error).name).to.equal('TimeoutError');

      amazon.setHostFailure(NA, undefined);
      expect((await fetch(enablementUrl(NA), { headers: bearer(token) })).status).to.equal(404);
      expect(() => amazon.setHostFailure('api.example.com', 500)).to.throw('no host api.example.com');
    });
  });
});
