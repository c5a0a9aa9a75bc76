import { expect } from 'chai';
import nock from 'nock';
import { APP_REDIRECT, registerAppClient } from '../support/clients';
import { secretHash } from '../support/clients-file';
import type { TestService } from '../support/service';
import { TEST_CLIENT_ID } from '../support/settings';
import { ALEXA_REDIRECTS, callApi, isolateNetwork, LWA, signedInUser, startAppLinksService } from './support';

const BACKEND = { id: 'rides-backend', secret: 'backend-secret-0123456789abcdefghijk' };

/** A client_credentials token of the backend, asked of the token endpoint as the backend would. */
async function serviceToken(service: TestService, scope?: string): Promise<string> {
  const body = new URLSearchParams({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) });
  const response = await fetch(`${service.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${BACKEND.id}:${BACKEND.secret}`).toString('base64')}` },
    body: body.toString(),
  });
  const json = (await response.json()) as { access_token: string };
  expect(response.status, JSON.stringify(json)).to.equal(200);
  return json.access_token;
}

/** A call to the app-links API with a bearer token and extra headers. */
async function call(service: TestService, path: string, token: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${service.url}${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
}

function registerBackend(service: TestService): void {
  if (service.services.clients.find(BACKEND.id)) return;
  service.services.clients.register({ id: BACKEND.id, kind: 'service', secretSha256: secretHash(BACKEND.secret).slice(7), grantTypes: ['client_credentials'], redirectUris: [], scopes: ['app_links', 'reports'] });
}

describe('who may call /app-links/*: the app, the identity provider\'s tokens, the company backend', () => {
  isolateNetwork();

  describe('accounts live here (SKILL_LINKING_PROVIDER=builtin)', () => {
    let service: TestService;
    before(async () => {
      service = await startAppLinksService();
      registerBackend(service);
    });
    after(async () => service?.close());

    it('accepts the app\'s own token, issued to the app client', async () => {
      const user = await signedInUser(service);
      const answer = await call(service, '/app-links/status', user.token);
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      expect(answer.body.reason).to.equal('not_linked_from_app');
    });

    it('never accepts a token issued to an Alexa client, nor one of an unregistered client, as an app session', async () => {
      const user = await signedInUser(service);
      for (const clientId of [TEST_CLIENT_ID, 'gone-client']) {
        const token = service.services.accessTokens.sign({ userId: user.userId, clientId, scope: 'profile', familyId: user.familyId }).token;
        const answer = await call(service, '/app-links/status', token);
        expect(answer.status).to.equal(401);
        expect(answer.body.error).to.equal('invalid_token');
        expect(answer.headers.get('www-authenticate')).to.equal('Bearer realm="app-links", error="invalid_token"');
      }
      expect(service.logs.raw.some((line) => line.includes(`token issued to alexa client ${TEST_CLIENT_ID} is not an app session`))).to.equal(true);
    });

    it('accepts the backend\'s service token for the user Linkwright-User names by username', async () => {
      const user = await signedInUser(service, 'named.rider@example.com');
      const token = await serviceToken(service, 'app_links');
      const answer = await call(service, '/app-links/status', token, { 'Linkwright-User': 'Named.Rider@example.com' });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      expect(answer.body.reason).to.equal('not_linked_from_app');
      // The user it acted for is the one named (start records it in the log line).
      const started = await fetch(`${service.url}/app-links/start`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'linkwright-user': 'named.rider@example.com' } });
      expect(started.status).to.equal(200);
      expect(service.logs.events('app_links.started').at(-1)).to.include({ userId: user.userId });
    });

    it('refuses a service token without the header, without the scope, or naming nobody; and the header with an app token', async () => {
      const user = await signedInUser(service, 'other.rider@example.com');
      const token = await serviceToken(service, 'app_links');
      let answer = await call(service, '/app-links/status', token);
      expect([answer.status, answer.body.error, answer.body.error_description]).to.deep.equal([400, 'invalid_request', 'A service token must name its user in the Linkwright-User header.']);
      answer = await call(service, '/app-links/status', token, { 'Linkwright-User': 'nobody@example.com' });
      expect([answer.status, answer.body.error]).to.deep.equal([404, 'user_unknown']);
      const reports = await serviceToken(service, 'reports');
      answer = await call(service, '/app-links/status', reports, { 'Linkwright-User': 'other.rider@example.com' });
      expect([answer.status, answer.body.error]).to.deep.equal([403, 'insufficient_scope']);
      expect(answer.headers.get('www-authenticate')).to.equal('Bearer realm="app-links", error="insufficient_scope", scope="app_links"');
      answer = await call(service, '/app-links/status', user.token, { 'Linkwright-User': 'other.rider@example.com' });
      expect([answer.status, answer.body.error]).to.deep.equal([400, 'invalid_request']);
      // A service token of a client that is not a service client (forged claims, signed by us for the test) is refused.
      const forged = service.services.accessTokens.sign({ userId: TEST_CLIENT_ID, clientId: TEST_CLIENT_ID, scope: 'app_links', familyId: 'cc-x', gty: 'client_credentials' }).token;
      answer = await call(service, '/app-links/status', forged, { 'Linkwright-User': 'other.rider@example.com' });
      expect([answer.status, answer.body.error]).to.deep.equal([401, 'invalid_token']);
    });

    it('mints codes on /app-links/authorize for Alexa clients only, never for the app client', async () => {
      const user = await signedInUser(service);
      const pkce = { code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' };
      const request = { response_type: 'code', redirect_uri: APP_REDIRECT, state: 'st', scope: 'profile', ...pkce };
      const refused = await callApi(service, 'POST', '/app-links/authorize', user.token, { ...request, client_id: 'company-app' });
      expect([refused.status, refused.body.error, refused.body.error_description]).to.deep.equal([400, 'invalid_request', 'Only an Alexa client links through the company app.']);
      const alexa = await callApi(service, 'POST', '/app-links/authorize', user.token, { ...request, client_id: TEST_CLIENT_ID, redirect_uri: ALEXA_REDIRECTS[0] });
      expect(alexa.body.outcome).to.equal('code');
    });

    it('refuses a revoked service token', async () => {
      await signedInUser(service, 'revoked.rider@example.com');
      const token = await serviceToken(service, 'app_links');
      const revoke = await fetch(`${service.url}/oauth/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${BACKEND.id}:${BACKEND.secret}`).toString('base64')}` },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
      });
      expect(revoke.status).to.equal(200);
      const answer = await call(service, '/app-links/status', token, { 'Linkwright-User': 'revoked.rider@example.com' });
      expect([answer.status, answer.body.error]).to.deep.equal([401, 'invalid_token']);
    });
  });

  describe('users sign in through the company API (LOGIN_SOURCE=api)', () => {
    let service: TestService;
    before(async () => {
      service = await startAppLinksService({ env: { LOGIN_SOURCE: 'api', LOGIN_VERIFY_URL: 'http://127.0.0.1:9/verify', LOGIN_VERIFY_SECRET: 'company-api-secret-0123456789abcdef' } });
      registerBackend(service);
    });
    after(async () => service?.close());

    it('names the user by the user_id the company API answered at sign-in', async () => {
      // What a sign-in through the company API leaves behind (server/oauth/sign-in): a mirrored account.
      const account = await service.services.accounts.syncExternal('api', 'u-1001', { name: 'Api Rider' });
      const token = await serviceToken(service, 'app_links');
      const started = await fetch(`${service.url}/app-links/start`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'linkwright-user': 'u-1001' } });
      expect(started.status).to.equal(200);
      expect(service.logs.events('app_links.started').at(-1)).to.include({ userId: account.id });
      const unknown = await call(service, '/app-links/status', token, { 'Linkwright-User': 'u-9999' });
      expect([unknown.status, unknown.body.error]).to.deep.equal([404, 'user_unknown']);
    });
  });

  describe('accounts live in Login with Amazon (SKILL_LINKING_PROVIDER=lwa)', () => {
    let service: TestService;
    before(async () => {
      service = await startAppLinksService({ env: { SKILL_LINKING_PROVIDER: 'lwa' } });
      registerBackend(service);
      registerAppClient(service.services);
    });
    after(async () => service?.close());

    it('accepts the provider\'s token (as before), the backend naming the user by their LWA user_id, and the app client\'s token', async () => {
      const lwaToken = 'Atza|IwEBICompanyAppUserToken';
      nock(LWA).get('/user/profile').matchHeader('authorization', `Bearer ${lwaToken}`).reply(200, { user_id: 'amzn1.account.AF2YRIDER', name: 'Lwa Rider' });
      let answer = await callApi(service, 'GET', '/app-links/status', lwaToken);
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);

      const token = await serviceToken(service, 'app_links');
      answer = await call(service, '/app-links/status', token, { 'Linkwright-User': 'amzn1.account.AF2YRIDER' });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      answer = await call(service, '/app-links/status', token, { 'Linkwright-User': 'amzn1.account.UNKNOWN' });
      expect(answer.body.error).to.equal('user_unknown');

      const account = await service.services.accounts.findOrCreateExternal('lwa', 'amzn1.account.AF2YRIDER', {});
      const { family } = await service.services.refreshTokens.issue({ userId: account.id, clientId: 'company-app', scope: 'profile' });
      const appToken = service.services.accessTokens.sign({ userId: account.id, clientId: 'company-app', scope: 'profile', familyId: family.id }).token;
      expect((await callApi(service, 'GET', '/app-links/status', appToken)).status).to.equal(200);
    });
  });
});
