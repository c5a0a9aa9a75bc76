import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { AccessTokens } from '../../../server/oauth/access-tokens';
import { KeyRing } from '../../../server/oauth/keys';
import { startTestService, type TestService } from '../../support/service';
import { TEST_CLIENT_ID } from '../../support/settings';
import { createRider, obtainCode, postToken, redeem, USERNAME } from './flow-helpers';

describe('GET/POST /oauth/userinfo', () => {
  let service: TestService;
  let userId: string;
  before(async () => {
    service = await startTestService();
    userId = await createRider(service);
  });
  after(async () => service?.close());

  async function accessToken(): Promise<string> {
    const { code, redirectUri } = await obtainCode(service);
    return (await redeem(service, code, redirectUri)).access_token as string;
  }
  const userinfo = (authorization: string | undefined, method: 'GET' | 'POST' = 'GET') =>
    fetch(`${service.url}/oauth/userinfo`, { method, headers: authorization === undefined ? {} : { authorization } });

  it('answers the profile of the token\'s account, sub first, for GET and POST, never cached', async () => {
    const token = await accessToken();
    for (const method of ['GET', 'POST'] as const) {
      const response = await userinfo(`Bearer ${token}`, method);
      expect(response.status).to.equal(200);
      expect(response.headers.get('cache-control')).to.equal('no-store');
      const body = (await response.json()) as Record<string, unknown>;
      expect(body).to.deep.equal({ sub: userId, preferred_username: USERNAME, name: 'Test Rider', email: USERNAME });
      expect(Object.keys(body)[0]).to.equal('sub');
    }
  });

  it('answers an unauthenticated request with a bare Bearer challenge (RFC 6750 §3.1)', async () => {
    for (const header of [undefined, '', 'Basic YTpi']) {
      const response = await userinfo(header);
      expect(response.status, String(header)).to.equal(401);
      expect(response.headers.get('www-authenticate')).to.equal('Bearer realm="linkwright"');
      expect(await response.text()).to.equal('');
    }
  });

  it('refuses a malformed Authorization header with invalid_request (400)', async () => {
    for (const header of ['Bearer', 'Bearer a b', 'Bearer tö', `Bearer ${'a'.repeat(9000)}`]) {
      const response = await userinfo(header);
      expect(response.status, header.slice(0, 20)).to.equal(400);
      expect(response.headers.get('www-authenticate')).to.match(/^Bearer realm="linkwright", error="invalid_request", error_description="/);
      expect(((await response.json()) as { error: string }).error).to.equal('invalid_request');
    }
  });

  it('refuses forged, expired, revoked and garbage tokens with invalid_token (401)', async () => {
    const token = await accessToken();
    const foreign = new AccessTokens(KeyRing.generate(), service.services.settings.publicUrl, 3600, service.clock);
    const forged = foreign.sign({ userId, clientId: TEST_CLIENT_ID, scope: 'profile', familyId: 'f'.repeat(22) }).token;
    const [, payload] = token.split('.');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${payload}.`;
    const hs256 = jwt.sign(jwt.decode(token) as object, 'shared-secret', { algorithm: 'HS256', header: { alg: 'HS256', kid: (jwt.decode(token, { complete: true })?.header.kid as string) } });
    for (const bad of [forged, unsigned, hs256, 'garbage']) {
      const response = await userinfo(`Bearer ${bad}`);
      expect(response.status).to.equal(401);
      expect(response.headers.get('www-authenticate')).to.equal('Bearer realm="linkwright", error="invalid_token", error_description="The access token is invalid, expired or revoked."');
      expect(await response.json()).to.deep.equal({ error: 'invalid_token', error_description: 'The access token is invalid, expired or revoked.' });
    }
    expect((await userinfo(`Bearer ${token}`)).status).to.equal(200);
    expect((await postToken(service, { token }, 'basic', '/oauth/revoke')).status).to.equal(200);
    expect((await userinfo(`Bearer ${token}`)).status).to.equal(401);

    const later = await accessToken();
    service.clock.advance((service.services.accessTokens.ttlSec + 1) * 1000);
    expect((await userinfo(`Bearer ${later}`)).status).to.equal(401);
    expect(service.logs.events('userinfo.refused').map((line) => line.reason)).to.include('token family revoked');
  });

  it('refuses other methods with 405', async () => {
    const response = await fetch(`${service.url}/oauth/userinfo`, { method: 'DELETE' });
    expect(response.status).to.equal(405);
    expect(response.headers.get('allow')).to.equal('GET, POST');
  });
});

describe('userinfo for an account mirrored from a sign-in source', () => {
  let service: TestService;
  before(async () => {
    service = await startTestService();
  });
  after(async () => service?.close());

  it('names the user by their id at the source and their e-mail, not by provider:subject', async () => {
    const account = await service.services.accounts.syncExternal('api', 'company-user-42', { name: 'Ada Company', email: 'ada@company.example' });
    const { family } = await service.services.refreshTokens.issue({ userId: account.id, clientId: TEST_CLIENT_ID, scope: 'profile' });
    const { token } = service.services.accessTokens.sign({ userId: account.id, clientId: TEST_CLIENT_ID, scope: 'profile', familyId: family.id });
    const response = await fetch(`${service.url}/oauth/userinfo`, { headers: { authorization: `Bearer ${token}` } });
    expect(await response.json()).to.deep.equal({ sub: account.id, preferred_username: 'company-user-42', name: 'Ada Company', email: 'ada@company.example' });
  });

  it('refuses the token of an account deleted meanwhile with invalid_token', async () => {
    const account = await service.services.accounts.create({ username: 'leaving@example.com', password: 'correct horse battery', displayName: 'Leaving' });
    const { family } = await service.services.refreshTokens.issue({ userId: account.id, clientId: TEST_CLIENT_ID, scope: 'profile' });
    const { token } = service.services.accessTokens.sign({ userId: account.id, clientId: TEST_CLIENT_ID, scope: 'profile', familyId: family.id });
    expect(await service.services.accounts.delete(account.username)).to.equal(true);
    const response = await fetch(`${service.url}/oauth/userinfo`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).to.equal(401);
    expect(response.headers.get('www-authenticate')).to.contain('error="invalid_token"');
    expect(service.logs.events('userinfo.refused').at(-1)).to.include({ reason: 'account gone' });
  });
});
