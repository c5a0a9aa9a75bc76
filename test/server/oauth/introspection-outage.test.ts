import { expect } from 'chai';
import { createTokenVerifier } from '../../../kit/tokens';
import { RedisStore } from '../../../server/store/redis';
import { RedisServer } from '../../support/redis-server';
import { startTestService, type TestService } from '../../support/service';
import { createRider, obtainCode, postToken, redeem } from './flow-helpers';

const RESOURCE_SERVER = { id: 'orders-api', secret: 'orders-api-secret-0123456789abcdef' };

describe('introspection and userinfo while Redis is down', () => {
  let redis: RedisServer;
  let service: TestService;
  before(async () => {
    redis = await RedisServer.start({ persist: true });
    service = await startTestService({
      store: new RedisStore({ url: redis.url, keyPrefix: 'introspect-outage:', commandTimeoutMs: 500 }),
      env: { INTROSPECTION_CLIENT_ID: RESOURCE_SERVER.id, INTROSPECTION_CLIENT_SECRET: RESOURCE_SERVER.secret },
    });
    await createRider(service);
  });
  after(async () => {
    await service?.close();
    await redis?.destroy();
  });

  it('answers 503 rather than a verdict, and linkwright/tokens calls it unavailable', async () => {
    const { code, redirectUri } = await obtainCode(service);
    const access = (await redeem(service, code, redirectUri)).access_token as string;
    const verifier = createTokenVerifier({ issuer: service.services.settings.publicUrl, clock: service.clock, introspection: { clientId: RESOURCE_SERVER.id, clientSecret: RESOURCE_SERVER.secret } });
    expect((await verifier.verify(access)).ok).to.equal(true);
    await redis.stop();

    const introspected = await postToken(service, { token: access }, 'basic', '/oauth/introspect', RESOURCE_SERVER);
    expect(introspected.status).to.equal(503);
    expect(introspected.body.error).to.equal('temporarily_unavailable');
    expect(introspected.headers.get('retry-after')).to.equal('5');

    const userinfo = await fetch(`${service.url}/oauth/userinfo`, { headers: { authorization: `Bearer ${access}` } });
    expect(userinfo.status).to.equal(503);
    expect(userinfo.headers.get('retry-after')).to.equal('5');
    expect(((await userinfo.json()) as { error: string }).error).to.equal('temporarily_unavailable');

    // Past the revocation check period the verifier must ask again, cannot, and says so.
    service.clock.advance(5001);
    expect(await verifier.verify(access)).to.deep.equal({ ok: false, reason: 'unavailable' });
  });
});
