import { randomBytes, randomUUID, scryptSync } from 'node:crypto';
import { expect } from 'chai';
import { decodeAccount, encodeAccount, type StoredAccount } from '../../../server/accounts/account-record';
import { AccountDirectory } from '../../../server/accounts/directory';
import { hashPassword } from '../../../server/accounts/passwords';
import { ManualClock } from '../../../server/clock';
import { silentLogger } from '../../../server/log';
import { RefreshTokens } from '../../../server/oauth/refresh-tokens';
import { Revocations } from '../../../server/oauth/revocations';
import { MemoryStore } from '../../../server/store/memory';

const T = 1_796_132_621_992;
const DAY = 86_400_000;

describe('account records (server/accounts/account-record.ts)', () => {
  it('reads back every kind of account it writes, without its id', () => {
    const id = randomUUID();
    const cases: StoredAccount[] = [
      { id, username: 'rider@example.com', displayName: 'Rider', createdAt: T, passwordHash: 'scrypt$32768$8$1$salt$hash' },
      { id, username: 'b@example.com', displayName: 'Bea "B" Crypt', createdAt: T, passwordHash: '$2b$10$x', email: 'b@example.com', grants: ['a', 'b'] },
      { id, username: 'e@example.com', displayName: 'E', createdAt: T, email: 'e@example.com' },
      { id, username: 'upstream:248289761001', displayName: 'there', createdAt: T, external: { provider: 'upstream', subject: '248289761001' } },
      { id, username: 'lwa:amzn1.account.X', displayName: 'Zoë 🚕', createdAt: T, external: { provider: 'lwa', subject: 'amzn1.account.X', email: 'z@example.com' }, grants: ['g'] },
    ];
    for (const account of cases) {
      const raw = encodeAccount(account);
      expect(decodeAccount(id, raw), raw).to.deep.equal(account);
      expect(raw).to.not.include(id);
    }
  });

  it('reads an account stored as a JSON object before this format', () => {
    const legacy = { id: randomUUID(), username: 'old@example.com', displayName: 'Old', createdAt: T, email: 'old@example.com', passwordHash: 'scrypt$1' };
    expect(decodeAccount(legacy.id, JSON.stringify(legacy))).to.deep.equal(legacy);
  });
});

describe('a user\'s grants listed in their account', () => {
  const policy = { lifetimeSec: 0, idleTtlSec: 30 * 86_400, graceSec: 60 };
  async function setup() {
    const clock = new ManualClock(T);
    const store = new MemoryStore(clock);
    const accounts = new AccountDirectory(store, clock);
    const log = silentLogger();
    const refreshTokens = new RefreshTokens(store, clock, policy, log, accounts);
    const revocations = new Revocations(store, refreshTokens, 3600, log);
    const account = await accounts.create({ username: 'rider@example.com', password: 'a long password' });
    const grant = async (userId = account.id) => (await refreshTokens.issue({ userId, clientId: 'alexa', scope: 'profile' })).family.id;
    return { clock, store, accounts, refreshTokens, revocations, account, grant };
  }

  it('keeps no key per user beside the account and its name, and revokes every grant listed', async () => {
    const { store, refreshTokens, revocations, account, grant } = await setup();
    const [first, second] = [await grant(), await grant()];
    expect((await refreshTokens.familiesOf(account.id)).sort()).to.deep.equal([first, second].sort());
    expect((await store.keysStartingWith('')).sort()).to.deep.equal([`account-name:rider@example.com`, `account:${account.id}`, `family:${first}`, `family:${second}`].sort());
    expect(await revocations.revokeUser(account.id, 'account deleted')).to.equal(2);
    for (const id of [first, second]) expect((await refreshTokens.get(id))?.revokedReason).to.equal('account deleted');
  });

  it('drops a grant that expired from the list at the next grant, and never reports it', async () => {
    const { clock, accounts, refreshTokens, account, grant } = await setup();
    const old = await grant();
    clock.advance(32 * DAY);
    expect(await refreshTokens.get(old)).to.equal(undefined);
    expect(await refreshTokens.familiesOf(account.id)).to.deep.equal([]);
    const fresh = await grant();
    expect(await accounts.grantsOf(account.id)).to.deep.equal([fresh]);
  });

  it('keeps a grant listed while the password changes or an imported hash is replaced', async () => {
    const { store, accounts, refreshTokens } = await setup();
    // A weaker hash than ours (N = 2^14), as an import may bring: replaced at the first sign-in.
    const salt = randomBytes(16);
    const weaker = ['scrypt', 16384, 8, 1, salt.toString('base64url'), scryptSync('old password 1', salt, 32, { N: 16384, r: 8, p: 1 }).toString('base64url')].join('$');
    const imported = await accounts.importAccount({ username: 'imported@example.com', passwordHash: weaker });
    const id = (await refreshTokens.issue({ userId: imported.id, clientId: 'alexa', scope: 'profile' })).family.id;
    expect(await accounts.authenticate('imported@example.com', 'old password 1')).to.not.equal(undefined);
    expect(decodeAccount(imported.id, (await store.get(`account:${imported.id}`)) as string).passwordHash).to.match(/^scrypt\$32768\$/);
    // A grant recorded while the new password is being hashed (tens of milliseconds) is kept.
    const changing = accounts.setPassword('imported@example.com', 'a new password');
    const during = (await refreshTokens.issue({ userId: imported.id, clientId: 'alexa', scope: 'profile' })).family.id;
    await changing;
    expect(await accounts.grantsOf(imported.id)).to.deep.equal([id, during]);
    expect(await accounts.authenticate('imported@example.com', 'a new password')).to.not.equal(undefined);
  });

  it('lists the grants of a user without an account in a set of their own, which expires with its longest-lived grant', async () => {
    const { clock, store, refreshTokens } = await setup();
    const { family, token } = await refreshTokens.issue({ userId: 'no-account', clientId: 'alexa', scope: 'profile' });
    expect(await store.members('user-families:no-account')).to.deep.equal([family.id]);
    clock.advance(20 * DAY);
    // A rotation extends the set with the family (31 days after the rotation instead of the issue).
    await refreshTokens.rotate(token, 'alexa', () => undefined);
    clock.advance(25 * DAY);
    expect(await refreshTokens.familiesOf('no-account')).to.deep.equal([family.id]);
    clock.advance(10 * DAY);
    expect(await refreshTokens.get(family.id)).to.equal(undefined);
    expect(await store.members('user-families:no-account')).to.deep.equal([]);
  });
});

describe('an account stored before this format (an upgraded deployment)', () => {
  it('is found by name and id, signs in, is listed, and takes its grants into the record', async () => {
    const clock = new ManualClock(T);
    const store = new MemoryStore(clock);
    const accounts = new AccountDirectory(store, clock);
    const refreshTokens = new RefreshTokens(store, clock, { lifetimeSec: 0, idleTtlSec: 0, graceSec: 60 }, silentLogger(), accounts);
    const id = randomUUID();
    const legacy = { id, username: 'old@example.com', displayName: 'Old Rider', createdAt: T, passwordHash: await hashPassword('the old password') };
    await store.set(`account:${id}`, JSON.stringify(legacy));
    await store.set('account-name:old@example.com', id);
    await store.addToSet('accounts', id);
    // A grant from before, listed in the user's set: still found, and the set still extended by rotations.
    const before = await refreshTokens.issue({ userId: 'placeholder', clientId: 'alexa', scope: 'profile' });
    await store.addToSet(`user-families:${id}`, before.family.id);

    expect(await accounts.findByName('old@example.com')).to.deep.include({ id, displayName: 'Old Rider' });
    expect(await accounts.authenticate('old@example.com', 'the old password')).to.deep.include({ id });
    expect((await accounts.list()).map((a) => a.id)).to.deep.equal([id]);
    const after = (await refreshTokens.issue({ userId: id, clientId: 'alexa', scope: 'profile' })).family.id;
    expect((await refreshTokens.familiesOf(id)).sort()).to.deep.equal([before.family.id, after].sort());
    const stored = (await store.get(`account:${id}`)) as string;
    expect(stored.startsWith('['), stored).to.equal(true);
    expect(decodeAccount(id, stored)).to.deep.equal({ ...legacy, grants: [after] });
    expect(await accounts.delete('old@example.com')).to.equal(true);
    expect(await accounts.findByName('old@example.com')).to.equal(undefined);
  });
});
