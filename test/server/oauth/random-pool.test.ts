import { expect } from 'chai';
import { pooledRandomToken } from '../../../server/oauth/random-pool';

describe('pooledRandomToken', () => {
  it('hands out URL-safe tokens of the asked entropy, never the same bytes twice, across refills of the pool', () => {
    const seen = new Set<string>();
    // 400 × 32 bytes is three refills of the 4 kB pool.
    for (let i = 0; i < 400; i += 1) {
      const token = pooledRandomToken(32);
      expect(token).to.match(/^[A-Za-z0-9_-]{43}$/);
      seen.add(token);
    }
    expect(seen.size).to.equal(400);
    expect(pooledRandomToken(16)).to.match(/^[A-Za-z0-9_-]{22}$/);
    expect(pooledRandomToken(12)).to.match(/^[A-Za-z0-9_-]{16}$/);
  });

  it('refuses a request larger than its pool', () => {
    expect(() => pooledRandomToken(4097)).to.throw(RangeError);
  });
});
