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
    return { store, links, replaced };
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
});
