import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import Redis from 'ioredis';
import { measure } from '../../bench/cost/cost-run';
import { hashPassword } from '../../server/accounts/passwords';
import { RedisStore } from '../../server/store/redis';
import { alexaUserId, launchRequest, postToSkill } from '../support/alexa-requests';
import { RedisServer, testRedisUrl } from '../support/redis-server';
import type { TestService } from '../support/service';
import { TEST_CLIENT_ID } from '../support/settings';
import { ALEXA_REDIRECTS, postToken, redeem } from '../server/oauth/flow-helpers';
import { startSkillService } from '../server/skill/skill-test-kit';

describe('bench --cost measurement (real redis-server)', () => {
  it('sums MEMORY USAGE by key kind under the prefix, keeps short-lived and per-process keys out of the total', async () => {
    const redis = new Redis(await testRedisUrl());
    const prefix = `cost-${randomUUID().slice(0, 8)}:`;
    try {
      await redis.set(`${prefix}family:a`, 'x'.repeat(100));
      await redis.set(`${prefix}family:b`, 'x'.repeat(100));
      await redis.set(`${prefix}code:c`, 'spent', 'PX', 60_000);
      await redis.set(`${prefix}ops:failures:seq`, '3');
      await redis.set(`other:family:z`, 'not ours');
      const snapshot = await measure(redis, prefix, 2, 'two users');
      const kinds = Object.fromEntries(snapshot.kinds.map((k) => [k.kind, k.keys]));
      expect(kinds).to.deep.equal({ family: 2, 'code (transient)': 1, ops: 1 });
      const family = snapshot.kinds.find((k) => k.kind === 'family');
      expect(family?.bytes).to.be.greaterThan(200);
      expect(snapshot.totalKeys).to.equal(2);
      expect(snapshot.totalBytes).to.equal(family?.bytes);
    } finally {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.del('other:family:z');
      redis.disconnect();
    }
  });
});

/**
 * What `npm run bench -- --cost` reports, kept in the suite: users linked through the real endpoints
 * (a code redeemed at POST /oauth/token, a LaunchRequest with the token on POST /alexa), measured on a
 * private redis-server under production's prefix. MEMORY USAGE is deterministic for a Redis version.
 */
describe('bytes per linked user (real redis-server, real endpoints)', function () {
  this.timeout(60_000);
  const USERS = 40;
  const PER_USER_LIMIT = 1024;
  let server: RedisServer;
  let redis: Redis;
  let service: TestService;
  before(async () => {
    server = await RedisServer.start();
    redis = new Redis(server.url);
    service = await startSkillService({}, { store: new RedisStore({ url: server.url, keyPrefix: 'lw:' }) });
  });
  after(async () => {
    await service?.close();
    redis?.disconnect();
    await server?.destroy();
  });

  it(`stays within ${PER_USER_LIMIT} B and 4 keys per user, the account included, and flat over rotations`, async () => {
    const { accounts, codes } = service.services;
    const passwordHash = await hashPassword('bench-password-0123456789');
    const stamp = service.clock.now().toString(36);
    const refreshTokens: string[] = [];
    for (let i = 0; i < USERS; i += 1) {
      const account = await accounts.importAccount({ username: `cost-${stamp}-${i}@example.com`, passwordHash, displayName: `Rider ${i}` });
      const code = await codes.issue({ clientId: TEST_CLIENT_ID, redirectUri: ALEXA_REDIRECTS[0], userId: account.id, scope: 'profile' });
      const tokens = await redeem(service, code, ALEXA_REDIRECTS[0]);
      const launch = await postToSkill(service.url, launchRequest({ clock: service.clock, accessToken: tokens.access_token as string, userId: alexaUserId(`cost-${i}`) }));
      expect(launch.status).to.equal(200);
      refreshTokens.push(tokens.refresh_token as string);
    }
    const linked = await measure(redis, 'lw:', USERS, 'linked');
    expect(Object.fromEntries(linked.kinds.filter((k) => !k.kind.endsWith('(transient)')).map((k) => [k.kind, k.keys / USERS]))).to.deep.equal({ account: 1, 'account-name': 1, family: 1, 'skill-user': 1 });
    expect(linked.totalBytes / USERS).to.be.at.most(PER_USER_LIMIT);

    // Hourly rotations: the family takes its rotated shape once, then keeps its size.
    const rotate = async (times: number) => {
      for (let n = 0; n < times; n += 1) {
        service.clock.advance(3_600_000);
        for (const [i, token] of refreshTokens.entries()) {
          const answer = await postToken(service, { grant_type: 'refresh_token', refresh_token: token });
          expect(answer.status, answer.text).to.equal(200);
          refreshTokens[i] = answer.body.refresh_token as string;
        }
      }
    };
    await rotate(1);
    const once = await measure(redis, 'lw:', USERS, 'rotated once');
    await rotate(24);
    const daily = await measure(redis, 'lw:', USERS, 'rotated for a day');
    expect(daily.totalKeys).to.equal(linked.totalKeys);
    expect(daily.totalBytes).to.equal(once.totalBytes);
    expect(daily.totalBytes / USERS).to.be.at.most(PER_USER_LIMIT);
  });
});
