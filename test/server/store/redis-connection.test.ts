import { expect } from 'chai';
import { parseRedisUrl } from '../../../server/store/redis-connection';

describe('REDIS_URL forms', () => {
  it('passes single-node URLs to ioredis unchanged', () => {
    expect(parseRedisUrl('redis://:pw@cache:6380/2')).to.deep.equal({ mode: 'single', url: 'redis://:pw@cache:6380/2' });
    expect(parseRedisUrl('rediss://cache.example:6380')).to.deep.equal({ mode: 'single', url: 'rediss://cache.example:6380' });
  });

  it('reads a Cluster seed list with credentials and TLS', () => {
    expect(parseRedisUrl('redis-cluster://app:s%40cret@10.0.0.1:7000,10.0.0.2:7001,10.0.0.3?tls=true')).to.deep.equal({
      mode: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
        { host: '10.0.0.3', port: 6379 },
      ],
      username: 'app',
      password: 's@cret',
      tls: true,
    });
  });

  it('reads Sentinels and the master name', () => {
    expect(parseRedisUrl('redis-sentinel://:pw@s1,s2:26380/rides')).to.deep.equal({
      mode: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26380 },
      ],
      name: 'rides',
      password: 'pw',
      tls: false,
    });
  });

  it('explains malformed URLs', () => {
    expect(() => parseRedisUrl('http://cache:6379')).to.throw('REDIS_URL must start with redis://');
    expect(() => parseRedisUrl('redis-sentinel://s1:26379')).to.throw('must name the master');
    expect(() => parseRedisUrl('redis-cluster://a:70000')).to.throw('bad port');
  });
});
