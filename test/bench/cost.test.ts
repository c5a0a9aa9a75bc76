import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import Redis from 'ioredis';
import { measure } from '../../bench/cost/cost-run';
import { testRedisUrl } from '../support/redis-server';

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
