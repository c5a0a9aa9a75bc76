import { expect } from 'chai';
import { ManualClock } from '../../server/clock';
import { type AmazonSimulator, startAmazonSimulator } from '../../simulator';
import { ADDON_LINK_PATH } from '../../simulator/alexa-plus';
import { FormBrowser, type Page } from '../../scripts/demo/form-browser';
import { answerConsent, Browser, openAuthorize, signIn } from '../server/oauth/flow-helpers';
import { startTestService, type TestService } from '../support/service';
import { sharedCertificate } from './helpers';

const PASSWORD = 'correct horse battery staple';

describe('simulator: Alexa+ calling the service\'s MCP add-on (the SDK client, both tiers)', function () {
  this.timeout(30_000);
  let clock: ManualClock;
  let amazon: AmazonSimulator;
  let service: TestService;
  let userId: string;

  before(async () => {
    clock = new ManualClock();
    amazon = await startAmazonSimulator({ clock, certificate: sharedCertificate(), service: { name: 'Ride Hailer', scheme: 'HTTP_BASIC' }, addon: { name: 'Ride Hailer' }, users: [{ name: 'Erin' }, { name: 'Finn' }] });
    service = await startTestService({ clock, store: 'redis', env: { ...amazon.env, OAUTH_CLIENT_ID: 'alexa-test-client', OAUTH_CLIENT_SECRET: 'test-secret-0123456789abcdefghij' } });
    amazon.connectService({ url: service.url });
    userId = (await service.services.accounts.create({ username: 'erin@example.com', password: PASSWORD, displayName: 'Erin' })).id;
  });
  after(async () => {
    await amazon.close();
    await service.close();
  });

  /** Drives the real sign-in and consent pages; `decision` is the consent button pressed. */
  async function link(customer: string, decision: 'Allow' | 'Deny'): Promise<Page> {
    const browser = new FormBrowser(amazon.events, service.url);
    let page = await browser.get(amazon.alexaPlus.authorizeUrl(customer));
    const signInForm = page.forms.find((f) => f.hidden.csrf !== undefined);
    if (!signInForm) throw new Error(`no sign-in form: ${page.heading}`);
    page = await browser.submit(page, signInForm, { username: 'erin@example.com', password: PASSWORD });
    const consent = page.forms.find((f) => f.hidden.csrf !== undefined);
    const pressed = consent?.buttons.find((b) => b.text === decision);
    if (!consent || pressed?.name === undefined || pressed.value === undefined) throw new Error(`no ${decision} button: ${page.heading}`);
    return browser.submit(page, consent, {}, { name: pressed.name, value: pressed.value });
  }

  it('registers its client with the service through env: both tiers, its own redirect URL', () => {
    const client = service.services.clients.find(amazon.env.ALEXA_PLUS_CLIENT_ID as string);
    expect(client?.kind).to.equal('alexa-plus');
    expect([...(client?.grantTypes ?? [])]).to.deep.equal(['authorization_code', 'refresh_token', 'client_credentials']);
    expect([...(client?.redirectUris ?? [])]).to.deep.equal([`${amazon.baseUrl}${ADDON_LINK_PATH}`]);
  });

  it('Tier 1 then Tier 2: discovery with a service token, the link, a tool call, refresh, refusal after revocation', async () => {
    const discovered = await amazon.alexaPlus.discoverTools();
    expect(discovered).to.deep.equal({ server: 'ride-hailer', tools: ['rides_available', 'order_ride'] });
    const before = await amazon.alexaPlus.callTool('Erin', 'order_ride', { city: 'Seattle' });
    expect(before.ok && before.result.isError).to.equal(true);

    const done = await link('Erin', 'Allow');
    expect(done.html).to.include('successfully linked to Alexa+');
    const authorize = amazon.events.find({ from: 'browser', to: 'service', path: '/oauth/authorize' }).at(-1);
    expect(authorize?.params).to.include({ code_challenge_method: 'S256', resource: `${service.url}/mcp` });

    const ordered = await amazon.alexaPlus.callTool('Erin', 'order_ride', { city: 'Seattle' });
    expect(ordered.ok && ordered.result.isError !== true).to.equal(true);
    const first = amazon.alexaPlus.linkOf('Erin');
    clock.advance(3600_000);
    const refreshed = await amazon.alexaPlus.refresh('Erin');
    expect(refreshed.refreshToken).to.not.equal(first?.refreshToken);
    expect((await amazon.alexaPlus.callTool('Erin', 'order_ride', { city: 'Boston' })).ok).to.equal(true);

    await service.services.revocations.revokeUser(userId, 'revoked by the user');
    const refused = await amazon.alexaPlus.callTool('Erin', 'order_ride', { city: 'Boston' });
    expect(refused).to.deep.include({ ok: false, status: 401 });
    await amazon.alexaPlus.refresh('Erin').then(
      () => expect.fail('the revoked grant refreshed'),
      (error: Error) => expect(error.message).to.match(/^invalid_grant/),
    );
  });

  it('links nobody on a denied consent, a forged state or a replayed redirect', async () => {
    const denied = await link('Finn', 'Deny');
    expect(denied.status).to.equal(400);
    expect(denied.html).to.include('unable to link');
    expect(amazon.alexaPlus.linkOf('Finn')).to.equal(undefined);

    const forged = await fetch(`${amazon.baseUrl}${ADDON_LINK_PATH}?code=abc&state=made-up`);
    expect(forged.status).to.equal(400);
    const noState = await fetch(`${amazon.baseUrl}${ADDON_LINK_PATH}?code=abc`);
    expect(noState.status).to.equal(400);
    expect(amazon.alexaPlus.linkOf('Finn')).to.equal(undefined);

    // A redirect that already linked is single use: replaying it (code and state) links nobody again.
    const browser = new Browser(service.url);
    const start = new URL(amazon.alexaPlus.authorizeUrl('Finn'));
    const login = await openAuthorize(browser, start.searchParams.toString());
    const consent = await signIn(browser, login, 'erin@example.com', PASSWORD);
    const back = await answerConsent(browser, consent, 'allow');
    expect((await fetch(back)).status).to.equal(200);
    const linked = amazon.alexaPlus.linkOf('Finn');
    expect(linked).to.not.equal(undefined);
    expect((await fetch(back)).status).to.equal(400);
    expect(amazon.alexaPlus.linkOf('Finn')).to.equal(linked);
  });
});
