import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { ManualClock } from '../../../server/clock';
import { FailureLog, groupFailures, type LinkingFailureRecord, scrub } from '../../../server/ops/failure-log';
import { MemoryStore } from '../../../server/store/memory';
import { RedisStore } from '../../../server/store/redis';
import type { Store } from '../../../server/store';
import { testRedisUrl } from '../../support/redis-server';

const DAY = 86_400_000;

function failure(n: number) {
  return { step: 'token' as const, code: 'invalid_grant', category: 'code_expired', advice: 'link again', reason: `failure ${n}` };
}

for (const kind of ['memory', 'redis'] as const) {
  describe(`the linking-failure log (${kind} store)`, () => {
    let store: Store;
    let clock: ManualClock;
    beforeEach(async () => {
      clock = new ManualClock();
      store = kind === 'memory' ? new MemoryStore(clock) : new RedisStore({ url: await testRedisUrl(), keyPrefix: `test:${randomUUID()}:` });
    });
    afterEach(async () => store.close());

    it('keeps the last N failures, newest first, with time and position', async () => {
      const log = new FailureLog(store, clock, 10);
      expect(await log.recent()).to.deep.equal([]);
      for (let n = 1; n <= 25; n += 1) {
        log.append(failure(n));
        clock.advance(1000);
      }
      const recent = await log.recent();
      expect(recent.map((r) => r.reason)).to.deep.equal(Array.from({ length: 10 }, (_, i) => `failure ${25 - i}`));
      expect(recent.map((r) => r.seq)).to.deep.equal(Array.from({ length: 10 }, (_, i) => 25 - i));
      expect(recent[0]?.at).to.equal(clock.now() - 1000);
      expect((await log.recent(3)).map((r) => r.seq)).to.deep.equal([25, 24, 23]);
    });

    it('skips slots left from before the counter restarted', async () => {
      const log = new FailureLog(store, clock, 10);
      for (let n = 1; n <= 7; n += 1) log.append(failure(n));
      await log.flush();
      // The counter lives 30 days from its first failure; the slots written later outlive it.
      await store.delete('ops:failures:seq');
      log.append(failure(100));
      const recent = await log.recent();
      expect(recent.map((r) => r.reason)).to.deep.equal(['failure 100']);
    });

    // Redis expires keys on real time, which the manual clock cannot move; the memory store follows the clock.
    if (kind === 'memory') it('forgets failures after 30 days', async () => {
      const log = new FailureLog(store, clock, 10);
      log.append(failure(1));
      await log.flush();
      clock.advance(31 * DAY);
      expect(await log.recent()).to.deep.equal([]);
    });

    it('writes a burst in one batch, keeps only the newest ring-full, and still counts every position', async () => {
      const log = new FailureLog(store, clock, 10);
      for (let n = 1; n <= 500; n += 1) log.append(failure(n));
      expect(await store.get('ops:failures:seq'), 'nothing written before the flush').to.equal(null);
      await log.flush();
      expect(await store.get('ops:failures:seq')).to.equal('500');
      const recent = await log.recent();
      expect(recent.map((r) => r.seq)).to.deep.equal(Array.from({ length: 10 }, (_, i) => 500 - i));
      expect(recent[9]?.reason).to.equal('failure 491');
    });

    it('reports what a failed write lost instead of throwing', async () => {
      const lost: number[] = [];
      const broken = new Proxy(store, {
        get: (target, property, receiver) => (property === 'increment' ? () => Promise.reject(new Error('store down')) : (Reflect.get(target, property, receiver) as unknown)),
      });
      const log = new FailureLog(broken, clock, 10, (count) => lost.push(count));
      log.append(failure(1));
      log.append(failure(2));
      await log.flush();
      expect(lost).to.deep.equal([2]);
    });

    it('blanks token-like runs in reasons and client ids', async () => {
      const log = new FailureLog(store, clock, 10);
      const token = 'Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg';
      log.append({ ...failure(1), reason: `code ${token} unknown`, clientId: `client.${token}` });
      const [record] = await log.recent();
      expect(record?.reason).to.equal('code […] unknown');
      expect(record?.clientId).to.equal('client.[…]');
    });
  });
}

describe('scrub', () => {
  it('keeps URLs, vendor ids and short client ids, and blanks our codes, refresh tokens and JWT parts', () => {
    expect(scrub('redirect mismatch: "https://pitangui.amazon.com/api/skill/link/M2TESTVENDOR1"')).to.equal('redirect mismatch: "https://pitangui.amazon.com/api/skill/link/M2TESTVENDOR1"');
    expect(scrub('alexa-skill')).to.equal('alexa-skill');
    expect(scrub('eyJhbGciOiJFUzI1NiIsImtpZCI6IjEyMyJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwiaWF0IjoxNTE2MjM5MDIyfQ.x')).to.equal('[…].[…].x');
  });
});

describe('grouping identical linking failures for /ops', () => {
  const record = (seq: number, at: number, extra: Partial<LinkingFailureRecord> = {}): LinkingFailureRecord => ({
    seq,
    at,
    step: 'token',
    code: 'invalid_client',
    category: 'client_secret_wrong',
    advice: 'paste the secret',
    reason: 'wrong client secret',
    clientId: 'alexa',
    ...extra,
  });

  it('counts the same step, code, reason and client once, with first and last seen and the latest ids; newest group first', () => {
    const failures = [
      record(5, 5_000, { reqId: 'r5' }),
      record(4, 4_000, { step: 'authorize', code: 'invalid_request', reason: 'redirect_uri not registered' }),
      record(3, 3_000, { reqId: 'r3' }),
      record(2, 2_000, { clientId: 'another-client' }),
      record(1, 1_000, { reqId: 'r1' }),
    ];
    const groups = groupFailures(failures);
    expect(groups.map((g) => [g.latest.seq, g.count, g.firstAt, g.lastAt])).to.deep.equal([
      [5, 3, 1_000, 5_000],
      [4, 1, 4_000, 4_000],
      [2, 1, 2_000, 2_000],
    ]);
    expect(groups[0]?.latest.reqId).to.equal('r5');
    expect(groupFailures([])).to.deep.equal([]);
  });
});
