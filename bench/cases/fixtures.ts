import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestCertificateChain, type TestCertificateChain } from '../../simulator/certificates';
import { RedisServer } from '../../test/support/redis-server';
import { pinProcess } from '../lib/cpu';

/** The Alexa certificate chain of the signed skill case, and where the service can fetch it. */
export interface SigningChain extends TestCertificateChain {
  /** File with the root CA PEM (SKILL_TRUSTED_ROOTS_FILE). */
  rootsFile: string;
  /** Base URL serving `/echo.api/<name>` (SKILL_CERT_FETCH_BASE). */
  fetchBase: string;
  /** What the signed requests carry as SignatureCertChainUrl. */
  certUrl: string;
}

/**
 * Resources shared by the cases of one bench run, each made on first use and released by close():
 * a private redis-server (it inherits the load generator's core, so Redis never competes with the
 * server under test), our P-256 signing key, a certificate chain served on loopback, an RSA key for
 * the ASK SDK peer's tokens.
 */
export class Fixtures {
  private redis: Promise<RedisServer> | undefined;
  private pinnedRedis: Promise<RedisServer> | undefined;
  private chain: Promise<SigningChain> | undefined;
  private certServer: Server | undefined;
  private ourKey: string | undefined;
  private peerKey: { privatePem: string; publicPem: string } | undefined;
  readonly dir = mkdtempSync(join(tmpdir(), 'lw-bench-'));

  /**
   * A redis-server pinned to the servers' core, for the overload case: at 2,000 connections the load
   * generator fills its own core, and a store starved there would stand in for the server's overload.
   */
  async pinnedRedisUrl(core: number): Promise<string> {
    this.pinnedRedis ??= RedisServer.start().then((server) => {
      if (server.pid !== undefined) pinProcess(server.pid, core);
      return server;
    });
    return (await this.pinnedRedis).url;
  }

  /** Process id of the redis-server behind a URL this fixture handed out (for its CPU time). */
  async redisPid(url: string): Promise<number | undefined> {
    for (const server of [this.redis, this.pinnedRedis]) {
      const started = server ? await server : undefined;
      if (started?.url === url) return started.pid;
    }
    return undefined;
  }

  /** URL of the run's private redis-server. */
  async redisUrl(): Promise<string> {
    this.redis ??= RedisServer.start();
    return (await this.redis).url;
  }

  /** PEM of the P-256 key our service signs with (SIGNING_KEYS); the bench mints tokens with it too. */
  ourSigningKeyPem(): string {
    this.ourKey ??= generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    return this.ourKey;
  }

  /** RS256 key pair for the ASK SDK peer: the bench signs, the peer verifies with the public half. */
  peerTokenKeys(): { privatePem: string; publicPem: string } {
    if (!this.peerKey) {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      this.peerKey = { privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString() };
    }
    return this.peerKey;
  }

  /** The test chain (built once, ~0.6 s), its root in a file, and a loopback server for the chain. */
  signingChain(): Promise<SigningChain> {
    this.chain ??= this.buildChain();
    return this.chain;
  }

  /** Stops what was started and removes the temporary directory. */
  async close(): Promise<void> {
    if (this.certServer) await new Promise<void>((resolve) => this.certServer?.close(() => resolve()));
    if (this.redis) await (await this.redis).destroy();
    if (this.pinnedRedis) await (await this.pinnedRedis).destroy();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async buildChain(): Promise<SigningChain> {
    const chain = createTestCertificateChain();
    const rootsFile = join(this.dir, 'alexa-test-root.pem');
    writeFileSync(rootsFile, chain.rootPem);
    const server = createServer((req, res) => {
      if (req.method === 'GET' && req.url === '/echo.api/linkwright-bench.pem') {
        res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(chain.chainPem);
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.certServer = server;
    const { port } = server.address() as AddressInfo;
    return { ...chain, rootsFile, fetchBase: `http://127.0.0.1:${port}`, certUrl: 'https://s3.amazonaws.com/echo.api/linkwright-bench.pem' };
  }
}
