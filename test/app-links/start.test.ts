import { expect } from 'chai';
import type { TestService } from '../support/service';
import { startTestService } from '../support/service';
import { callApi, expectNoSecretsLogged, isolateNetwork, LWA_CLIENT_ID, signedInUser, startAppLinksService } from './support';

describe('POST /app-links/start', () => {
  isolateNetwork();
  let service: TestService;
  before(async () => {
    service = await startAppLinksService();
  });
  after(async () => service?.close());

  it('returns the Alexa app universal link and the LWA fallback, both with the same state and PKCE S256', async () => {
    const { token } = await signedInUser(service);
    const { status, body, headers } = await callApi(service, 'POST', '/app-links/start', token);
    expect(status).to.equal(200);
    expect(headers.get('cache-control')).to.equal('no-store');
    expect(Object.keys(body).sort()).to.deep.equal(['alexaAppUrl', 'expiresAt', 'expiresIn', 'lwaFallbackUrl', 'state']);

    const alexa = new URL(body.alexaAppUrl as string);
    const lwa = new URL(body.lwaFallbackUrl as string);
    expect(alexa.origin + alexa.pathname).to.equal('https://alexa.amazon.com/spa/skill-account-linking-consent');
    expect(lwa.origin + lwa.pathname).to.equal('https://www.amazon.com/ap/oa');
    const returnUrl = `${service.services.settings.publicUrl}/app-links/return`;
    expect([...alexa.searchParams.keys()]).to.deep.equal(['fragment', 'client_id', 'scope', 'skill_stage', 'response_type', 'redirect_uri', 'state', 'code_challenge', 'code_challenge_method']);
    expect(Object.fromEntries(alexa.searchParams)).to.include({
      fragment: 'skill-account-linking-consent',
      client_id: LWA_CLIENT_ID,
      scope: 'alexa::skills:account_linking',
      skill_stage: 'development',
      response_type: 'code',
      redirect_uri: returnUrl,
      state: body.state,
      code_challenge_method: 'S256',
    });
    expect(Object.fromEntries(lwa.searchParams)).to.deep.equal({
      client_id: LWA_CLIENT_ID,
      scope: 'alexa::skills:account_linking',
      response_type: 'code',
      redirect_uri: returnUrl,
      state: body.state,
      code_challenge: alexa.searchParams.get('code_challenge'),
      code_challenge_method: 'S256',
    });
    expect(alexa.searchParams.get('code_challenge')).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(body.state).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(body.expiresIn).to.equal(600);
    expect(Date.parse(body.expiresAt as string)).to.equal(service.clock.now() + 600_000);
  });

  it('gives every start its own state and challenge', async () => {
    const { token } = await signedInUser(service);
    const first = await callApi(service, 'POST', '/app-links/start', token);
    const second = await callApi(service, 'POST', '/app-links/start', token);
    expect(first.body.state).to.not.equal(second.body.state);
    expect(new URL(first.body.alexaAppUrl as string).searchParams.get('code_challenge')).to.not.equal(new URL(second.body.alexaAppUrl as string).searchParams.get('code_challenge'));
  });

  it('refuses a request without a bearer token, with WWW-Authenticate', async () => {
    const { status, body, headers } = await callApi(service, 'POST', '/app-links/start', undefined);
    expect(status).to.equal(401);
    expect(body.error).to.equal('invalid_token');
    expect(headers.get('www-authenticate')).to.equal('Bearer realm="app-links"');
  });

  it('refuses malformed, forged, expired and revoked tokens', async () => {
    const { token, familyId } = await signedInUser(service);
    const malformed = await fetch(`${service.url}/app-links/start`, { method: 'POST', headers: { authorization: `Basic ${token}` } });
    expect(malformed.status).to.equal(401);
    expect(malformed.headers.get('www-authenticate')).to.equal('Bearer realm="app-links", error="invalid_token"');

    const [header, payload] = token.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(86)}`;
    expect((await callApi(service, 'POST', '/app-links/start', forged)).status).to.equal(401);
    expect((await callApi(service, 'POST', '/app-links/start', 'not-a-jwt')).status).to.equal(401);

    await service.services.revocations.revokeFamily(familyId, 'test');
    expect((await callApi(service, 'POST', '/app-links/start', token)).status).to.equal(401);

    const fresh = await signedInUser(service);
    service.clock.advance(3601_000);
    const expired = await callApi(service, 'POST', '/app-links/start', fresh.token);
    expect(expired.status).to.equal(401);
    expect(expired.body.error_description).to.equal('The access token is missing, invalid, expired or revoked.');
  });

  it('limits how many attempts one user can start in a state lifetime', async () => {
    const { token } = await signedInUser(service);
    for (let i = 0; i < 20; i += 1) expect((await callApi(service, 'POST', '/app-links/start', token)).status).to.equal(200);
    const limited = await callApi(service, 'POST', '/app-links/start', token);
    expect(limited.status).to.equal(429);
    expect(limited.body.error).to.equal('too_many_requests');
  });

  it('logs the start without the state or the token', async () => {
    const { token, userId } = await signedInUser(service);
    const { body } = await callApi(service, 'POST', '/app-links/start', token);
    expect(service.logs.events('app_links.started').some((line) => line.userId === userId)).to.equal(true);
    expectNoSecretsLogged(service, [body.state as string, token]);
  });

  it('answers 503 app_links_not_configured while the Alexa client is not set (development)', async () => {
    const bare = await startTestService();
    try {
      const { token } = await signedInUser(bare);
      const { status, body } = await callApi(bare, 'POST', '/app-links/start', token);
      expect(status).to.equal(503);
      expect(body.error).to.equal('app_links_not_configured');
    } finally {
      await bare.close();
    }
  });

  it('mounts nothing when APP_LINKS_ENABLED=false', async () => {
    const off = await startTestService({ env: { APP_LINKS_ENABLED: 'false' } });
    try {
      const { token } = await signedInUser(off);
      expect((await callApi(off, 'POST', '/app-links/start', token)).status).to.equal(404);
      expect((await fetch(`${off.url}/.well-known/assetlinks.json`)).status).to.equal(404);
    } finally {
      await off.close();
    }
  });
});
