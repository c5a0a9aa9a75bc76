import { expect } from 'chai';
import { ManualClock } from '../../server/clock';
import { type AmazonSimulator, startAmazonSimulator } from '../../simulator';
import { createTestCertificateChain } from '../../simulator/certificates';
import { startTestService, type TestService } from '../support/service';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_VENDOR_ID } from '../support/settings';
import { callApi, ENCRYPTION_KEY, signedInUser } from './support';

/** The company's universal-link return URL, on its own domain ("Your Redirect URLs" in the console). */
const APP_RETURN = 'https://app.ridehailer.example/alexa/return';

/**
 * The whole from-your-app flow against the local Amazon simulator, reached only through settings
 * (LWA_*, ALEXA_APP_LINK_URL, ALEXA_API_URL, ALEXA_API_HOSTS): Alexa app consent, LWA with PKCE,
 * endpoint discovery on one host and Skill Enablement on the rewritten regional host, which redeems
 * our code at our token endpoint over loopback.
 */
describe('app-links against the local Amazon simulator', function () {
  this.timeout(30_000);
  const certificate = createTestCertificateChain();
  let clock: ManualClock;
  let amazon: AmazonSimulator;
  let service: TestService;

  beforeEach(async () => {
    clock = new ManualClock();
    amazon = await startAmazonSimulator({
      clock,
      certificate,
      service: { clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET, vendorId: TEST_VENDOR_ID, scheme: 'HTTP_BASIC', name: 'Ride Hailer' },
      lwaClient: { redirectUris: [APP_RETURN] },
      users: [{ name: 'Alice' }],
      endpoints: ['api.eu.amazonalexa.com'],
    });
    service = await startTestService({ clock, env: { ...amazon.env, APP_REDIRECT_URL: APP_RETURN, APP_LINKS_ENCRYPTION_KEY: ENCRYPTION_KEY, APP_LINKS_RETRY_BASE_MS: '0' } });
    amazon.connectService({ url: service.url });
  });
  afterEach(async () => {
    await amazon?.close();
    await service?.close();
  });

  /** What the company's app does between start and complete: open the Alexa app link, come back with code and state. */
  async function consentInAlexaApp(alexaAppUrl: string): Promise<URL> {
    expect(alexaAppUrl.startsWith(amazon.env.ALEXA_APP_LINK_URL)).to.equal(true);
    const consent = await fetch(alexaAppUrl, { redirect: 'manual' });
    expect(consent.status, await consent.clone().text()).to.equal(302);
    const back = new URL(consent.headers.get('location') as string);
    expect(back.origin + back.pathname).to.equal(APP_RETURN);
    return back;
  }

  it('links, reports the status, refreshes the Amazon token after its hour, and unlinks', async () => {
    const { token, userId, familyId } = await signedInUser(service);
    const started = await callApi(service, 'POST', '/app-links/start', token);
    expect(started.status).to.equal(200);
    const back = await consentInAlexaApp(started.body.alexaAppUrl as string);
    expect(back.searchParams.get('state')).to.equal(started.body.state);

    const done = await callApi(service, 'POST', '/app-links/complete', token, { code: back.searchParams.get('code'), state: back.searchParams.get('state') });
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
    expect(done.body).to.include({ linked: true, enablementStatus: 'ENABLED' });
    expect(JSON.parse((await service.store.get(`app-link:${userId}`)) as string).host).to.equal('api.eu.amazonalexa.com');

    expect((await callApi(service, 'GET', '/app-links/status', token)).body).to.include({ linked: true, accountLinkStatus: 'LINKED' });

    clock.advance(3600_000);
    const renewed = service.services.accessTokens.sign({ userId, clientId: 'company-app', scope: 'profile', familyId }).token;
    expect((await callApi(service, 'GET', '/app-links/status', renewed)).body).to.include({ linked: true });

    const unlinked = await callApi(service, 'DELETE', '/app-links/link', renewed);
    expect(unlinked.body).to.deep.equal({ linked: false, amazonDisabled: true, revokedGrants: 1 });
    expect((await callApi(service, 'GET', '/app-links/status', renewed)).body).to.include({ linked: false });
  });

  it('answers amazon_code_rejected for an Amazon code past its 5 minutes', async () => {
    const { token } = await signedInUser(service);
    const started = await callApi(service, 'POST', '/app-links/start', token);
    const back = await consentInAlexaApp(started.body.alexaAppUrl as string);
    clock.advance(5 * 60_000 + 1000);
    const done = await callApi(service, 'POST', '/app-links/complete', token, { code: back.searchParams.get('code'), state: back.searchParams.get('state') });
    expect([done.status, done.body.error]).to.deep.equal([400, 'amazon_code_rejected']);
  });
});
