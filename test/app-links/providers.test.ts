import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import nock from 'nock';
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

describe('app-links when the company\'s accounts live in an OIDC provider (SKILL_LINKING_PROVIDER=oidc)', () => {
  isolateNetwork();
  const ISSUER = 'https://ridehailer.eu.auth0.com/';
  const AUDIENCE = 'https://api.ridehailer.example';
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'app-key-1', alg: 'RS256', use: 'sig' };
  let service: TestService;
  before(async () => {
    service = await startAppLinksService({
      env: { SKILL_LINKING_PROVIDER: 'oidc', OIDC_ISSUER: ISSUER, OIDC_JWKS_URL: `${ISSUER}.well-known/jwks.json`, OIDC_AUDIENCE: AUDIENCE },
    });
  });
  after(async () => service?.close());

  const sign = (claims: Record<string, unknown>) =>
    jwt.sign({ iss: ISSUER, aud: AUDIENCE, sub: 'auth0|rider-1', name: 'Oidc Rider', ...claims }, privateKey, { algorithm: 'RS256', keyid: 'app-key-1', expiresIn: 600 });

  it('accepts the provider\'s JWT (JWKS, pinned issuer and audience) and refuses one for another API', async () => {
    nock('https://ridehailer.eu.auth0.com').get('/.well-known/jwks.json').reply(200, { keys: [jwk] });
    const started = await callApi(service, 'POST', '/app-links/start', sign({}));
    expect(started.status, JSON.stringify(started.body)).to.equal(200);
    const otherApi = await callApi(service, 'POST', '/app-links/start', sign({ aud: 'https://another.example' }));
    expect([otherApi.status, otherApi.body.error]).to.deep.equal([401, 'invalid_token']);
    const hs = jwt.sign({ iss: ISSUER, aud: AUDIENCE, sub: 'auth0|rider-1' }, 'guessable', { algorithm: 'HS256', keyid: 'app-key-1' });
    expect((await callApi(service, 'POST', '/app-links/start', hs)).status).to.equal(401);
  });
});

describe('app-links with an OIDC provider whose userinfo refuses the API-audience token (OIDC_USERINFO_URL set)', () => {
  isolateNetwork();
  const ISSUER = 'https://ridehailer.eu.auth0.com/';
  const AUDIENCE = 'https://api.ridehailer.example';
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'app-key-1', alg: 'RS256', use: 'sig' };
  let service: TestService;
  before(async () => {
    service = await startAppLinksService({
      env: { SKILL_LINKING_PROVIDER: 'oidc', OIDC_ISSUER: ISSUER, OIDC_JWKS_URL: `${ISSUER}.well-known/jwks.json`, OIDC_AUDIENCE: AUDIENCE, OIDC_USERINFO_URL: `${ISSUER}userinfo` },
    });
  });
  after(async () => service?.close());

  const sign = (claims: Record<string, unknown>) =>
    jwt.sign({ iss: ISSUER, aud: AUDIENCE, sub: 'auth0|rider-1', ...claims }, privateKey, { algorithm: 'RS256', keyid: 'app-key-1', expiresIn: 600 });

  it('starts linking for the token\'s subject when userinfo answers 401 (no profile, not "not linked"), and reports a userinfo outage as provider_unavailable', async () => {
    nock('https://ridehailer.eu.auth0.com').get('/.well-known/jwks.json').reply(200, { keys: [jwk] });
    nock('https://ridehailer.eu.auth0.com').get('/userinfo').reply(401, { error: 'invalid_token', error_description: 'token audience prevents accessing the userinfo endpoint' });
    const started = await callApi(service, 'POST', '/app-links/start', sign({ jti: 'one' }));
    expect(started.status, JSON.stringify(started.body)).to.equal(200);
    nock('https://ridehailer.eu.auth0.com').get('/userinfo').reply(503, {});
    const down = await callApi(service, 'POST', '/app-links/start', sign({ jti: 'two' }));
    expect([down.status, down.body.error]).to.deep.equal([503, 'provider_unavailable']);
  });
});
