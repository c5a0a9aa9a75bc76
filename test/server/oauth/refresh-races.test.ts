import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { RedisStore } from '../../../server/store/redis';
import type { Store } from '../../../server/store';
import { RedisServer } from '../../support/redis-server';
import { startTestService, type TestService } from '../../support/service';
import { createRider, obtainCode, postToken, redeem } from './flow-helpers';

const GRACE_SEC = 5;

/**
 * A real Redis store that freezes its redis-server (SIGSTOP) right before the next write of a refresh
 * family: the write is sent, gets no answer in time, and is executed once the server runs again, as a
 * Redis stall under load does to a rotation.
 */
function stallBeforeNextFamilyWrite(inner: Store, redis: RedisServer): { store: Store; arm: () => void } {
  let armed = false;
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      // A rotation writes its family in one step (updateFields) or, when it had to read first, with compareAndSet.
      if (property === 'compareAndSet' || property === 'updateFields') {
        return (key: string, ...rest: unknown[]) => {
          if (armed && key.startsWith('family:')) {
            armed = false;
            redis.pause();
          }
          return (target[property] as (key: string, ...rest: unknown[]) => Promise<unknown>).call(target, key, ...rest);
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store, arm: () => (armed = true) };
}

describe('refresh rotation under races and Redis stalls (real redis-server)', () => {
  let redis: RedisServer;
  let inner: RedisStore;
  let stalling: ReturnType<typeof stallBeforeNextFamilyWrite>;
  let service: TestService;
  before(async () => {
    redis = await RedisServer.start();
    // The store's default command timeout, as production runs it.
    inner = new RedisStore({ url: redis.url, keyPrefix: `races:${randomUUID()}:` });
    stalling = stallBeforeNextFamilyWrite(inner, redis);
    service = await startTestService({ store: stalling.store, env: { REFRESH_TOKEN_GRACE: String(GRACE_SEC) } });
    await createRider(service);
  });
  afterEach(() => redis.resume());
  after(async () => {
    await service?.close();
    await redis?.destroy();
  });

  async function linked(): Promise<string> {
    const { code, redirectUri } = await obtainCode(service);
    return (await redeem(service, code, redirectUri)).refresh_token as string;
  }
  const refresh = (token: string) => postToken(service, { grant_type: 'refresh_token', refresh_token: token });

  it('gives 20 concurrent presentations of one token only usable tokens: using each of them never revokes the grant', async () => {
    const token = await linked();
    const answers = await Promise.all(Array.from({ length: 20 }, () => refresh(token)));
    const issued = answers.filter((answer) => answer.status === 200).map((answer) => answer.body.refresh_token as string);
    for (const answer of answers) if (answer.status !== 200) expect(answer.body.error, answer.text).to.equal('invalid_grant');
    expect(issued.length).to.be.greaterThan(0);
    for (const [index, returned] of issued.entries()) {
      const used = await refresh(returned);
      expect(used.status, `token ${index}: ${used.text}`).to.equal(200);
    }
    const familyId = token.split('.')[0] as string;
    const family = await service.services.refreshTokens.get(familyId);
    expect(family?.revokedAt, family?.revokedReason).to.equal(undefined);
  });

  it('keeps a grant whose rotation answered 503 during a Redis stall: the held-up write is not applied when Redis resumes', async () => {
    const token = await linked();
    const familyId = token.split('.')[0] as string;
    stalling.arm();
    const stalled = await refresh(token);
    expect(stalled.status, stalled.text).to.equal(503);
    expect(stalled.body.error).to.equal('temporarily_unavailable');
    // The stall goes on a little past the answer (the fault's length, not a wait for a result).
    await new Promise((resolve) => setTimeout(resolve, 100));
    redis.resume();
    // Once the store answers again, Redis has worked through its backlog, the held-up write included.
    let family = await service.services.refreshTokens.get(familyId).catch(() => undefined);
    for (let attempt = 0; attempt < 200 && family === undefined; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10)); // waiting for the store's ping to come back
      family = await service.services.refreshTokens.get(familyId).catch(() => undefined);
    }
    // A rotation gives the family a successor key: none means the held-up write was never applied.
    expect(family, 'the family reads back').to.not.equal(undefined);
    expect(family?.successorKey, 'the rotation that answered 503 was not applied').to.equal(undefined);

    // Alexa's retry may come long after the grace window: the token it holds is still the live one.
    service.clock.advance((GRACE_SEC + 30) * 1000);
    const retried = await refresh(token);
    expect(retried.status, retried.text).to.equal(200);
    const next = await refresh(retried.body.refresh_token as string);
    expect(next.status, next.text).to.equal(200);
    expect((await service.services.refreshTokens.get(familyId))?.revokedAt).to.equal(undefined);
  });

  it('hands a retry inside the grace window the same successor, and still treats an older token as stolen', async () => {
    const token = await linked();
    const first = await refresh(token);
    const retried = await refresh(token);
    expect(retried.status).to.equal(200);
    expect(retried.body.refresh_token).to.equal(first.body.refresh_token);
    expect((await refresh(first.body.refresh_token as string)).status).to.equal(200);
    const replayed = await refresh(token);
    expect(replayed.body.error).to.equal('invalid_grant');
    expect(service.logs.events('token.refused').at(-1)).to.include({ reason: 'refresh token reused (older generation)' });
  });

  it('answers 503 temporarily_unavailable within a second while Redis stalls, for 30 concurrent token requests', async () => {
    const tokens = [await linked(), await linked()];
    redis.pause();
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 30 }, async (_, index) => {
        const answer = await refresh(tokens[index % 2] as string);
        return { ...answer, ms: Date.now() - started };
      }),
    );
    redis.resume();
    for (const answer of answers) {
      expect(answer.status, answer.text).to.equal(503);
      expect(answer.body.error).to.equal('temporarily_unavailable');
    }
    const slowest = Math.max(...answers.map((answer) => answer.ms));
    expect(slowest, `slowest 503 after ${slowest} ms`).to.be.below(1000);
  });
});
