import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { APP, BACKEND, clientsFileEnv, CUSTOM_SKILL, deploymentClients, SMART_HOME, writeClientsFile } from '../../support/clients-file';
import { opsOf } from '../../../server/ops/ops';
import { startTestService, type TestService } from '../../support/service';
import { answerConsent, authorizeAndConsent, authorizeQuery, Browser, createRider, openAuthorize, pkcePair, postToken, signIn } from './flow-helpers';

const alexaUrl = (vendor: string, region = 'pitangui.amazon.com') => `https://${region}/api/skill/link/${vendor}`;
const CUSTOM_REDIRECT = alexaUrl(CUSTOM_SKILL.vendor);
const HOME_REDIRECT = alexaUrl(SMART_HOME.vendor, 'layla.amazon.com');

describe('the client registry (CLIENTS_FILE): several Alexa clients, the app, a service', () => {
  let service: TestService;
  before(async () => {
    service = await startTestService({ env: clientsFileEnv(writeClientsFile(deploymentClients())) });
    await createRider(service);
  });
  after(async () => service?.close());

  const code = async (query: Record<string, string | undefined>): Promise<string> => {
    const location = await authorizeAndConsent(service, query);
    const found = location.searchParams.get('code');
    if (!found) throw new Error(`no code in ${location.href}`);
    return found;
  };
  const custom = { id: CUSTOM_SKILL.id, secret: CUSTOM_SKILL.secret };
  const home = { id: SMART_HOME.id, secret: SMART_HOME.secret };

  describe('two Alexa skills side by side', () => {
    it('binds each code to its client: the other skill cannot redeem it, its own can', async () => {
      const issued = await code({ client_id: CUSTOM_SKILL.id, redirect_uri: CUSTOM_REDIRECT, scope: 'rides' });
      const stolen = await postToken(service, { grant_type: 'authorization_code', code: issued, redirect_uri: CUSTOM_REDIRECT }, 'body', '/oauth/token', home);
      expect(stolen.body).to.deep.equal({ error: 'invalid_grant', error_description: 'The authorization code was issued to another client.' });

      // Its own client cannot take it to the other skill's redirect URL either.
      const elsewhere = await code({ client_id: CUSTOM_SKILL.id, redirect_uri: CUSTOM_REDIRECT });
      const moved = await postToken(service, { grant_type: 'authorization_code', code: elsewhere, redirect_uri: HOME_REDIRECT }, 'basic', '/oauth/token', custom);
      expect(moved.body).to.deep.equal({ error: 'invalid_grant', error_description: 'redirect_uri does not match the one used in the authorization request.' });

      const fresh = await code({ client_id: CUSTOM_SKILL.id, redirect_uri: CUSTOM_REDIRECT, scope: 'rides' });
      const own = await postToken(service, { grant_type: 'authorization_code', code: fresh, redirect_uri: CUSTOM_REDIRECT }, 'basic', '/oauth/token', custom);
      expect(own.status, own.text).to.equal(200);
      expect(service.services.accessTokens.verify(own.body.access_token as string)).to.include({ client_id: CUSTOM_SKILL.id, scope: 'rides' });
    });

    it("refuses one skill's redirect URL at the other (our own page, never a redirect)", async () => {
      const response = await new Browser(service.url).get(`/oauth/authorize?${authorizeQuery({ client_id: SMART_HOME.id, redirect_uri: CUSTOM_REDIRECT, scope: 'devices' })}`);
      expect(response.status).to.equal(400);
      expect(await response.text()).to.include('The redirect_uri is not one of the URIs registered for this client.');
      const line = service.logs.events('authorize.refused').at(-1);
      expect(line).to.include({ parameter: 'redirect_uri', reason: `redirect_uri not registered for client ${SMART_HOME.id}` });
    });

    it('holds each skill to its own PKCE policy and scopes', async () => {
      // The smart home skill requires PKCE: refused at its redirect URL without it.
      const refused = await new Browser(service.url).get(`/oauth/authorize?${authorizeQuery({ client_id: SMART_HOME.id, redirect_uri: HOME_REDIRECT, scope: 'devices' })}`);
      expect(refused.status).to.equal(303);
      const location = new URL(refused.headers.get('location') as string);
      expect(`${location.origin}${location.pathname}`).to.equal(HOME_REDIRECT);
      expect(location.searchParams.get('error')).to.equal('invalid_request');
      expect(location.searchParams.get('error_description')).to.equal('PKCE is required: send code_challenge and code_challenge_method=S256.');
      // The custom skill does not: the same request without PKCE is answered with a sign-in page.
      await openAuthorize(new Browser(service.url), authorizeQuery({ client_id: CUSTOM_SKILL.id, redirect_uri: CUSTOM_REDIRECT }));
      // Scopes are per client: "devices" is the smart home skill's only.
      const scope = await new Browser(service.url).get(`/oauth/authorize?${authorizeQuery({ client_id: CUSTOM_SKILL.id, redirect_uri: CUSTOM_REDIRECT, scope: 'devices' })}`);
      expect(new URL(scope.headers.get('location') as string).searchParams.get('error')).to.equal('invalid_scope');

      const pkce = pkcePair();
      const issued = await code({ client_id: SMART_HOME.id, redirect_uri: HOME_REDIRECT, scope: 'devices', code_challenge: pkce.challenge, code_challenge_method: 'S256' });
      // The hashed secret authenticates (client_secret_hash in the file), in the body as registered.
      const tokens = await postToken(service, { grant_type: 'authorization_code', code: issued, redirect_uri: HOME_REDIRECT, code_verifier: pkce.verifier }, 'body', '/oauth/token', home);
      expect(tokens.status, tokens.text).to.equal(200);
      expect(tokens.body.scope).to.equal('devices');
    });

    it("names each client on its own sign-in and consent pages", async () => {
      const browser = new Browser(service.url);
      // The smart home skill is not the primary Alexa client, whose name the pages would otherwise show.
      const pkce = pkcePair();
      const login = await openAuthorize(browser, authorizeQuery({ client_id: SMART_HOME.id, redirect_uri: HOME_REDIRECT, scope: 'devices', code_challenge: pkce.challenge, code_challenge_method: 'S256' }));
      expect(login.page).to.include('Ride Hailer smart home');
      const consent = await signIn(browser, login);
      expect(consent.page).to.include('Ride Hailer smart home').and.not.include('Ride Hailer skill');
      await answerConsent(browser, consent, 'deny');
    });
  });

  describe('the company app, a public native client', () => {
    const appToken = (fields: Record<string, string | undefined>, headers: Record<string, string> = {}) =>
      fetch(`${service.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined)).toString(),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));

    it('must use PKCE: a request without it goes back to the app with invalid_request', async () => {
      const response = await new Browser(service.url).get(`/oauth/authorize?${authorizeQuery({ client_id: APP.id, redirect_uri: APP.redirect })}`);
      expect(response.status).to.equal(303);
      const location = response.headers.get('location') as string;
      expect(location.startsWith(`${APP.redirect}?`)).to.equal(true);
      expect(new URL(location).searchParams.get('error_description')).to.equal('PKCE is required: send code_challenge and code_challenge_method=S256.');
      expect(service.logs.events('authorize.refused').at(-1)).to.include({ reason: 'PKCE required but absent (public client)' });
    });

    it('signs the user in through the browser and redeems the code with client_id and the verifier, no secret', async () => {
      const pkce = pkcePair();
      const issued = await code({ client_id: APP.id, redirect_uri: APP.claimed, code_challenge: pkce.challenge, code_challenge_method: 'S256' });
      const withoutVerifier = await appToken({ grant_type: 'authorization_code', code: issued, redirect_uri: APP.claimed, client_id: APP.id });
      expect(withoutVerifier.body).to.deep.equal({ error: 'invalid_request', error_description: 'code_verifier is required: this client is public and must use PKCE.' });
      const tokens = await appToken({ grant_type: 'authorization_code', code: issued, redirect_uri: APP.claimed, client_id: APP.id, code_verifier: pkce.verifier });
      expect(tokens.status, JSON.stringify(tokens.body)).to.equal(200);
      expect(service.services.accessTokens.verify(tokens.body.access_token as string)).to.include({ client_id: APP.id });
      expect(tokens.body.refresh_token).to.be.a('string');
      const refreshed = await appToken({ grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token as string, client_id: APP.id });
      expect(refreshed.status, JSON.stringify(refreshed.body)).to.equal(200);
    });

    it('refuses a secret from the public client, in the body or as Basic', async () => {
      const body = await appToken({ grant_type: 'refresh_token', refresh_token: 'x'.repeat(43), client_id: APP.id, client_secret: 'anything' });
      expect(body).to.deep.equal({ status: 401, body: { error: 'invalid_client', error_description: 'This client is public (token_endpoint_auth_method none): send client_id without a client_secret.' } });
      const basic = await postToken(service, { grant_type: 'refresh_token', refresh_token: 'x'.repeat(43) }, 'basic', '/oauth/token', { id: APP.id, secret: '' });
      expect(basic.body).to.deep.equal({ error: 'invalid_client', error_description: 'This client is public (token_endpoint_auth_method none): send client_id in the body, without a secret.' });
    });

    it('revokes its own refresh token with client_id alone (RFC 7009), and the token stops refreshing', async () => {
      const pkce = pkcePair();
      const issued = await code({ client_id: APP.id, redirect_uri: APP.redirect, code_challenge: pkce.challenge, code_challenge_method: 'S256' });
      const tokens = await appToken({ grant_type: 'authorization_code', code: issued, redirect_uri: APP.redirect, client_id: APP.id, code_verifier: pkce.verifier });
      const revoked = await fetch(`${service.url}/oauth/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: tokens.body.refresh_token as string, client_id: APP.id }).toString(),
      });
      expect(revoked.status).to.equal(200);
      const refreshed = await appToken({ grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token as string, client_id: APP.id });
      expect(refreshed.body.error).to.equal('invalid_grant');
    });

    it('cannot redeem an Alexa client\'s code, nor use client_credentials', async () => {
      const issued = await code({ client_id: CUSTOM_SKILL.id, redirect_uri: CUSTOM_REDIRECT });
      const stolen = await appToken({ grant_type: 'authorization_code', code: issued, redirect_uri: CUSTOM_REDIRECT, client_id: APP.id, code_verifier: pkcePair().verifier });
      expect(stolen.body.error).to.equal('invalid_grant');
      const machine = await appToken({ grant_type: 'client_credentials', client_id: APP.id });
      expect(machine.body).to.deep.equal({ error: 'unauthorized_client', error_description: 'This client is not registered for the client_credentials grant.' });
    });
  });

  describe('service clients: client_credentials', () => {
    const backend = { id: BACKEND.id, secret: BACKEND.secret };

    it('issues a token with no user and no refresh token, within the registered scope', async () => {
      const result = await postToken(service, { grant_type: 'client_credentials', scope: 'app_links' }, 'basic', '/oauth/token', backend);
      expect(result.status, result.text).to.equal(200);
      expect(result.headers.get('cache-control')).to.equal('no-store');
      expect(result.body).to.have.keys(['access_token', 'token_type', 'expires_in', 'scope']);
      expect(result.body.scope).to.equal('app_links');
      const claims = service.services.accessTokens.verify(result.body.access_token as string);
      expect(claims).to.include({ sub: BACKEND.id, client_id: BACKEND.id, gty: 'client_credentials', scope: 'app_links' });
      expect(jwt.decode(result.body.access_token as string, { complete: true })?.header.typ).to.equal('at+jwt');
      const all = await postToken(service, { grant_type: 'client_credentials' }, 'body', '/oauth/token', backend);
      expect(all.body.scope).to.equal('app_links reports');
      expect(service.logs.events('token.issued').at(-1)).to.include({ grant_type: 'client_credentials', client_id: BACKEND.id });
      const metrics = await opsOf(service.services).metrics.registry.metrics();
      expect(metrics).to.match(/linkwright_token_requests_total\{grant_type="client_credentials",outcome="issued"\} 2/);
    });

    it('refuses a scope beyond the registered one, a wrong secret, and the grants it is not registered for', async () => {
      let result = await postToken(service, { grant_type: 'client_credentials', scope: 'app_links admin' }, 'basic', '/oauth/token', backend);
      expect(result.body).to.deep.equal({ error: 'invalid_scope', error_description: 'Unknown scope: admin. This client may ask for: app_links reports.' });
      result = await postToken(service, { grant_type: 'client_credentials' }, 'basic', '/oauth/token', { id: BACKEND.id, secret: 'wrong-secret-0123456789abcdef' });
      expect(result.status).to.equal(401);
      expect(result.body.error).to.equal('invalid_client');
      result = await postToken(service, { grant_type: 'refresh_token', refresh_token: 'x'.repeat(43) }, 'basic', '/oauth/token', backend);
      expect(result.body).to.deep.equal({ error: 'unauthorized_client', error_description: 'This client is not registered for the refresh_token grant.' });
      const signIn = await new Browser(service.url).get(`/oauth/authorize?${authorizeQuery({ client_id: BACKEND.id, redirect_uri: 'https://x.example/cb' })}`);
      expect(signIn.status).to.equal(400);
      expect(await signIn.text()).to.include('This client does not sign users in');
      const failure = (await opsOf(service.services).failures.recent()).find((f) => f.step === 'authorize' && f.clientId === BACKEND.id);
      expect(failure?.category).to.equal('client_cannot_sign_in');
    });

    it('is described as userless by introspection, and refused by userinfo', async () => {
      const token = (await postToken(service, { grant_type: 'client_credentials', scope: 'app_links' }, 'basic', '/oauth/token', backend)).body.access_token as string;
      const introspected = await postToken(service, { token }, 'basic', '/oauth/introspect', custom);
      expect(introspected.body).to.include({ active: true, sub: BACKEND.id, client_id: BACKEND.id, gty: 'client_credentials', scope: 'app_links' });
      const userinfo = await fetch(`${service.url}/oauth/userinfo`, { headers: { authorization: `Bearer ${token}` } });
      expect(userinfo.status).to.equal(401);
      expect(userinfo.headers.get('www-authenticate')).to.include('error="invalid_token"');
      // The public app client authenticates with its id alone: it may not introspect.
      const byApp = await fetch(`${service.url}/oauth/introspect`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token, client_id: APP.id }).toString() });
      expect(byApp.status).to.equal(401);
      expect(((await byApp.json()) as Record<string, unknown>).error).to.equal('invalid_client');
    });

    it('is refused to Alexa clients, which are not registered for it', async () => {
      const result = await postToken(service, { grant_type: 'client_credentials' }, 'basic', '/oauth/token', custom);
      expect(result.status).to.equal(400);
      expect(result.body).to.deep.equal({ error: 'unauthorized_client', error_description: 'This client is not registered for the client_credentials grant.' });
      expect(service.logs.events('token.refused').at(-1)).to.include({ error: 'unauthorized_client', reason: `client ${CUSTOM_SKILL.id} (alexa) not allowed client_credentials` });
      expect(service.logs.events('token.refused').at(-1)).to.include({ category: 'grant_not_allowed' });
    });
  });

  it('publishes metadata listing what the registered clients can use', async () => {
    const body = (await (await fetch(`${service.url}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(body).to.deep.include({
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      code_challenge_methods_supported: ['S256'],
      scopes_supported: ['profile', 'rides', 'devices', 'app_links', 'reports'],
    });
  });
});
