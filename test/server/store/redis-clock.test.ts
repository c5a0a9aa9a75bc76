import { expect } from 'chai';
import { StoreUnavailableError } from '../../../server/errors';
import { RedisClockOffset } from '../../../server/store/redis-clock';
import { RedisStore } from '../../../server/store/redis';
import { readOnceAnswering, RedisServer } from '../../support/redis-server';

/** A minute: far beyond any command timeout, so a deadline off by it is either long past or far ahead. */
const SKEW_MS = 60_000;

describe('RedisClockOffset', () => {
  const reading = (redisMs: number, sentAtMs: number, receivedAtMs: number) => ({
    seconds: String(Math.floor(redisMs / 1000)),
    micros: String((redisMs % 1000) * 1000 + 999),
    sentAtMs,
    receivedAtMs,
  });

  it('is 0 until read, then a lower bound: Redis ran TIME no later than its answer arrived', () => {
    let now = 1_000_000;
    const offset = new RedisClockOffset(() => now, 200);
    expect(offset.measured).to.equal(false);
    expect(offset.deadline(200)).to.equal(1_000_200);
    offset.update([reading(1_060_010, 999_990, 1_000_010)]);
    expect(offset.measured).to.equal(true);
    expect(offset.ms).to.equal(60_000);
    now = 1_000_500;
    expect(offset.deadline(200)).to.equal(1_060_700);
  });

  it('keeps the lowest of a Cluster\'s masters, so no master gets a later deadline than meant', () => {
    const offset = new RedisClockOffset(() => 0, 200);
    offset.update([reading(5_000, 0, 10), reading(-3_000, 0, 10), reading(1_000, 0, 10)]);
    expect(offset.ms).to.equal(-3_010);
  });

  it('only lowers the offset when a master gave no reading (its own may be as low as the last kept)', () => {
    const offset = new RedisClockOffset(() => 0, 200);
    offset.update([reading(1_000, 0, 10)]);
    offset.update([reading(5_000, 0, 10)], false);
    expect(offset.ms).to.equal(990);
    offset.update([reading(-2_000, 0, 10)], false);
    expect(offset.ms).to.equal(-2_010);
    offset.update([reading(5_000, 0, 10)]);
    expect(offset.ms).to.equal(4_990);
  });

  it('leaves out readings answered too slowly and unreadable ones, keeping what it had', () => {
    const offset = new RedisClockOffset(() => 0, 200);
    offset.update([reading(1_000, 0, 10)]);
    offset.update([reading(90_000, 0, 5_000), { seconds: 'x', micros: '1', sentAtMs: 0, receivedAtMs: 1 }]);
    expect(offset.ms).to.equal(990);
    offset.update([]);
    expect(offset.ms).to.equal(990);
  });
});

describe('RedisStore deadlines in Redis\'s own clock (real redis-server, this process\'s clock set apart)', () => {
  let server: RedisServer;
  before(async () => {
    server = await RedisServer.start();
  });
  after(async () => {
    server.resume();
    await server.destroy();
  });

  /**
   * A store whose clock runs `skewMs` from Redis's, its offset read. The command timeout also bounds a
   * reading's round trip: 2 s keeps a loaded machine's readings; the stall test wants a short one.
   */
  async function skewedStore(skewMs: number, prefix: string, options: { commandTimeoutMs?: number; onEvent?: (event: string, detail?: string) => void } = {}): Promise<RedisStore> {
    const { commandTimeoutMs = 2_000, onEvent } = options;
    const store = new RedisStore({ url: server.url, keyPrefix: prefix, commandTimeoutMs, now: () => Date.now() + skewMs, ...(onEvent ? { onEvent } : {}) });
    await store.ping();
    // A reading slower than the command timeout is dropped; a loaded machine may need another.
    for (let attempt = 0; attempt < 20 && Math.abs(store.redisClockOffsetMs + skewMs) > 2_000; attempt += 1) await store.readClock();
    return store;
  }

  it('learns how far Redis\'s clock is from this process\'s, and says so once when it is further than a command timeout', async () => {
    const skews: Array<string | undefined> = [];
    const store = await skewedStore(-SKEW_MS, 'clock-learn:', {
      onEvent: (event, detail) => {
        if (event === 'clock_skew') skews.push(detail);
      },
    });
    try {
      expect(store.redisClockOffsetMs).to.be.within(SKEW_MS - 2_000, SKEW_MS + 50);
      await store.readClock();
      expect(skews).to.have.length(1);
      expect(Number(skews[0])).to.be.within(SKEW_MS - 2_000, SKEW_MS + 50);
    } finally {
      await store.close();
    }
  });

  it('says nothing of a Redis on this process\'s own clock', async () => {
    const events: string[] = [];
    const store = await skewedStore(0, 'clock-same:', { onEvent: (event) => events.push(event) });
    try {
      await store.readClock();
      expect(Math.abs(store.redisClockOffsetMs)).to.be.below(2_000);
      expect(events).to.not.include('clock_skew');
    } finally {
      await store.close();
    }
  });

  it('applies a timely field update when this process\'s clock is a minute behind Redis\'s', async () => {
    // Taken from this process's clock alone, the deadline would be a minute in Redis's past: every
    // one-step refresh would be refused and fall back to two round trips.
    const store = await skewedStore(-SKEW_MS, 'clock-behind:');
    try {
      await store.set('family', 'a|before', 60_000);
      const { written } = await store.updateFields('family', { guards: [{ field: 1, equals: 'before' }], changes: [[1, 'after']], ttlMs: 60_000 });
      expect(written).to.equal('a|after');
      expect(await store.get('family')).to.equal('a|after');
    } finally {
      await store.close();
    }
  });

  it('refuses a field update held up past its deadline in a stalled Redis when this process\'s clock is a minute ahead', async () => {
    // Taken from this process's clock alone, the deadline would be a minute in Redis's future, and the
    // held-up update would be applied when Redis resumed, long after its caller was answered 503.
    const store = await skewedStore(SKEW_MS, 'clock-ahead:', { commandTimeoutMs: 200 });
    try {
      await store.set('family', 'a|before', 60_000);
      server.pause();
      const heldUp = await store.updateFields('family', { guards: [{ field: 1, equals: 'before' }], changes: [[1, 'after']], ttlMs: 60_000 }).catch((error: unknown) => error);
      expect(heldUp).to.be.instanceOf(StoreUnavailableError);
      await new Promise((resolve) => setTimeout(resolve, 250)); // the stall outlasts the deadline (the fault, not a wait)
      server.resume();
      expect(await readOnceAnswering(store, 'family'), 'the held-up update was applied when Redis resumed').to.equal('a|before');
    } finally {
      server.resume();
      await store.close();
    }
  });
});
