import Redis from 'ioredis';
import { hashPassword } from '../../server/accounts/passwords';
import type { Fixtures } from '../cases/fixtures';
import { mintMany, startOurService } from '../cases/our-service';
import { launchRequestBody } from '../lib/alexa-request';
import { BENCH_BASIC_AUTH, BENCH_CLIENT_ID, BENCH_REDIRECT_URI, BENCH_SCOPE } from '../lib/constants';
import type { BenchOptions } from '../lib/options';

/** Bytes and keys of one kind of key (the name's first segment after the prefix), over the users measured. */
export interface KeyKind {
  kind: string;
  keys: number;
  bytes: number;
}

/** What linking `users` users cost in Redis, by kind of key; per user is `bytes / users`. */
export interface CostSnapshot {
  label: string;
  users: number;
  kinds: KeyKind[];
  totalBytes: number;
  totalKeys: number;
}

const FORM = { authorization: BENCH_BASIC_AUTH, 'content-type': 'application/x-www-form-urlencoded' };
/** Per-process keys (diagnostics, counters) are not a linked user's cost; they are listed apart. */
const SHARED_KINDS = new Set(['ops']);
/** A key that expires within this is transient (a spent code's replay marker): listed apart from what a link keeps. */
const TRANSIENT_MS = 3_600_000;
let runs = 0;

/** POSTs, retrying a 503 a few times as Alexa would (a busy shared machine makes the store miss its 500 ms). */
async function post(url: string, headers: Record<string, string>, body: string): Promise<Response> {
  for (let attempt = 1; ; attempt += 1) {
    const answer = await fetch(url, { method: 'POST', headers, body });
    if (answer.status !== 503 || attempt === 8) return answer;
    await answer.text();
    await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
  }
}

/** The kind of a key: its first segment after the prefix (`account`, `family`, `skill-user`, …). */
export function kindOf(key: string, prefix: string): string {
  const rest = key.slice(prefix.length);
  const colon = rest.indexOf(':');
  return colon === -1 ? rest : rest.slice(0, colon);
}

/** Sums MEMORY USAGE of every key under the prefix by kind (SCAN, then pipelined MEMORY USAGE). */
export async function measure(redis: Redis, prefix: string, users: number, label: string): Promise<CostSnapshot> {
  const byKind = new Map<string, KeyKind>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length === 0) continue;
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.call('MEMORY', 'USAGE', key, 'SAMPLES', '0').pttl(key);
    const answers = (await pipeline.exec()) ?? [];
    const sizes = keys.map((_, i) => answers[2 * i]);
    keys.forEach((key, i) => {
      const ttl = Number(answers[2 * i + 1]?.[1] ?? -1);
      const kind = `${kindOf(key, prefix)}${ttl > 0 && ttl <= TRANSIENT_MS ? ' (transient)' : ''}`;
      const entry = byKind.get(kind) ?? { kind, keys: 0, bytes: 0 };
      entry.keys += 1;
      entry.bytes += Number(sizes[i]?.[1] ?? 0);
      byKind.set(kind, entry);
    });
  } while (cursor !== '0');
  const kinds = [...byKind.values()].sort((a, b) => b.bytes - a.bytes);
  const own = kinds.filter((k) => !SHARED_KINDS.has(k.kind) && !k.kind.endsWith('(transient)'));
  return { label, users, kinds, totalBytes: own.reduce((s, k) => s + k.bytes, 0), totalKeys: own.reduce((s, k) => s + k.keys, 0) };
}

/**
 * Links one Alexa account `links` times to one company account through the real endpoints (a code
 * redeemed at POST /oauth/token, its token used on POST /alexa each time) and counts the grants still
 * live: linking again must leave one, not one per link.
 */
export async function relinkFigure(options: BenchOptions, fixtures: Fixtures, passwordHash: string, links = 11): Promise<{ links: number; live: number }> {
  const ours = await startOurService({ options, fixtures, nodeFlags: [] }, { verifySignature: false }, { keyPrefix: `c${(runs += 1)}:` });
  try {
    const account = await ours.domain.accounts.importAccount({ username: `relink-${Date.now().toString(36)}@example.com`, passwordHash, displayName: 'Relinker' });
    for (let n = 0; n < links; n += 1) {
      const code = await ours.domain.codes.issue({ clientId: BENCH_CLIENT_ID, redirectUri: BENCH_REDIRECT_URI, userId: account.id, scope: BENCH_SCOPE });
      const answer = await post(`${ours.url}/oauth/token`, FORM, `grant_type=authorization_code&code=${encodeURIComponent(code)}&redirect_uri=${encodeURIComponent(BENCH_REDIRECT_URI)}`);
      const tokens = (await answer.json()) as { access_token: string };
      await (await post(`${ours.url}/alexa`, { 'content-type': 'application/json' }, launchRequestBody(tokens.access_token, 'RELINK'))).text();
    }
    const families = await ours.domain.refreshTokens.familiesOf(account.id);
    const states = await Promise.all(families.map((id) => ours.domain.refreshTokens.get(id)));
    return { links, live: states.filter((f) => f !== undefined && f.revokedAt === undefined).length };
  } finally {
    await ours.close();
  }
}

/**
 * `npm run bench -- --cost`: links N users through the real endpoints of the compiled service (an
 * account as `account import` makes one, a code as the consent page issues it, then POST /oauth/token
 * redeems it and a LaunchRequest on POST /alexa uses the token, so the skill writes its mapping), and
 * measures Redis by kind of key. Then a smaller population refreshes `rotations` times each through
 * POST /oauth/token, and is measured before and after: a linked user's bytes must stay flat.
 */
export async function runCost(options: BenchOptions, fixtures: Fixtures, say: (line: string) => void): Promise<CostSnapshot[]> {
  const snapshots: CostSnapshot[] = [];
  const passwordHash = await hashPassword('bench-password-0123456789');
  for (const users of options.costUsers) {
    const { snapshot } = await linkAndMeasure(options, fixtures, users, passwordHash, say, 0);
    snapshots.push(snapshot);
  }
  if (options.costRotations > 0) {
    const { before, snapshot } = await linkAndMeasure(options, fixtures, options.costRotationUsers, passwordHash, say, options.costRotations);
    if (before) snapshots.push(before);
    snapshots.push(snapshot);
  }
  return snapshots;
}

async function linkAndMeasure(
  options: BenchOptions,
  fixtures: Fixtures,
  users: number,
  passwordHash: string,
  say: (line: string) => void,
  rotations: number,
): Promise<{ snapshot: CostSnapshot; before?: CostSnapshot }> {
  // A prefix as short as production's `lw:`: every key's name counts in its bytes.
  const ours = await startOurService({ options, fixtures, nodeFlags: [] }, { verifySignature: false }, { keyPrefix: `c${(runs += 1)}:` });
  const redis = new Redis(await fixtures.redisUrl(), { lazyConnect: false });
  const prefix = ours.domain.settings.redis.keyPrefix;
  try {
    const started = Date.now();
    const stamp = started.toString(36);
    const refreshTokens = await mintMany(
      users,
      async (index) => {
        const account = await ours.domain.accounts.importAccount({ username: `cost-${stamp}-${index}@example.com`, passwordHash, displayName: `Rider ${index}` });
        const code = await ours.domain.codes.issue({ clientId: BENCH_CLIENT_ID, redirectUri: BENCH_REDIRECT_URI, userId: account.id, scope: BENCH_SCOPE });
        const body = `grant_type=authorization_code&code=${encodeURIComponent(code)}&redirect_uri=${encodeURIComponent(BENCH_REDIRECT_URI)}`;
        const answer = await post(`${ours.url}/oauth/token`, FORM, body);
        if (answer.status !== 200) throw new Error(`code exchange answered ${answer.status}: ${await answer.text()}`);
        const tokens = (await answer.json()) as { access_token: string; refresh_token: string };
        const launch = await post(`${ours.url}/alexa`, { 'content-type': 'application/json' }, launchRequestBody(tokens.access_token, `COST${stamp}${index}`));
        if (launch.status !== 200) throw new Error(`LaunchRequest answered ${launch.status}`);
        await launch.text();
        return tokens.refresh_token;
      },
      50,
    );
    say(`[cost] linked ${users} users through /oauth/token and /alexa in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    const linked = await measure(redis, prefix, users, `${users} users linked`);
    if (rotations === 0) return { snapshot: linked };
    const rotating = Date.now();
    // 25 users at a time, as linking does 50: a cost run measures bytes, not the overload bounds.
    await mintMany(
      refreshTokens.length,
      async (index) => {
        let token = refreshTokens[index] as string;
        for (let n = 0; n < rotations; n += 1) {
          const answer = await post(`${ours.url}/oauth/token`, FORM, `grant_type=refresh_token&refresh_token=${encodeURIComponent(token)}`);
          if (answer.status !== 200) throw new Error(`refresh ${n} answered ${answer.status}: ${await answer.text()}`);
          token = ((await answer.json()) as { refresh_token: string }).refresh_token;
        }
      },
      25,
    );
    say(`[cost] ${users} users rotated ${rotations} times each in ${((Date.now() - rotating) / 1000).toFixed(0)} s`);
    return { before: linked, snapshot: await measure(redis, prefix, users, `${users} users after ${rotations} rotations`) };
  } finally {
    redis.disconnect();
    await ours.close();
  }
}
