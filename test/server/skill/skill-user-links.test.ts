import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { ManualClock } from '../../../server/clock';
import { sha256 } from '../../../server/crypto-utils';
import { SkillUserLinks } from '../../../server/skill/skill-user-links';
import { MemoryStore } from '../../../server/store/memory';

const GRANT = 'owXJ0z-lq5Vq8dprXOM-Dw';
const OTHER_GRANT = 'CB9qyYebKWgFxXSTNpOHEg';

describe('SkillUserLinks: what an account-level mapping holds', () => {
  function setup() {
    const clock = new ManualClock();
    const store = new MemoryStore(clock);
    const replaced: Array<[string, string]> = [];
    const links = new SkillUserLinks(store, clock, {
      ttlMs: 60_000,
      replaceGrant: async (previous, presented) => {
        replaced.push([previous, presented]);
        return 'replaced';
      },
    });
    return { clock, store, links, replaced };
  }

  it('keeps a UUID user and a grant in 44 characters, and any other pair readable', async () => {
    const { store, links } = setup();
    const uuid = randomUUID();
    const cases: Array<[string, string | undefined]> = [[uuid, GRANT], [uuid, undefined], ['u', GRANT], ['A'.repeat(44), undefined], ['A'.repeat(22), GRANT], [uuid, 'cc-not-a-family']];
    for (const [index, [userId, grantId]] of cases.entries()) {
      const alexa = `amzn1.ask.account.${index}`;
      await links.remember(alexa, undefined, userId, grantId);
      expect(await links.usersOf(alexa), `${userId} ${grantId}`).to.deep.equal([userId]);
    }
    expect(await store.get(`skill-user:${sha256('amzn1.ask.account.0')}`)).to.have.length(44);
  });

  it('reads a mapping written before (`userId\\ngrantId`) and settles its grant against a new one', async () => {
    const { store, links, replaced } = setup();
    const uuid = randomUUID();
    await store.set(`skill-user:${sha256('amzn1.ask.account.OLD')}`, `${uuid}\n${OTHER_GRANT}`);
    expect(await links.usersOf('amzn1.ask.account.OLD')).to.deep.equal([uuid]);
    await links.remember('amzn1.ask.account.OLD', undefined, uuid, GRANT);
    expect(replaced).to.deep.equal([[OTHER_GRANT, GRANT]]);
    expect(await links.usersOf('amzn1.ask.account.OLD')).to.deep.equal([uuid]);
  });

  it('with a read prepared beside the token check: writes nothing for the link recorded, settles a changed grant, renews a day past due', async () => {
    const { clock, store, links, replaced } = setup();
    const uuid = randomUUID();
    const alexa = 'amzn1.ask.account.PREPARED';
    const key = `skill-user:${sha256(alexa)}`;
    await links.remember(alexa, undefined, uuid, GRANT);
    // The mapping lives the renewal (60 s) and a day: another process, or this one later, reads it as current.
    expect((await store.getWithTtl(key)).ttlMs).to.equal(60_000 + 86_400_000);
    const fresh = new SkillUserLinks(store, clock, { ttlMs: 60_000, replaceGrant: async (previous, presented) => (replaced.push([previous, presented]), 'replaced') });
    clock.advance(86_400_000 - 1);
    const before = await store.getWithTtl(key);
    await fresh.remember(alexa, undefined, uuid, GRANT, fresh.prepare(alexa, undefined));
    expect(await store.getWithTtl(key)).to.deep.equal(before);
    // A day past: renewed.
    const later = new SkillUserLinks(store, clock, { ttlMs: 60_000 });
    clock.advance(2);
    await later.remember(alexa, undefined, uuid, GRANT, later.prepare(alexa, undefined));
    expect((await store.getWithTtl(key)).ttlMs).to.equal(60_000 + 86_400_000);
    // A new grant of the same Alexa account: settled as without a prepared read.
    const next = new SkillUserLinks(store, clock, { ttlMs: 60_000, replaceGrant: async (previous, presented) => (replaced.push([previous, presented]), 'replaced') });
    await next.remember(alexa, undefined, uuid, OTHER_GRANT, next.prepare(alexa, undefined));
    expect(replaced).to.deep.equal([[GRANT, OTHER_GRANT]]);
    // Nothing is read for a person's link, or for an account this process recorded recently.
    expect(next.prepare(alexa, 'amzn1.ask.person.P')).to.equal(undefined);
    expect(next.prepare(alexa, undefined)).to.equal(undefined);
  });

  it('shares a read and a write among calls that arrive together, and reads afresh once a shared read failed', async () => {
    const { clock, store } = setup();
    let reads = 0;
    let writes = 0;
    let fail = true;
    const counted = Object.assign(Object.create(store) as MemoryStore, {
      getWithTtl: async (key: string) => {
        reads += 1;
        if (fail) throw new Error('store unavailable');
        return store.getWithTtl(key);
      },
      getAndSet: async (key: string, value: string, ttlMs?: number) => {
        writes += 1;
        return store.getAndSet(key, value, ttlMs);
      },
    });
    const links = new SkillUserLinks(counted, clock, { ttlMs: 60_000, replaceGrant: async () => 'replaced' });
    const alexa = 'amzn1.ask.account.TOGETHER';
    const failed = links.prepare(alexa, undefined);
    expect(links.prepare(alexa, undefined)).to.equal(failed);
    await (failed as unknown as { read: Promise<unknown> }).read.catch(() => undefined);
    expect(reads).to.equal(1);
    // The failed read is not kept: the next request asks the store again, and the ones with it share that.
    fail = false;
    const again = links.prepare(alexa, undefined);
    expect(again).to.not.equal(failed);
    const uuid = randomUUID();
    await Promise.all([links.remember(alexa, undefined, uuid, GRANT, again), links.remember(alexa, undefined, uuid, GRANT, links.prepare(alexa, undefined))]);
    expect({ reads, writes }).to.deep.equal({ reads: 2, writes: 1 });
    expect(await links.usersOf(alexa)).to.deep.equal([uuid]);
  });

  it('lets a request after the skill was disabled read afresh, however the reads on their way settle', async () => {
    const { clock, store } = setup();
    const answers: Array<() => void> = [];
    const held = Object.assign(Object.create(store) as MemoryStore, {
      getWithTtl: (key: string) => new Promise<{ value: string | null; ttlMs: number | undefined }>((resolve) => answers.push(() => resolve(store.getWithTtl(key)))),
    });
    const links = new SkillUserLinks(held, clock, { ttlMs: 60_000 });
    const alexa = 'amzn1.ask.account.DISABLED';
    const before = links.prepare(alexa, undefined) as unknown as { read: Promise<unknown> };
    await links.forget(alexa);
    const afresh = links.prepare(alexa, undefined);
    expect(afresh).to.not.equal(before);
    // The older read settles first: the newer one stays the one later requests join.
    answers[0]?.();
    await before.read;
    await new Promise((resolve) => setImmediate(resolve));
    expect(links.prepare(alexa, undefined)).to.equal(afresh);
    answers[1]?.();
    await (afresh as unknown as { read: Promise<unknown> }).read;
    await new Promise((resolve) => setImmediate(resolve));
    expect(links.prepare(alexa, undefined)).to.not.equal(afresh);
  });
});
