import { randomBytes } from 'node:crypto';
import { systemClock } from '../../server/clock';
import { loadSettings } from '../../server/config/settings';
import { silentLogger } from '../../server/log';
import { KeyRing } from '../../server/oauth/keys';
import { createServices, type Services } from '../../server/services';
import { RedisStore } from '../../server/store/redis';
import { freePort } from '../../test/support/ports';
import { ENTRIES } from '../lib/compile';
import { BENCH_CLIENT_ID, BENCH_CLIENT_SECRET, BENCH_SKILL_ID, BENCH_VENDOR_ID } from '../lib/constants';
import { baseEnv, ServerProcess } from '../lib/server-process';
import type { CaseContext } from './types';

/** Our compiled service running as a child, plus the same domain in the bench to mint pools with. */
export interface OurService {
  server: ServerProcess;
  url: string;
  /** createServices over the server's Redis, key prefix and signing key: what it mints, the server accepts. */
  domain: Services;
  /** The redis-server's process, whose CPU per request the bench reports beside the server's. */
  storePid: number | undefined;
  close(): Promise<void>;
}

/**
 * Starts `node dist/server/main.js` (compiled, as production runs it) pinned to the server core,
 * with settings from the environment only: development mode (NODE_ENV unset), a private Redis under
 * a key prefix of its own, fixed client credentials, and the bench's P-256 signing key.
 */
export async function startOurService(
  context: CaseContext,
  skill: { verifySignature: boolean; linkAtLaunch?: boolean },
  extra: { pinnedWithServer?: boolean; logLevel?: string; keyPrefix?: string; metricsToken?: string } = {},
): Promise<OurService> {
  const { fixtures, options } = context;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const redisUrl = extra.pinnedWithServer ? await fixtures.pinnedRedisUrl(options.serverCore) : await fixtures.redisUrl();
  const keyPrefix = extra.keyPrefix ?? `bench:${randomBytes(6).toString('hex')}:`;
  const settingsEnv: Record<string, string> = {
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    LOG_LEVEL: extra.logLevel ?? options.logLevel,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: keyPrefix,
    OAUTH_CLIENT_ID: BENCH_CLIENT_ID,
    OAUTH_CLIENT_SECRET: BENCH_CLIENT_SECRET,
    ALEXA_VENDOR_ID: BENCH_VENDOR_ID,
    SIGNING_KEYS: fixtures.ourSigningKeyPem(),
    // Codes are minted right before each run; the longest allowed life keeps a long run's pool valid.
    AUTH_CODE_TTL: '600',
    DEMO_ACCOUNT: 'false',
    SKILL_ID: BENCH_SKILL_ID,
    SKILL_VERIFY_SIGNATURE: String(skill.verifySignature),
    // Ride Hailer lets an unlinked user in at launch unless told to offer linking there (the card).
    SKILL_LINK_AT_LAUNCH: String(skill.linkAtLaunch ?? false),
    // GET /metrics (and the process metrics it brings) only where a case reads the server's own figures.
    ...(extra.metricsToken ? { METRICS_TOKEN: extra.metricsToken } : {}),
  };
  // The overload bounds can be tried from the bench's own environment (README, Overload).
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && (name.startsWith('OVERLOAD_') || name === 'MAX_CONNECTIONS' || name === 'LISTEN_BACKLOG')) settingsEnv[name] = value;
  }
  if (skill.verifySignature) {
    const chain = await fixtures.signingChain();
    settingsEnv.SKILL_TRUSTED_ROOTS_FILE = chain.rootsFile;
    settingsEnv.SKILL_CERT_FETCH_BASE = chain.fetchBase;
  }

  const server = await ServerProcess.start({
    name: 'linkwright',
    entry: ENTRIES.ours,
    env: { ...baseEnv(), ...settingsEnv },
    nodeFlags: context.nodeFlags,
    core: options.serverCore,
    ready: { url: `${url}/readyz` },
  });
  const settings = loadSettings(settingsEnv);
  const store = new RedisStore({ url: redisUrl, keyPrefix });
  const domain = createServices(settings, { store, clock: systemClock, log: silentLogger(), keys: KeyRing.fromPems(settings.oauth.signingKeyPems) });
  return {
    server,
    url,
    domain,
    storePid: await fixtures.redisPid(redisUrl),
    close: async () => {
      await server.stop();
      await store.close();
    },
  };
}

/** Runs `mint` `count` times, `width` at a time (pools of 100k codes mint in a few seconds). */
export async function mintMany<T>(count: number, mint: (index: number) => Promise<T>, width = 500): Promise<T[]> {
  const out: T[] = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      out[index] = await mint(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, worker));
  return out;
}
