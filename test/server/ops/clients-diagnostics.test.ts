import { expect } from 'chai';
import { loadSettings } from '../../../server/config/settings';
import { trafficFindings } from '../../../server/ops/diagnostics';
import type { TrafficSummary, ValueTraffic } from '../../../server/ops/traffic';
import { APP, BACKEND, clientsFileEnv, CUSTOM_SKILL, deploymentClients, SMART_HOME, writeClientsFile } from '../../support/clients-file';
import { startTestService, type TestService } from '../../support/service';
import { authorizeQuery, Browser, hiddenField, pkcePair } from '../oauth/flow-helpers';
import { ADMIN, OPS_ENV } from './helpers';

const seen = (value: string, authorize: number, token = 0): ValueTraffic => ({ value, authorize: { count: authorize, lastSeen: authorize ? 1 : undefined }, token: { count: token, lastSeen: token ? 1 : undefined } });
const vendorUrls = (vendor: string) => ['pitangui.amazon.com', 'layla.amazon.com', 'alexa.amazon.co.jp'].map((host) => `https://${host}/api/skill/link/${vendor}`);

describe('/ops with several clients (CLIENTS_FILE)', () => {
  const settings = loadSettings({ CLIENTS_FILE: writeClientsFile(deploymentClients()), DEMO_ACCOUNT: 'false' });

  it('judges each Alexa skill by its own vendor id, and names the file rather than the single-client settings', () => {
    const traffic: TrafficSummary = {
      clients: [seen(CUSTOM_SKILL.id, 4, 4), seen(SMART_HOME.id, 0), seen(APP.id, 2, 2), seen(BACKEND.id, 0, 3)],
      redirectUris: [...vendorUrls(CUSTOM_SKILL.vendor).map((u, i) => seen(u, i === 0 ? 4 : 0)), ...vendorUrls(SMART_HOME.vendor).map((u) => seen(u, 0)), seen(APP.redirect, 2, 2), seen(APP.claimed, 0)],
      unrecognised: [{ at: 1, endpoint: 'authorize', kind: 'redirect_uri', value: 'https://layla.amazon.com/api/skill/link/M2OTHER' }],
    };
    expect(trafficFindings(settings, traffic)).to.deep.equal([
      `The client id ${SMART_HOME.id} (CLIENTS_FILE, kind alexa) has not been used: the console's "Your Client ID" of that skill probably differs.`,
      `No authorization request used the Alexa redirect URLs of alexa_vendor_id ${SMART_HOME.vendor} (client ${SMART_HOME.id}): check the vendor id against that skill's "Alexa Redirect URLs".`,
      `The redirect URI ${APP.claimed} (client ${APP.id} in CLIENTS_FILE) has not been used: check it against the client's configuration, or remove it.`,
      `Alexa redirect URLs for vendor id M2OTHER arrived, but no Alexa client in CLIENTS_FILE has alexa_vendor_id M2OTHER (registered: ${CUSTOM_SKILL.vendor}, ${SMART_HOME.vendor}): add it to that skill's client.`,
    ]);
  });

  describe('the overview page', () => {
    let service: TestService;
    before(async () => {
      service = await startTestService({ env: { ...OPS_ENV, ...clientsFileEnv(writeClientsFile(deploymentClients())) } });
    });
    after(async () => service?.close());

    it('lists every registered client with its kind, policy and own traffic', async () => {
      // One authorization request for the smart home skill (PKCE), one for the app.
      const visitor = new Browser(service.url);
      const pkce = pkcePair();
      const home = `https://layla.amazon.com/api/skill/link/${SMART_HOME.vendor}`;
      expect((await visitor.get(`/oauth/authorize?${authorizeQuery({ client_id: SMART_HOME.id, redirect_uri: home, scope: 'devices', code_challenge: pkce.challenge, code_challenge_method: 'S256' })}`)).status).to.equal(200);
      expect((await visitor.get(`/oauth/authorize?${authorizeQuery({ client_id: APP.id, redirect_uri: APP.redirect })}`)).status).to.equal(303);

      const browser = new Browser(service.url);
      const form = await (await browser.get('/ops/login')).text();
      expect((await browser.postForm('/ops/login', { csrf: hiddenField(form, 'csrf'), username: ADMIN.username, password: ADMIN.password })).status).to.equal(303);
      const page = await (await browser.get('/ops')).text();
      const row = (id: string) => new RegExp(`<tr data-client="${id}">([\\s\\S]*?)</tr>`).exec(page)?.[1] ?? '';
      expect(row(CUSTOM_SKILL.id)).to.include('alexa').and.include(`vendor ${CUSTOM_SKILL.vendor}`).and.include('optional').and.include('profile rides');
      expect(row(SMART_HOME.id)).to.include('required').and.include('client_secret_post').and.include(`<code>${home}</code> (1 / 0)`);
      expect(row(SMART_HOME.id)).to.match(/<td class="num"[^>]*>1<\/td><td class="num"[^>]*>0<\/td>/);
      expect(row(APP.id)).to.include('app').and.include('none').and.include('required').and.include(`<code>${APP.redirect}</code> (1 / 0)`);
      expect(row(BACKEND.id)).to.include('service').and.include('client_credentials').and.include('n/a').and.include('(none)');
      expect(page).to.not.include(CUSTOM_SKILL.secret);
    });
  });
});
