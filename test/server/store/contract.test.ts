import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { ManualClock } from '../../../server/clock';
import { StoreUnavailableError } from '../../../server/errors';
import type { Store } from '../../../server/store';
import { MemoryStore } from '../../../server/store/memory';
import { RedisStore } from '../../../server/store/redis';
import { RedisCluster } from '../../support/redis-cluster';
import { readOnceAnswering, RedisServer, testRedisUrl } from '../../support/redis-server';

const runCommand = promisify(execFile);

interface StoreFixture {
  store: Store;
  /** Moves time forward as the store sees it (the memory store's clock; real time for Redis TTLs). */
  expire(ms: number): Promise<void>;
  /** False where two writes sent together may be applied in either order (a Cluster): listMember declines there. */
  ordered: boolean;
}

/** The one contract both stores keep; Redis runs it against a real redis-server. */
function contract(name: string, open: () => Promise<StoreFixture>): void {
  describe(`Store contract: ${name}`, () => {
    let fixture: StoreFixture;
    let store: Store;
    beforeEach(async () => {
      fixture = await open();
      store = fixture.store;
    });
    afterEach(async () => store.close());

    it('reads back what it wrote and null for what it never had', async () => {
      await store.set('a', 'one');
      expect(await store.get('a')).to.equal('one');
      expect(await store.get('missing')).to.equal(null);
      await store.set('a', 'two');
      expect(await store.get('a')).to.equal('two');
    });

    it('expires records after their TTL', async () => {
      await store.set('short', 'x', 40);
      await store.set('long', 'y', 60_000);
      await fixture.expire(80);
      expect(await store.get('short')).to.equal(null);
      expect(await store.get('long')).to.equal('y');
    });

    it('getWithTtl reads a value with what is left of its TTL, none for a record without one', async () => {
      await store.set('w', 'x', 60_000);
      await store.set('forever', 'y');
      const timed = await store.getWithTtl('w');
      expect(timed.value).to.equal('x');
      expect(timed.ttlMs).to.be.within(59_000, 60_000);
      expect(await store.getWithTtl('forever')).to.deep.equal({ value: 'y', ttlMs: undefined });
      expect(await store.getWithTtl('absent')).to.deep.equal({ value: null, ttlMs: undefined });
    });

    it('setIfAbsent writes only once', async () => {
      expect(await store.setIfAbsent('k', '1', 60_000)).to.equal(true);
      expect(await store.setIfAbsent('k', '2', 60_000)).to.equal(false);
      expect(await store.get('k')).to.equal('1');
    });

    it('getAndSet returns the previous value in one step', async () => {
      expect(await store.getAndSet('g', 'first', 60_000)).to.equal(null);
      expect(await store.getAndSet('g', 'second', 60_000)).to.equal('first');
      expect(await store.get('g')).to.equal('second');
    });

    it('compareAndSet changes the value only from the expected one', async () => {
      expect(await store.compareAndSet('c', null, 'v1', 60_000)).to.equal(true);
      expect(await store.compareAndSet('c', null, 'v2', 60_000)).to.equal(false);
      expect(await store.compareAndSet('c', 'wrong', 'v2', 60_000)).to.equal(false);
      expect(await store.get('c')).to.equal('v1');
      expect(await store.compareAndSet('c', 'v1', 'v2')).to.equal(true);
      expect(await store.get('c')).to.equal('v2');
      expect(await store.compareAndSet('c', 'v2', null)).to.equal(true);
      expect(await store.get('c')).to.equal(null);
    });

    it('readForUpdate reads a value with a deadline that a timely compareAndSet meets', async () => {
      await store.set('r', 'v1', 60_000);
      const { value, writeBy } = await store.readForUpdate('r');
      expect(value).to.equal('v1');
      expect(writeBy).to.be.a('number');
      expect(await store.compareAndSet('r', 'v1', 'v2', 60_000, writeBy)).to.equal(true);
      expect(await store.get('r')).to.equal('v2');
      expect((await store.readForUpdate('never-written')).value).to.equal(null);
    });

    it('updateFields rewrites fields only when every guard holds, dropping trailing empty fields', async () => {
      await store.set('f', 'a|b|c|d', 60_000);
      const failed = await store.updateFields('f', { guards: [{ field: 1, equals: 'b' }, { field: 2, equals: 'x' }], changes: [[0, 'A']], ttlMs: 60_000 });
      expect(failed).to.deep.equal({ previous: 'a|b|c|d', written: null });
      expect(await store.get('f')).to.equal('a|b|c|d');
      const done = await store.updateFields('f', { guards: [{ field: 1, equals: 'b' }, { field: 9, equals: '' }], changes: [[0, 'A'], [2, ''], [3, '']], ttlMs: 60_000 });
      expect(done).to.deep.equal({ previous: 'a|b|c|d', written: 'A|b' });
      expect(await store.get('f')).to.equal('A|b');
      expect(await store.updateFields('f', { guards: [], changes: [[4, 'e']] })).to.deep.equal({ previous: 'A|b', written: 'A|b|||e' });
      expect(await store.updateFields('absent', { guards: [], changes: [[0, 'x']] })).to.deep.equal({ previous: null, written: null });
      expect(await store.get('absent')).to.equal(null);
    });

    it('updateFields compares base-36 numbers, and refuses what is not one (a JSON record, an empty field)', async () => {
      await store.set('t', `${(1_700_000_000_000).toString(36)}|x`, 60_000);
      const at = (atLeast: number, field = 0) => store.updateFields('t', { guards: [{ field, atLeastBase36: atLeast.toString(36) }], changes: [[1, 'y']], ttlMs: 60_000 });
      expect((await at(1_700_000_000_001)).written).to.equal(null);
      expect((await at(1_700_000_000_000)).written).to.equal(`${(1_700_000_000_000).toString(36)}|y`);
      expect((await at(0, 5)).written).to.equal(null);
      await store.set('j', '{"createdAt":1}', 60_000);
      expect((await store.updateFields('j', { guards: [{ field: 0, atLeastBase36: '0' }], changes: [[1, 'y']] })).written).to.equal(null);
      expect(await store.get('j')).to.equal('{"createdAt":1}');
    });

    it('updateFields reads another field for a base-36 guard when the guarded one is empty', async () => {
      await store.set('o', 'z|', 60_000);
      const at = (atLeast: string) => store.updateFields('o', { guards: [{ field: 1, orElse: 0, atLeastBase36: atLeast }], changes: [[2, 'w']] });
      expect((await at('10')).written).to.equal(null);
      expect((await at('z')).written).to.equal('z||w');
      await store.set('o', 'z|5', 60_000);
      expect((await at('z')).written).to.equal(null);
    });

    it('updateFields sets the TTL it is given', async () => {
      await store.set('e', 'a|b', 60_000);
      await store.updateFields('e', { guards: [], changes: [[1, 'c']], ttlMs: 40 });
      await fixture.expire(80);
      expect(await store.get('e')).to.equal(null);
    });

    it('updateFields lets exactly one of many racing writers whose guard is the old value win', async () => {
      await store.set('race', 'v0|0', 60_000);
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.updateFields('race', { guards: [{ field: 0, equals: 'v0' }], changes: [[0, `v${i + 1}`]], ttlMs: 60_000 })));
      expect(results.filter((r) => r.written !== null)).to.have.length(1);
    });

    it('compareAndSet lets exactly one of many racing writers win', async () => {
      await store.set('race', 'start');
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.compareAndSet('race', 'start', `writer-${i}`, 60_000)));
      expect(results.filter(Boolean)).to.have.length(1);
      const winner = results.indexOf(true);
      expect(await store.get('race')).to.equal(`writer-${winner}`);
    });

    it('take gives the value to exactly one of many racing callers and deletes it', async () => {
      await store.set('once', 'prize', 60_000);
      const results = await Promise.all(Array.from({ length: 20 }, () => store.take('once')));
      expect(results.filter((r) => r === 'prize')).to.have.length(1);
      expect(results.filter((r) => r === null)).to.have.length(19);
      expect(await store.get('once')).to.equal(null);
    });

    it('delete removes keys and counts those that existed', async () => {
      await store.set('d1', 'x');
      await store.set('d2', 'y');
      expect(await store.delete('d1', 'd2', 'd3')).to.equal(2);
      expect(await store.get('d1')).to.equal(null);
      expect(await store.delete()).to.equal(0);
    });

    it('increment counts within a window that starts at the first increment', async () => {
      expect(await store.increment('n', 60)).to.equal(1);
      expect(await store.increment('n', 60)).to.equal(2);
      expect(await store.increment('n', 60)).to.equal(3);
      await fixture.expire(100);
      expect(await store.increment('n', 60)).to.equal(1);
    });

    it('increments by a given amount, keeping the window of the first increment', async () => {
      expect(await store.increment('by', 60, 5)).to.equal(5);
      expect(await store.increment('by', 60_000, 3)).to.equal(8);
      await fixture.expire(100);
      expect(await store.get('by')).to.equal(null);
    });

    it('keeps sets of members, with removal and an optional TTL', async () => {
      await store.addToSet('s', 'a');
      await store.addToSet('s', 'b');
      await store.addToSet('s', 'a');
      expect((await store.members('s')).sort()).to.deep.equal(['a', 'b']);
      await store.removeFromSet('s', 'a');
      expect(await store.members('s')).to.deep.equal(['b']);
      expect(await store.members('none')).to.deep.equal([]);
      await store.addToSet('t', 'x', 40);
      await fixture.expire(80);
      expect(await store.members('t')).to.deep.equal([]);
    });

    it('extends a set that holds the member, and creates none', async () => {
      await store.addToSet('held', 'a', 40);
      await store.extendSet('held', 'a', 60_000);
      await store.extendSet('other', 'a', 60_000);
      await store.addToSet('without', 'b', 40);
      await store.extendSet('without', 'a', 60_000);
      await fixture.expire(80);
      expect(await store.members('held')).to.deep.equal(['a']);
      expect(await store.members('other')).to.deep.equal([]);
      expect(await store.members('without')).to.deep.equal([]);
    });

    it('lists the live keys that start with a prefix, glob characters taken literally', async () => {
      const many = Array.from({ length: 1500 }, (_, i) => `list:${i}`);
      await Promise.all(many.map((key) => store.set(key, 'x')));
      await store.addToSet('list:set', 'm');
      await store.set('list*[x]?\\', 'x');
      await store.set('lis', 'x');
      await store.set('listed-elsewhere', 'x');
      await store.set('list:short', 'x', 40);
      await fixture.expire(80);
      const listed = await store.keysStartingWith('list:');
      expect(listed.sort()).to.deep.equal([...many, 'list:set'].sort());
      expect(await store.keysStartingWith('list*[x]?\\')).to.deep.equal(['list*[x]?\\']);
      expect(await store.keysStartingWith('nothing:')).to.deep.equal([]);
    });

    it('stores arbitrary text, including JSON and Unicode, unchanged', async () => {
      const value = JSON.stringify({ name: 'Zoë 🚕', nested: { quote: '"\\' } });
      await store.set('json', value);
      expect(await store.get('json')).to.equal(value);
    });

    it('listMember lists an id in a record\'s JSON list in one step, or in a set without a record, and leaves alone a record it could not write back as it was', async () => {
      const orElse = { setKey: 'user-set', ttlMs: 60_000 };
      const listMember = (key: string, member: string) => (store.listMember as NonNullable<Store['listMember']>).call(store, key, 4, member, orElse);
      const account = '["rider@example.com","Zoë 🚕",1764622800000,"scrypt$32768$8$1$c2FsdA$aGFzaA"]';
      if (!fixture.ordered) {
        await store.set('rec', account);
        expect(await listMember('rec', 'g1')).to.deep.equal({ in: 'neither' });
        expect(await listMember('absent', 'g1')).to.deep.equal({ in: 'neither' });
        expect(await store.get('rec')).to.equal(account);
        expect(await store.members('user-set')).to.deep.equal([]);
        return;
      }
      expect(await listMember('absent', 'g1')).to.deep.equal({ in: 'set' });
      expect(await store.get('absent')).to.equal(null);
      expect(await store.members('user-set')).to.deep.equal(['g1']);
      await store.set('rec', account, 60_000);
      expect(await listMember('rec', 'g1')).to.deep.equal({ in: 'record', members: ['g1'] });
      expect(await listMember('rec', 'g2')).to.deep.equal({ in: 'record', members: ['g1', 'g2'] });
      expect(await listMember('rec', 'g1')).to.deep.equal({ in: 'record', members: ['g1', 'g2'] });
      expect(JSON.parse((await store.get('rec')) as string)).to.deep.equal([...(JSON.parse(account) as unknown[]), ['g1', 'g2']]);
      expect((await store.getWithTtl('rec')).ttlMs).to.be.within(1, 60_000);
      await store.set('with-email', '["a","A",1,"",[],"a@example.com"]');
      expect(await listMember('with-email', 'g')).to.deep.equal({ in: 'record', members: ['g'] });
      expect(JSON.parse((await store.get('with-email')) as string)).to.deep.equal(['a', 'A', 1, '', ['g'], 'a@example.com']);
      expect((await store.getWithTtl('with-email')).ttlMs).to.equal(undefined);
      for (const raw of ['{"username":"a","grants":[]}', '["a","A \\"quoted\\"",1,""]', '["a","A",1,"",["x"],{}]', '["a","A",1]', '["a","A",1,"","not a list"]', 'not json']) {
        await store.set('odd', raw);
        expect(await listMember('odd', 'g'), raw).to.deep.equal({ in: 'neither' });
        expect(await store.get('odd')).to.equal(raw);
      }
      expect(await store.members('user-set')).to.deep.equal(['g1']);
    });

    it('answers ping', async () => {
      await store.ping();
    });
  });
}

contract('memory', async () => {
  const clock = new ManualClock();
  return {
    store: new MemoryStore(clock),
    expire: async (ms) => clock.advance(ms),
    ordered: true,
  };
});

contract('redis', async () => ({
  store: new RedisStore({ url: await testRedisUrl(), keyPrefix: `contract:${randomUUID()}:` }),
  // Redis expires on its own clock: wait out the (short) TTL for real.
  expire: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ordered: true,
}));

describe('on a three-master Redis Cluster', () => {
  let cluster: RedisCluster;
  before(async () => {
    cluster = await RedisCluster.start();
  });
  after(async () => cluster?.destroy());

  contract('redis cluster', async () => ({
    // The contract is about what the store does, not its deadline: a cold cluster's slot discovery on a loaded
    // machine can pass the 500 ms production default, which failed CI once.
    store: new RedisStore({ url: cluster.url, keyPrefix: `cluster:${randomUUID()}:`, commandTimeoutMs: 5000 }),
    expire: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    ordered: false,
  }));

  it('reads every master\'s clock for its write deadlines, keeping the lowest offset', async () => {
    const skewMs = 60_000;
    const store = new RedisStore({ url: cluster.url, keyPrefix: `clock:${randomUUID()}:`, commandTimeoutMs: 5000, now: () => Date.now() - skewMs });
    try {
      await store.set('family', 'a|before', 60_000);
      await store.readClock();
      // The three masters share this machine's clock: each offset is the skew set here, less a round trip.
      expect(store.redisClockOffsetMs).to.be.within(skewMs - 1_000, skewMs + 50);
      const { written } = await store.updateFields('family', { guards: [{ field: 1, equals: 'before' }], changes: [[1, 'after']], ttlMs: 60_000 });
      expect(written).to.equal('a|after');
    } finally {
      await store.close();
    }
  });

  it('spreads keys over all three masters, so the contract above ran across slots', async () => {
    const prefix = `spread:${randomUUID()}:`;
    const store = new RedisStore({ url: cluster.url, keyPrefix: prefix, commandTimeoutMs: 5000 });
    try {
      await Promise.all(Array.from({ length: 60 }, (_, i) => store.set(`key-${i}`, String(i))));
      const perNode = await Promise.all(
        cluster.nodes.map(async (node) => {
          const { stdout } = await runCommand('redis-cli', ['-p', String(node.port), '--scan', '--pattern', `${prefix}*`]);
          return stdout.split('\n').filter(Boolean).length;
        }),
      );
      expect(perNode.reduce((a, b) => a + b, 0)).to.equal(60);
      for (const count of perNode) expect(count).to.be.greaterThan(0);
      for (let i = 0; i < 60; i += 1) expect(await store.get(`key-${i}`)).to.equal(String(i));
    } finally {
      await store.close();
    }
  });
});

/** A private redis-server (the test may pause it) and a store on it with a 200 ms command timeout, both gone afterwards. */
async function withStallingRedis(test: (server: RedisServer, store: RedisStore) => Promise<void>): Promise<void> {
  const server = await RedisServer.start();
  const store = new RedisStore({ url: server.url, keyPrefix: 'stall:', commandTimeoutMs: 200 });
  try {
    await test(server, store);
  } finally {
    server.resume();
    await store.close();
    await server.destroy();
  }
}

describe('RedisStore when Redis is unreachable', () => {
  it('fails fast with StoreUnavailableError and recovers when Redis returns, keeping its data', async () => {
    const server = await RedisServer.start({ persist: true });
    const store = new RedisStore({ url: server.url, keyPrefix: 'outage:', commandTimeoutMs: 500 });
    try {
      await store.set('kept', 'value');
      await server.stop();
      const started = Date.now();
      let failure: unknown;
      try {
        await store.get('kept');
      } catch (error) {
        failure = error;
      }
      expect(failure).to.be.instanceOf(StoreUnavailableError);
      expect(Date.now() - started).to.be.below(2000);
      await server.restart();
      expect(await readOnceAnswering(store, 'kept')).to.equal('value');
    } finally {
      await store.close();
      await server.destroy();
    }
  });

  it('fails at once while Redis stalls, without queueing, and refuses a write held up past its deadline', async () => {
    await withStallingRedis(async (server, store) => {
      await store.set('family', 'before', 60_000);
      const { writeBy } = await store.readForUpdate('family');
      server.pause();
      const heldUp = store.compareAndSet('family', 'before', 'after', 60_000, writeBy).catch((error: unknown) => error);
      expect(await heldUp).to.be.instanceOf(StoreUnavailableError);
      // Known to be stalled: the next command fails without waiting for another timeout.
      const started = Date.now();
      expect(await store.get('family').catch((error: unknown) => error)).to.be.instanceOf(StoreUnavailableError);
      expect(Date.now() - started).to.be.below(50);
      await new Promise((resolve) => setTimeout(resolve, 50)); // the stall lasts a little longer (the fault, not a wait)
      server.resume();
      const value = await readOnceAnswering(store, 'family');
      expect(value, 'the held-up write was not applied when Redis resumed').to.equal('before');
    });
  });

  it('refuses a field update held up past its deadline in a stalled Redis', async () => {
    await withStallingRedis(async (server, store) => {
      await store.set('family', 'a|before', 60_000);
      server.pause();
      const heldUp = store.updateFields('family', { guards: [{ field: 1, equals: 'before' }], changes: [[1, 'after']], ttlMs: 60_000 }).catch((error: unknown) => error);
      expect(await heldUp).to.be.instanceOf(StoreUnavailableError);
      await new Promise((resolve) => setTimeout(resolve, 250)); // the stall outlasts the deadline (the fault, not a wait)
      server.resume();
      const value = await readOnceAnswering(store, 'family');
      expect(value, 'the held-up update was applied when Redis resumed').to.equal('a|before');
    });
  });

  it('keeps each key under the configured prefix', async () => {
    const url = await testRedisUrl();
    const prefix = `prefix-${randomUUID()}:`;
    const store = new RedisStore({ url, keyPrefix: prefix });
    const raw = new RedisStore({ url, keyPrefix: '' });
    try {
      await store.set('thing', 'v');
      expect(await raw.get(`${prefix}thing`)).to.equal('v');
      expect(await raw.get('thing')).to.equal(null);
    } finally {
      await store.close();
      await raw.close();
    }
  });
});
