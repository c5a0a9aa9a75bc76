import { expect } from 'chai';
import * as oauth from 'oauth4webapi';
import { startTestService, type TestService } from '../../support/service';
import { createRider, obtainCode, redeem } from './flow-helpers';

const RESOURCE_SERVER = { id: 'orders-api', secret: 'orders-api-secret-0123456789abcdef' };

/** oauth4webapi, a strict independent client, finds and uses introspection and userinfo from the metadata. */
describe('introspection and userinfo with an independent client (oauth4webapi)', () => {
  let service: TestService;
  let as: oauth.AuthorizationServer;
  let userId: string;
  const insecure = { [oauth.allowInsecureRequests]: true } as const;

  before(async () => {
    service = await startTestService({ env: { INTROSPECTION_CLIENT_ID: RESOURCE_SERVER.id, INTROSPECTION_CLIENT_SECRET: RESOURCE_SERVER.secret } });
    userId = await createRider(service);
    const issuer = new URL(service.services.settings.publicUrl);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
  });
  after(async () => service?.close());

  it('introspects with client_secret_basic and client_secret_post, and sees a revocation at once', async () => {
    const { code, redirectUri } = await obtainCode(service);
    const access = (await redeem(service, code, redirectUri)).access_token as string;
    const client: oauth.Client = { client_id: RESOURCE_SERVER.id };
    for (const auth of [oauth.ClientSecretBasic(RESOURCE_SERVER.secret), oauth.ClientSecretPost(RESOURCE_SERVER.secret)]) {
      const answer = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, access, insecure));
      expect(answer).to.include({ active: true, sub: userId, client_id: service.services.settings.oauth.clientId, scope: 'profile' });
    }
    await service.services.revocations.revokeFamily((JSON.parse(Buffer.from(access.split('.')[1] as string, 'base64url').toString()) as { sid: string }).sid, 'test');
    const after = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, oauth.ClientSecretBasic(RESOURCE_SERVER.secret), access, insecure));
    expect(after).to.deep.equal({ active: false });
  });

  it('reads userinfo with the access token', async () => {
    const { code, redirectUri } = await obtainCode(service);
    const access = (await redeem(service, code, redirectUri)).access_token as string;
    const client: oauth.Client = { client_id: service.services.settings.oauth.clientId };
    const info = await oauth.processUserInfoResponse(as, client, oauth.skipSubjectCheck, await oauth.userInfoRequest(as, client, access, insecure));
    expect(info).to.deep.equal({ sub: userId, preferred_username: 'rider@example.com', name: 'Test Rider', email: 'rider@example.com' });
  });
});
