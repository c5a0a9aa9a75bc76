import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { RedisServer } from './redis-server';

const run = promisify(execFile);

/** A three-master Redis Cluster on loopback, made by the test run with redis-cli --cluster create. */
export class RedisCluster {
  private constructor(readonly nodes: RedisServer[]) {}

  /** Starts three cluster-enabled servers and joins them (no replicas). */
  static async start(): Promise<RedisCluster> {
    const nodes = await Promise.all(
      [0, 1, 2].map(() => RedisServer.start({ args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000'] })),
    );
    const cluster = new RedisCluster(nodes);
    try {
      await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes']);
      await cluster.waitUntilOk();
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
    return cluster;
  }

  /** The REDIS_URL form the service takes for a Cluster. */
  get url(): string {
    return `redis-cluster://${this.nodes.map((n) => `127.0.0.1:${n.port}`).join(',')}`;
  }

  /** Stops every node and removes their directories. */
  async destroy(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.destroy()));
  }

  private async waitUntilOk(): Promise<void> {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const states = await Promise.all(
        this.nodes.map(async (node) => (await run('redis-cli', ['-p', String(node.port), 'cluster', 'info'])).stdout),
      );
      if (states.every((info) => info.includes('cluster_state:ok'))) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the Redis Cluster did not reach cluster_state:ok');
  }
}
