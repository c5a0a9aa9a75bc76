import Redis, { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';

/** What a REDIS_URL names: one server, a Cluster (any of its nodes), or a Sentinel-managed master. */
export type RedisTarget =
  | { mode: 'single'; url: string }
  | { mode: 'cluster'; nodes: Array<{ host: string; port: number }>; username?: string; password?: string; tls: boolean }
  | { mode: 'sentinel'; sentinels: Array<{ host: string; port: number }>; name: string; username?: string; password?: string; tls: boolean };

/**
 * Parses REDIS_URL. Besides ioredis's own `redis://` and `rediss://`, two multi-host forms:
 *   redis-cluster://[user:pass@]host1:6379,host2:6379[?tls=true]
 *   redis-sentinel://[user:pass@]host1:26379,host2:26379/masterName[?tls=true]
 */
export function parseRedisUrl(url: string): RedisTarget {
  const match = /^(redis-cluster|redis-sentinel):\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?]+)(?:\/([^?]*))?(?:\?(.*))?$/.exec(url);
  if (!match) {
    if (!/^rediss?:\/\//.test(url)) throw new Error('REDIS_URL must start with redis://, rediss://, redis-cluster:// or redis-sentinel://');
    return { mode: 'single', url };
  }
  const [, scheme, user, pass, hostList = '', path, query] = match as Array<string | undefined>;
  const defaultPort = scheme === 'redis-sentinel' ? 26379 : 6379;
  const hosts = hostList.split(',').map((entry) => {
    const [host, port] = entry.trim().split(':');
    if (!host) throw new Error(`REDIS_URL has an empty host in "${hostList}"`);
    const parsedPort = port === undefined ? defaultPort : Number(port);
    if (!Number.isInteger(parsedPort) || parsedPort <= 0 || parsedPort > 65535) throw new Error(`REDIS_URL has a bad port in "${entry}"`);
    return { host, port: parsedPort };
  });
  const params = new URLSearchParams(query ?? '');
  const credentials = {
    ...(user ? { username: decodeURIComponent(user) } : {}),
    ...(pass ? { password: decodeURIComponent(pass) } : {}),
    tls: params.get('tls') === 'true',
  };
  if (scheme === 'redis-cluster') return { mode: 'cluster', nodes: hosts, ...credentials };
  const name = decodeURIComponent(path ?? '');
  if (!name) throw new Error('REDIS_URL for Sentinel must name the master: redis-sentinel://host:26379/mymaster');
  return { mode: 'sentinel', sentinels: hosts, name, ...credentials };
}

/** Opens an ioredis client (single node or Sentinel) or Cluster for a target, with shared options. */
export function connectRedis(target: RedisTarget, options: RedisOptions): Redis | Cluster {
  switch (target.mode) {
    case 'single':
      return new Redis(target.url, options);
    case 'sentinel':
      return new Redis({
        ...options,
        sentinels: target.sentinels,
        name: target.name,
        ...(target.username ? { username: target.username, sentinelUsername: target.username } : {}),
        ...(target.password ? { password: target.password, sentinelPassword: target.password } : {}),
        ...(target.tls ? { tls: {}, enableTLSForSentinelMode: true } : {}),
      });
    case 'cluster': {
      const clusterOptions: ClusterOptions = {
        enableOfflineQueue: options.enableOfflineQueue ?? false,
        enableAutoPipelining: options.enableAutoPipelining ?? false,
        clusterRetryStrategy: (attempt) => Math.min(attempt * 100, 2000),
        redisOptions: {
          ...options,
          ...(target.username ? { username: target.username } : {}),
          ...(target.password ? { password: target.password } : {}),
          ...(target.tls ? { tls: {} } : {}),
        },
      };
      return new Cluster(target.nodes, clusterOptions);
    }
  }
}
