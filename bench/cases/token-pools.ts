import { createPrivateKey, type KeyObject, sign } from 'node:crypto';
import { hashPassword } from '../../server/accounts/passwords';
import { systemClock } from '../../server/clock';
import { SkillUserLinks } from '../../server/skill/skill-user-links';
import { benchAlexaUserId, launchRequestBody } from '../lib/alexa-request';
import { BENCH_CLIENT_ID, BENCH_SCOPE } from '../lib/constants';
import type { LoadPlan } from '../lib/load';
import { mintMany, type OurService } from './our-service';

/** One linked user of a pool: a real account and a live refresh family behind every token minted for it. */
export interface PoolUser {
  userId: string;
  familyId: string;
}

/**
 * More users than any per-process cache of the service holds (10,000 verified tokens, names and
 * revocation answers), so a pool cycling through them never hits a cache a real new user would miss.
 */
export const POOL_USERS = 20_000;
/** Bodies built before a run, at most: a signed body costs the load generator an RSA signature (~0.2 ms). */
const MAX_POOL_BODIES = 150_000;

/**
 * Links `count` users: accounts (one password hash shared, computed once), a refresh family each, and
 * the Alexa-user mapping of user n (`POOL<n>`'s envelopes) as the AlexaSkillEvent.SkillAccountLinked
 * that Amazon sends when a user links records it: a linked user has been recorded before speaking.
 */
export async function linkPoolUsers(ours: OurService, count = POOL_USERS): Promise<PoolUser[]> {
  const passwordHash = await hashPassword('bench-password-0123456789');
  const stamp = Date.now().toString(36);
  const idleMs = ours.domain.settings.oauth.refreshIdleTtlSec * 1000;
  const links = new SkillUserLinks(ours.domain.store, systemClock, { ttlMs: idleMs > 0 ? idleMs : undefined });
  return mintMany(count, async (index) => {
    const account = await ours.domain.accounts.importAccount({ username: `pool-${stamp}-${index}@example.com`, passwordHash, displayName: `Rider ${index}` });
    const { family } = await ours.domain.refreshTokens.issue({ userId: account.id, clientId: BENCH_CLIENT_ID, scope: BENCH_SCOPE });
    await links.remember(benchAlexaUserId(`POOL${index}`), undefined, account.id, family.id);
    return { userId: account.id, familyId: family.id };
  });
}

/** Users numbered across every pool of the run, so a pool minted again never reuses one. */
let pooledUsers = 0;

/** `count` refresh tokens, each of a fresh family of its own user (`<prefix>-<n>`): one per connection of a chain plan. */
export function refreshTokenPool(ours: OurService, count: number, userPrefix: string): Promise<string[]> {
  return mintMany(count, async () => {
    const { token } = await ours.domain.refreshTokens.issue({ userId: `${userPrefix}-${(pooledUsers += 1)}`, clientId: BENCH_CLIENT_ID, scope: BENCH_SCOPE });
    return token;
  });
}

/** How the tokens of a pooled run are spread over its requests. */
export interface PoolShape {
  /** Consecutive requests carrying one token: 1 is the worst case (a token never seen before, every request). */
  requestsPerToken: number;
}

/**
 * LaunchRequests that carry distinct access tokens, as many users do: token t is minted for user
 * t mod users.length and sent on `requestsPerToken` consecutive requests (by whichever connections send
 * them). Bodies (and, with `signer`, their Alexa signatures) are built before the run; a dry pool stops it.
 */
export function pooledLaunchPlan(
  ours: OurService,
  users: PoolUser[],
  shape: PoolShape,
  count: number,
  path: string,
  check: LoadPlan['check'],
  signer?: { leafKeyPem: string; certUrl: string },
): LoadPlan {
  const key: KeyObject | undefined = signer ? createPrivateKey(signer.leafKeyPem) : undefined;
  const bodies: Array<{ body: string; headers: Record<string, string> }> = [];
  let token = '';
  let user = 0;
  for (let i = 0; i < Math.min(count, MAX_POOL_BODIES); i += 1) {
    if (i % shape.requestsPerToken === 0) {
      user = Math.floor(i / shape.requestsPerToken) % users.length;
      const owner = users[user] as PoolUser;
      token = ours.domain.accessTokens.sign({ userId: owner.userId, clientId: BENCH_CLIENT_ID, scope: BENCH_SCOPE, familyId: owner.familyId }).token;
    }
    const body = launchRequestBody(token, `POOL${user}`);
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    if (key && signer) {
      headers['signature-256'] = sign('sha256', Buffer.from(body, 'utf8'), key).toString('base64');
      headers.signaturecertchainurl = signer.certUrl;
    }
    bodies.push({ body, headers });
  }
  let next = 0;
  return {
    check,
    requests: (_connection, control) => [
      {
        method: 'POST',
        path,
        setupRequest: (request) => {
          const picked = bodies[next++];
          if (picked === undefined) {
            control.exhausted();
            return { ...request, body: '{}', headers: { 'content-type': 'application/json' } };
          }
          return { ...request, body: picked.body, headers: picked.headers };
        },
      },
    ],
  };
}
