import { expect } from 'chai';
import { loadSettings } from '../../../server/config/settings';
import { AccessTokens } from '../../../server/oauth/access-tokens';
import { KeyRing } from '../../../server/oauth/keys';
import { startTestService, type TestService } from '../../support/service';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET } from '../../support/settings';
import { createRider, obtainCode, postToken, redeem } from './flow-helpers';

const RESOURCE_SERVER = { id: 'orders-api', secret: 'orders-api-secret-0123456789abcdef' };

describe('POST /oauth/introspect (RFC 7662)', () => {
  let service: TestService;
  let userId: string;
  before(async () => {
    service = await startTestService({ env: { INTROSPECTION_CLIENT_ID: RESOURCE_SERVER.id, INTROSPECTION_CLIENT_SECRET: RESOURCE_SERVER.secret } });
    userId = await createRider(service);
  });
  after(async () => service?.close());

  async function linked(): Promise<{ access: string; refresh: string }> {
    const { code, redirectUri } = await obtainCode(service);
    const body = await redeem(service, code, redirectUri);
    return { access: body.access_token as string, refresh: body.refresh_token as string };
  }
  const introspect = (fields: Record<string, string | undefined>, auth: 'basic' | 'body' | 'none' = 'basic', credentials = RESOURCE_SERVER) =>
    postToken(service, fields, auth, '/oauth/introspect', credentials);

  it('describes a live access token to an authenticated resource server, without caching', async () => {
    const { access } = await linked();
    for (const auth of ['basic', 'body'] as const) {
      const result = await introspect({ token: access, token_type_hint: 'access_token' }, auth);
      expect(result.status).to.equal(200);
      expect(result.headers.get('cache-control')).to.equal('no-store');
      expect(result.headers.get('content-type')).to.match(/^application\/json/);
      const body = result.body;
      expect(body).to.include({ active: true, token_type: 'Bearer', scope: 'profile', client_id: TEST_CLIENT_ID, sub: userId, iss: service.services.settings.publicUrl });
      expect(body.aud).to.equal(service.services.settings.publicUrl);
      expect(body.exp).to.be.a('number');
      expect(body.iat).to.be.a('number');
      expect(body.jti).to.be.a('string');
      // sid is ours: resource servers get the RFC 7662 members and nothing internal.
      expect(body).to.not.have.property('sid');
    }
  });

  it('answers active: false at once after an RFC 7009 revocation, and for expired tokens', async () => {
    const first = await linked();
    expect((await postToken(service, { token: first.access }, 'basic', '/oauth/revoke')).status).to.equal(200);
    expect((await introspect({ token: first.access })).body).to.deep.equal({ active: false });

    const second = await linked();
    service.clock.advance((service.services.accessTokens.ttlSec + 1) * 1000);
    expect((await introspect({ token: second.access })).body).to.deep.equal({ active: false });
  });

  it('answers active: false, and nothing more, for refresh tokens, forged tokens and garbage', async () => {
    const { access, refresh } = await linked();
    const foreign = new AccessTokens(KeyRing.generate(), service.services.settings.publicUrl, 3600, service.clock);
    const forged = foreign.sign({ userId, clientId: TEST_CLIENT_ID, scope: 'profile', familyId: 'f'.repeat(22) }).token;
    const [, payload] = access.split('.');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${payload}.`;
    for (const token of [refresh, forged, unsigned, 'garbage', 'a.b.c', access.slice(0, -2)]) {
      for (const hint of ['refresh_token', 'access_token', 'id_token', undefined]) {
        const result = await introspect({ token, token_type_hint: hint });
        expect(result.status, token).to.equal(200);
        expect(result.body, token).to.deep.equal({ active: false });
      }
    }
    // The refresh token still works: introspecting it consumed nothing.
    expect((await postToken(service, { grant_type: 'refresh_token', refresh_token: refresh })).status).to.equal(200);
    expect(service.logs.events('introspect.inactive').length).to.be.greaterThan(20);
  });

  it('refuses a missing token with invalid_request', async () => {
    for (const fields of [{}, { token: '' }]) {
      const result = await introspect(fields);
      expect(result.status).to.equal(400);
      expect(result.body).to.deep.equal({ error: 'invalid_request', error_description: 'token is required.' });
    }
  });

  it('refuses unauthenticated callers, unknown clients and wrong secrets with invalid_client (401)', async () => {
    const { access } = await linked();
    let result = await introspect({ token: access }, 'none');
    expect(result.status).to.equal(401);
    expect(result.body.error).to.equal('invalid_client');
    expect(result.headers.get('www-authenticate')).to.match(/^Basic /);
    result = await introspect({ token: access }, 'basic', { id: 'nobody', secret: 'whatever-secret' });
    expect(result.status).to.equal(401);
    expect(result.body).to.deep.equal({ error: 'invalid_client', error_description: 'Client authentication failed: the client_id is not registered here.' });
    result = await introspect({ token: access }, 'body', { id: RESOURCE_SERVER.id, secret: 'wrong' });
    expect(result.status).to.equal(401);
    expect(result.body).to.deep.equal({ error: 'invalid_client', error_description: 'Client authentication failed: the client secret is wrong.' });
    expect(service.logs.events('introspect.refused').at(-1)).to.include({ reason: 'client auth: wrong client secret (body)' });
    expect(service.logs.raw.join('\n')).to.not.contain(access.split('.')[2]);
  });

  it('accepts the Alexa client too, refuses repeated parameters, JSON bodies and other methods', async () => {
    const { access } = await linked();
    expect((await introspect({ token: access }, 'basic', { id: TEST_CLIENT_ID, secret: TEST_CLIENT_SECRET })).body.active).to.equal(true);
    const repeated = await fetch(`${service.url}/oauth/introspect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${RESOURCE_SERVER.id}:${RESOURCE_SERVER.secret}`).toString('base64')}` },
      body: `token=${access}&token=${access}`,
    });
    expect(repeated.status).to.equal(400);
    expect(((await repeated.json()) as { error: string }).error).to.equal('invalid_request');
    const json = await fetch(`${service.url}/oauth/introspect`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: access }) });
    expect(json.status).to.equal(400);
    const get = await fetch(`${service.url}/oauth/introspect`);
    expect(get.status).to.equal(405);
    expect(get.headers.get('allow')).to.equal('POST');
  });

  it('gives the introspection client no way to obtain or revoke tokens', async () => {
    const { access, refresh } = await linked();
    const asResourceServer = await postToken(service, { grant_type: 'refresh_token', refresh_token: refresh }, 'basic', '/oauth/token', RESOURCE_SERVER);
    // The registry gives it no grant type at all: refused before the refresh token is even looked at.
    expect(asResourceServer.body.error).to.equal('unauthorized_client');
    const revoke = await postToken(service, { token: access }, 'basic', '/oauth/revoke', RESOURCE_SERVER);
    expect(revoke.status).to.equal(400);
    expect((await introspect({ token: access })).body.active).to.equal(true);
  });
});

describe('introspection settings', () => {
  it('refuses half-set, reused and unknown values', () => {
    const base = { OAUTH_CLIENT_ID: 'alexa', OAUTH_CLIENT_SECRET: 's'.repeat(30), DEMO_ACCOUNT: 'false' };
    const problems = (env: Record<string, string>): string[] => {
      try {
        loadSettings({ ...base, ...env });
        return [];
      } catch (error) {
        return (error as { problems: string[] }).problems;
      }
    };
    expect(problems({ INTROSPECTION_CLIENT_ID: 'api' })).to.deep.equal(['INTROSPECTION_CLIENT_ID and INTROSPECTION_CLIENT_SECRET are set together or not at all']);
    expect(problems({ INTROSPECTION_CLIENT_ID: 'alexa', INTROSPECTION_CLIENT_SECRET: 'x'.repeat(30) })).to.deep.equal([
      'INTROSPECTION_CLIENT_ID must differ from OAUTH_CLIENT_ID (a resource server gets its own credentials)',
    ]);
    expect(problems({ ACCESS_TOKEN_CLAIMS: 'username,phone' })).to.deep.equal(['ACCESS_TOKEN_CLAIMS: "phone" is not one of username, email, name']);
    expect(loadSettings({ ...base, ACCESS_TOKEN_CLAIMS: 'Name, email,name' }).oauth.accessTokenClaims).to.deep.equal(['name', 'email']);
    expect(loadSettings(base).oauth.accessTokenClaims).to.deep.equal([]);
  });
});

describe('introspection with profile claims in tokens', () => {
  let service: TestService;
  before(async () => {
    service = await startTestService({ env: { ACCESS_TOKEN_CLAIMS: 'username,name', INTROSPECTION_CLIENT_ID: RESOURCE_SERVER.id, INTROSPECTION_CLIENT_SECRET: RESOURCE_SERVER.secret } });
    await createRider(service);
  });
  after(async () => service?.close());

  it('repeats them, with RFC 7662\'s username', async () => {
    const { code, redirectUri } = await obtainCode(service);
    const access = (await redeem(service, code, redirectUri)).access_token as string;
    const result = await postToken(service, { token: access }, 'basic', '/oauth/introspect', RESOURCE_SERVER);
    expect(result.body).to.include({ active: true, username: 'rider@example.com', preferred_username: 'rider@example.com', name: 'Test Rider' });
    expect(result.body).to.not.have.property('email');
  });
});
