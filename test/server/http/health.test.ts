import { expect } from 'chai';
import { RedisServer } from '../../support/redis-server';
import { startTestService, type TestService } from '../../support/service';
import { RedisStore } from '../../../server/store/redis';

describe('health endpoints', () => {
  let service: TestService;
  afterEach(async () => service?.close());

  it('answers /healthz and /readyz with the memory store', async () => {
    service = await startTestService();
    const live = await fetch(`${service.url}/healthz`);
    expect(live.status).to.equal(200);
    expect(await live.json()).to.deep.equal({ status: 'ok' });
    const ready = await fetch(`${service.url}/readyz`);
    expect(ready.status).to.equal(200);
  });

  it('reports 503 on /readyz while Redis is down and recovers by itself', async () => {
    const redis = await RedisServer.start();
    try {
      service = await startTestService({ store: new RedisStore({ url: redis.url, keyPrefix: 'health:' }) });
      expect((await fetch(`${service.url}/readyz`)).status).to.equal(200);
      await redis.stop();
      const down = await fetch(`${service.url}/readyz`);
      expect(down.status).to.equal(503);
      expect((await fetch(`${service.url}/healthz`)).status).to.equal(200);
      await redis.restart();
      let status = 0;
      for (let attempt = 0; attempt < 100 && status !== 200; attempt += 1) {
        status = (await fetch(`${service.url}/readyz`)).status;
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(status).to.equal(200);
    } finally {
      await service?.close();
      await redis.destroy();
    }
  });

  it('answers unknown routes with a JSON 404', async () => {
    service = await startTestService();
    const response = await fetch(`${service.url}/nope`);
    expect(response.status).to.equal(404);
    expect(await response.json()).to.include({ error: 'not_found' });
  });
});
