import { expect } from 'chai';
import { AccountDirectory } from '../../../server/accounts/directory';
import { ManualClock } from '../../../server/clock';
import { silentLogger } from '../../../server/log';
import { encodeFamily } from '../../../server/oauth/family-record';
import { RefreshTokens, type RefreshPolicy } from '../../../server/oauth/refresh-tokens';
import { MemoryStore } from '../../../server/store/memory';
import { RedisStore } from '../../../server/store/redis';
import type { Store } from '../../../server/store';
import { testRedisUrl } from '../../support/redis-server';

const T = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;
const CLIENT = 'alexa';

/** The store commands a piece of work sends, by name and key kind. */
function recording(inner: Store): { store: Store; calls: string[] } {
  const calls: string[] = [];
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(`${String(property)} ${String(args[0]).split(':')[0]}`);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, calls };
}

describe('refresh rotation in one store step', () => {
  const policy: RefreshPolicy = { lifetimeSec: 0, idleTtlSec: 30 * 86_400, graceSec: 60 };

  function setup(p: RefreshPolicy = policy, inner?: Store) {
    const clock = new ManualClock(T);
    const memory = inner ?? new MemoryStore(clock);
    const { store, calls } = recording(memory);
    const accounts = new AccountDirectory(memory, clock);
    const refreshTokens = new RefreshTokens(store, clock, p, silentLogger(), accounts);
    return { clock, memory, calls, accounts, refreshTokens };
  }
  const rotate = (tokens: RefreshTokens, token: string) => tokens.rotate(token, CLIENT, (family) => family.userId);

  it('rotates a linked user\'s token with one store command, writing what the two-step way writes', async () => {
    const { clock, memory, calls, accounts, refreshTokens } = setup();
    const account = await accounts.create({ username: 'rider@example.com', password: 'a long password' });
    const { token } = await refreshTokens.issue({ userId: account.id, clientId: CLIENT, scope: 'profile' });
    clock.advance(3_600_000);
    calls.length = 0;
    const rotated = await rotate(refreshTokens, token);
    expect(calls).to.deep.equal(['updateFields family']);
    expect(rotated.prepared).to.equal(account.id);
    const raw = await memory.get(`family:${rotated.family.id}`);
    expect(raw).to.equal(encodeFamily(rotated.family, policy.graceSec * 1000));
    expect((await rotate(refreshTokens, rotated.token)).family.id).to.equal(rotated.family.id);
  });

  it('keeps every rule the two-step way decides: a grace retry gets the same successor, reuse revokes, another client is refused', async () => {
    const { clock, refreshTokens } = setup();
    const { token } = await refreshTokens.issue({ userId: 'u1', clientId: CLIENT, scope: 'profile' });
    const first = await rotate(refreshTokens, token);
    expect((await rotate(refreshTokens, token)).token).to.equal(first.token);
    const other = await refreshTokens.rotate(first.token, 'another-client', () => undefined).catch((error: Error) => error);
    expect((other as Error).message).to.include('another client');
    const second = await rotate(refreshTokens, first.token);
    clock.advance(1);
    const reused = await rotate(refreshTokens, token).catch((error: Error) => error);
    expect((reused as Error).message).to.include('already used');
    const after = await rotate(refreshTokens, second.token).catch((error: Error) => error);
    expect((after as Error).message).to.include('revoked');
  });

  it('refuses an unknown family after one read, and a token of a known family with a wrong secret as reuse', async () => {
    const { calls, refreshTokens } = setup();
    const unknown = await rotate(refreshTokens, `${'A'.repeat(22)}.${'B'.repeat(43)}`).catch((error: Error) => error);
    expect((unknown as Error).message).to.include('unknown or has expired');
    expect(calls).to.deep.equal(['updateFields family']);
  });

  it('never writes an idle family whose record is still kept (the day after its idle TTL): it is refused as expired, unchanged', async () => {
    const { clock, memory, refreshTokens } = setup();
    const { token, family } = await refreshTokens.issue({ userId: 'u1', clientId: CLIENT, scope: 'profile' });
    const first = await rotate(refreshTokens, token);
    clock.advance(policy.idleTtlSec * 1000);
    const before = await memory.get(`family:${family.id}`);
    expect(before).to.not.equal(null);
    const idle = await rotate(refreshTokens, first.token).catch((error: Error) => error);
    expect((idle as Error).message).to.include('expired');
    expect(await memory.get(`family:${family.id}`)).to.equal(before);
    // One millisecond earlier it was still rotated in one step.
    const { token: other } = await refreshTokens.issue({ userId: 'u2', clientId: CLIENT, scope: 'profile' });
    clock.advance(policy.idleTtlSec * 1000 - 1);
    expect((await rotate(refreshTokens, other)).family.userId).to.equal('u2');
  });

  it('leaves the TTL to the two-step way when a lifetime would end the family before its idle TTL', async () => {
    const { clock, calls, refreshTokens, memory } = setup({ lifetimeSec: 40 * 86_400, idleTtlSec: 30 * 86_400, graceSec: 60 });
    const { token } = await refreshTokens.issue({ userId: 'u1', clientId: CLIENT, scope: 'profile' });
    calls.length = 0;
    const early = await rotate(refreshTokens, token);
    expect(calls[0]).to.equal('updateFields family');
    expect(calls).to.not.include('readForUpdate family');
    clock.advance(20 * DAY);
    calls.length = 0;
    const late = await rotate(refreshTokens, early.token);
    expect(calls.slice(0, 3)).to.deep.equal(['updateFields family', 'readForUpdate family', 'compareAndSet family']);
    // The lifetime (40 days from creation) is what ends it: 20 days and a day's margin from now.
    clock.advance(21 * DAY - 1);
    expect(await memory.get(`family:${late.family.id}`)).to.not.equal(null);
    clock.advance(1);
    expect(await memory.get(`family:${late.family.id}`)).to.equal(null);
  });

  it('extends a user\'s own set at most once a day per family, and the set always outlives the family', async () => {
    const { clock, calls, refreshTokens, memory } = setup();
    let { token } = await refreshTokens.issue({ userId: 'no-account', clientId: CLIENT, scope: 'profile' });
    const extensions: number[] = [];
    for (let hour = 0; hour < 72; hour += 1) {
      calls.length = 0;
      const rotated = await rotate(refreshTokens, token);
      token = rotated.token;
      if (calls.includes('extendSet user-families')) extensions.push(hour);
      clock.advance(3_600_000);
    }
    expect(extensions).to.deep.equal([0, 24, 48]);
    const familyId = token.split('.')[0] as string;
    // The last rotation was at hour 71; the family's record lives 30 days and a day after it.
    clock.advance(31 * DAY - 3_600_000 - 1);
    expect(await memory.get(`family:${familyId}`)).to.not.equal(null);
    expect(await memory.members('user-families:no-account')).to.deep.equal([familyId]);
  });

  it('rotates in one step on a real redis-server as well', async () => {
    const redis = new RedisStore({ url: await testRedisUrl(), keyPrefix: `one-step:${Date.now()}:` });
    try {
      const { calls, accounts, refreshTokens } = setup(policy, redis);
      const account = await accounts.create({ username: 'rider@example.com', password: 'a long password' });
      let { token } = await refreshTokens.issue({ userId: account.id, clientId: CLIENT, scope: 'profile' });
      calls.length = 0;
      for (let i = 0; i < 3; i += 1) token = (await rotate(refreshTokens, token)).token;
      expect(calls).to.deep.equal(['updateFields family', 'updateFields family', 'updateFields family']);
      const retried = await rotate(refreshTokens, token);
      expect((await rotate(refreshTokens, token)).token).to.equal(retried.token);
    } finally {
      await redis.close();
    }
  });
});
