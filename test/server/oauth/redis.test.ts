import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { KeyRing } from '../../../server/oauth/keys';
import { RedisStore } from '../../../server/store/redis';
import { RedisServer, testRedisUrl } from '../../support/redis-server';
import { startTestService, type TestService } from '../../support/service';
import { authorizeQuery, Browser, createRider, obtainCode, openAuthorize, PASSWORD, postToken, redeem, USERNAME } from './flow-helpers';

describe('the token endpoint on Redis', () => {
  it('keeps tokens working across a service restart (same Redis, key prefix and signing keys)', async () => {
    const url = await testRedisUrl();
    const keyPrefix = `restart:${randomUUID()}:`;
    const keys = KeyRing.generate();
    // Both instances claim the same public URL, as two deployments of one service would.
    const env = { PUBLIC_URL: 'http://linkwright.test' };
    let tokens: Record<string, unknown>;
    const first = await startTestService({ store: new RedisStore({ url, keyPrefix }), keys, env });
    try {
      await createRider(first);
      const { code, redirectUri } = await obtainCode(first);
      tokens = await redeem(first, code, redirectUri);
    } finally {
      await first.close();
    }
    const second = await startTestService({ store: new RedisStore({ url, keyPrefix }), keys, env });
    try {
      const claims = second.services.accessTokens.verify(tokens.access_token as string);
      expect(await second.services.accounts.get(claims.sub)).to.include({ username: 'rider@example.com' });
      const refreshed = await postToken(second, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string });
      expect(refreshed.status, refreshed.text).to.equal(200);
      expect(second.services.accessTokens.verify(refreshed.body.access_token as string).sid).to.equal(claims.sid);
    } finally {
      await second.close();
    }
  });

  it('lists a code exchange\'s grant in the account inside Redis (one step beside the family), where revoking the user finds it', async () => {
    const service = await startTestService({ store: new RedisStore({ url: await testRedisUrl(), keyPrefix: `listing:${randomUUID()}:` }) });
    try {
      await createRider(service);
      const { code, redirectUri } = await obtainCode(service);
      const tokens = await redeem(service, code, redirectUri);
      const claims = service.services.accessTokens.verify(tokens.access_token as string);
      expect(await service.services.accounts.grantsOf(claims.sub)).to.deep.equal([claims.sid]);
      // The record cjson wrote back still reads as the account it was.
      expect(await service.services.accounts.authenticate(USERNAME, PASSWORD)).to.include({ id: claims.sub, username: USERNAME });
      expect(await service.services.revocations.revokeUser(claims.sub, 'account deleted')).to.equal(1);
      expect((await service.services.refreshTokens.get(claims.sid))?.revokedReason).to.equal('account deleted');
    } finally {
      await service.close();
    }
  });

  describe('while Redis is down', () => {
    let redis: RedisServer;
    let service: TestService;
    before(async () => {
      redis = await RedisServer.start({ persist: true });
      service = await startTestService({ store: new RedisStore({ url: redis.url, keyPrefix: 'outage:', commandTimeoutMs: 500 }) });
      await createRider(service);
    });
    after(async () => {
      await service?.close();
      await redis?.destroy();
    });

    it('answers 503 temporarily_unavailable, loses nothing, and works again once Redis is back', async () => {
      const { code, redirectUri } = await obtainCode(service);
      const linked = await obtainCode(service);
      const tokens = await redeem(service, linked.code, linked.redirectUri);
      await redis.stop();

      const down = await postToken(service, { grant_type: 'authorization_code', code, redirect_uri: redirectUri });
      expect(down.status).to.equal(503);
      expect(down.body).to.deep.equal({ error: 'temporarily_unavailable', error_description: 'The service is temporarily unavailable; try again shortly.' });
      expect(down.headers.get('retry-after')).to.equal('5');
      expect(down.headers.get('cache-control')).to.equal('no-store');
      const refreshDown = await postToken(service, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string });
      expect(refreshDown.status).to.equal(503);
      expect(service.logs.events('token.refused').at(-1)).to.include({ status: 503, error: 'temporarily_unavailable' });
      // The sign-in page needs no store (the pending request is sealed into it); signing in does.
      const browser = new Browser(service.url);
      const form = await openAuthorize(browser, authorizeQuery({ redirect_uri: redirectUri }));
      const page = await browser.postForm('/oauth/login', { ...form, username: USERNAME, password: PASSWORD });
      expect(page.status).to.equal(503);
      expect(await page.text()).to.include('briefly unavailable');

      await redis.restart();
      // The code and the refresh token were untouched by the failed attempts: both still work.
      let result = await postToken(service, { grant_type: 'authorization_code', code, redirect_uri: redirectUri });
      for (let attempt = 0; attempt < 100 && result.status === 503; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 50)); // waiting for ioredis to reconnect, not for our clock
        result = await postToken(service, { grant_type: 'authorization_code', code, redirect_uri: redirectUri });
      }
      expect(result.status, result.text).to.equal(200);
      const refreshed = await postToken(service, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string });
      expect(refreshed.status, refreshed.text).to.equal(200);
    });
  });
});
