import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import nock from 'nock';
import { startOidcProvider, type TestOidcProvider } from '../support/oidc-provider';
import type { TestService } from '../support/service';
import { TEST_CLIENT_ID } from '../support/settings';
import {
  ALEXA_API,
  ALEXA_REDIRECTS,
  callApi,
  ENABLED,
  ENABLEMENT_PATH,
  isolateNetwork,
  LWA,
  mockDiscovery,
  mockEnable,
  mockLwaToken,
  startAppLinksService,
  startAttempt,
} from './support';

const APP_LWA_TOKEN = 'Atza|IwEBICompanyAppUserToken';

/** The LWA profile API answering for the app's token (the skill's resolver caches it for the token's hour). */
function lwaProfile(status = 200, body: unknown = { user_id: 'amzn1.account.AF2YRIDERTEST', name: 'Lwa Rider', email: 'lwa.rider@example.com' }): void {
  nock(LWA).get('/user/profile').matchHeader('authorization', `Bearer ${APP_LWA_TOKEN}`).reply(status, body as nock.Body);
}

describe('app-links when the company\'s accounts live in Login with Amazon (SKILL_LINKING_PROVIDER=lwa)', () => {
  isolateNetwork();
  let service: TestService;
  before(async () => {
    service = await startAppLinksService({ env: { SKILL_LINKING_PROVIDER: 'lwa' } });
  });
  after(async () => service?.close());

  it('accepts the app\'s LWA token and enables the skill with the provider\'s code and redirect URI, minting none of ours', async () => {
    lwaProfile();
    const { state } = await startAttempt(service, APP_LWA_TOKEN);
    const account = await service.services.accounts.findOrCreateExternal('lwa', 'amzn1.account.AF2YRIDERTEST', {});
    mockLwaToken([]);
    mockDiscovery([]);
    const sent: unknown[] = [];
    mockEnable(ALEXA_API, (body) => {
      sent.push(body);
      return [201, ENABLED];
    });
    const { status, body } = await callApi(service, 'POST', '/app-links/complete', APP_LWA_TOKEN, { code: 'ANAmazonCode', state, providerCode: 'ANCompanyLwaCode', providerRedirectUri: ALEXA_REDIRECTS[2] });
    expect(status, JSON.stringify(body)).to.equal(200);
    expect(sent).to.deep.equal([{ stage: 'development', accountLinkRequest: { redirectUri: ALEXA_REDIRECTS[2], authCode: 'ANCompanyLwaCode', type: 'AUTH_CODE' } }]);
    expect(await service.services.refreshTokens.familiesOf(account.id)).to.deep.equal([]);
    expect(JSON.parse((await service.store.get(`app-link:${account.id}`)) as string).userId).to.equal(account.id);

    nock(ALEXA_API).delete(ENABLEMENT_PATH).reply(204);
    expect((await callApi(service, 'DELETE', '/app-links/link', APP_LWA_TOKEN)).body).to.deep.equal({ linked: false, amazonDisabled: true, revokedGrants: 0 });
  });

  it('accepts a provider\'s code bound to the app\'s redirect URL (APP_REDIRECT_URL) and sends that URL', async () => {
    // The profile of APP_LWA_TOKEN is cached from the first test.
    const { state } = await startAttempt(service, APP_LWA_TOKEN);
    mockLwaToken([]);
    mockDiscovery([]);
    const sent: string[] = [];
    mockEnable(ALEXA_API, (body) => {
      sent.push(body.accountLinkRequest.redirectUri);
      return [201, ENABLED];
    });
    const appRedirect = service.services.settings.appLinks.appRedirectUrl;
    const { status, body } = await callApi(service, 'POST', '/app-links/complete', APP_LWA_TOKEN, { code: 'ANAmazonCode', state, providerCode: 'ANCompanyLwaCode', providerRedirectUri: appRedirect });
    expect(status, JSON.stringify(body)).to.equal(200);
    expect(sent).to.deep.equal([appRedirect]);
  });

  it('requires the provider\'s code and a configured redirect URI, checked before the state is spent', async () => {
    const { state } = await startAttempt(service, APP_LWA_TOKEN);
    const missing = await callApi(service, 'POST', '/app-links/complete', APP_LWA_TOKEN, { code: 'ANAmazonCode', state });
    expect([missing.status, missing.body.error]).to.deep.equal([400, 'invalid_request']);
    expect(missing.body.error_description).to.include('providerCode and providerRedirectUri are required');
    const elsewhere = await callApi(service, 'POST', '/app-links/complete', APP_LWA_TOKEN, { code: 'ANAmazonCode', state, providerCode: 'c', providerRedirectUri: 'https://evil.example/cb' });
    expect([elsewhere.status, elsewhere.body.error]).to.deep.equal([400, 'invalid_request']);
    // The state is still good.
    mockLwaToken([]);
    mockDiscovery([]);
    mockEnable(ALEXA_API, () => [201, ENABLED]);
    expect((await callApi(service, 'POST', '/app-links/complete', APP_LWA_TOKEN, { code: 'ANAmazonCode', state, providerCode: 'c', providerRedirectUri: ALEXA_REDIRECTS[0] })).status).to.equal(200);
  });

  it('refuses tokens LWA refuses (401), reports LWA being down as provider_unavailable (503)', async () => {
    nock(LWA).get('/user/profile').reply(401, { error: 'invalid_token' });
    const refused = await callApi(service, 'POST', '/app-links/start', 'Atza|IwEBIRevokedToken');
    expect([refused.status, refused.body.error]).to.deep.equal([401, 'invalid_token']);
    nock(LWA).get('/user/profile').reply(503, {});
    const down = await callApi(service, 'POST', '/app-links/start', 'Atza|IwEBIAnotherToken');
    expect([down.status, down.body.error]).to.deep.equal([503, 'provider_unavailable']);
  });

  it('leaves the Alexa-app authorization and the browser return to the provider', async () => {
    const api = await callApi(service, 'POST', '/app-links/authorize', APP_LWA_TOKEN, { response_type: 'code', client_id: TEST_CLIENT_ID, redirect_uri: ALEXA_REDIRECTS[0] });
    expect([api.status, api.body.error]).to.deep.equal([400, 'invalid_request']);
    const page = await fetch(`${service.url}/app-links/authorize?response_type=code&client_id=${TEST_CLIENT_ID}`);
    expect(page.status).to.equal(400);
    const back = await fetch(`${service.url}/app-links/return?code=abc&state=${'Q'.repeat(43)}`);
    expect(back.status).to.equal(400);
    expect(await back.text()).to.include('Finish linking in the app');
  });
});

describe('app-links when the company\'s accounts live in an OIDC provider (SKILL_LINKING_PROVIDER=oidc, node-oidc-provider on loopback)', () => {
  isolateNetwork();
  const AUDIENCE = 'https://api.ridehailer.example';
  const ANOTHER_API = 'https://another.example';
  let provider: TestOidcProvider;
  let service: TestService;
  before(async () => {
    provider = await startOidcProvider({ redirectUri: 'http://127.0.0.1:9/app-callback', resourceServers: [AUDIENCE, ANOTHER_API] });
    service = await startAppLinksService({
      env: { SKILL_LINKING_PROVIDER: 'oidc', OIDC_ISSUER: provider.issuer, OIDC_JWKS_URL: provider.jwksUrl, OIDC_AUDIENCE: AUDIENCE },
    });
  });
  after(async () => {
    await service?.close();
    await provider?.close();
  });

  it('accepts the provider\'s JWT (JWKS, pinned issuer and audience) and refuses one for another API', async () => {
    const started = await callApi(service, 'POST', '/app-links/start', await provider.accessTokenFor('rider-1', AUDIENCE));
    expect(started.status, JSON.stringify(started.body)).to.equal(200);
    expect(await service.services.accounts.findExternal(`oidc:${new URL(provider.issuer).host}`, 'rider-1'), 'the subject is mirrored').to.not.equal(undefined);
    const otherApi = await callApi(service, 'POST', '/app-links/start', await provider.accessTokenFor('rider-1', ANOTHER_API));
    expect([otherApi.status, otherApi.body.error]).to.deep.equal([401, 'invalid_token']);
    // A token made with a guessable shared secret under the provider's key id is not the provider's.
    const hs = jwt.sign({ iss: provider.issuer, aud: AUDIENCE, sub: 'rider-1' }, 'guessable', { algorithm: 'HS256', keyid: 'test-rsa' });
    expect((await callApi(service, 'POST', '/app-links/start', hs)).status).to.equal(401);
  });
});

describe('app-links with an OIDC provider whose userinfo refuses the API-audience token (OIDC_USERINFO_URL set, node-oidc-provider on loopback)', () => {
  isolateNetwork();
  const AUDIENCE = 'https://api.ridehailer.example';
  let provider: TestOidcProvider;
  let service: TestService;
  before(async () => {
    provider = await startOidcProvider({ redirectUri: 'http://127.0.0.1:9/app-callback', resourceServers: [AUDIENCE] });
    service = await startAppLinksService({
      env: { SKILL_LINKING_PROVIDER: 'oidc', OIDC_ISSUER: provider.issuer, OIDC_JWKS_URL: provider.jwksUrl, OIDC_AUDIENCE: AUDIENCE, OIDC_USERINFO_URL: provider.userinfoUrl },
    });
  });
  after(async () => {
    await service?.close();
    await provider?.close();
  });

  it('starts linking for the token\'s subject when userinfo answers 401 (no profile, not "not linked"), and reports a userinfo outage as provider_unavailable', async () => {
    const first = await provider.accessTokenFor('rider-1', AUDIENCE);
    const second = await provider.accessTokenFor('rider-2', AUDIENCE);
    // node-oidc-provider's userinfo refuses a token whose audience is an API, as Auth0's does.
    const refused = await fetch(provider.userinfoUrl, { headers: { authorization: `Bearer ${first}` } });
    expect(refused.status).to.equal(401);
    const started = await callApi(service, 'POST', '/app-links/start', first);
    expect(started.status, JSON.stringify(started.body)).to.equal(200);
    // The provider goes away: its keys are held, but userinfo cannot be asked.
    await provider.close();
    const down = await callApi(service, 'POST', '/app-links/start', second);
    expect([down.status, down.body.error]).to.deep.equal([503, 'provider_unavailable']);
  });
});
