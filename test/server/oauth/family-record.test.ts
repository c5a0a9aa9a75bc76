import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { ManualClock } from '../../../server/clock';
import { silentLogger } from '../../../server/log';
import { decodeFamily, encodeFamily } from '../../../server/oauth/family-record';
import { type RefreshFamily, RefreshTokens } from '../../../server/oauth/refresh-tokens';
import { MemoryStore } from '../../../server/store/memory';
import { packId, unpackId } from '../../../server/store/packed-id';

const GRACE_MS = 120_000;
const T = 1_796_132_621_992;

function family(overrides: Partial<RefreshFamily> = {}): RefreshFamily {
  return { id: 'owXJ0z-lq5Vq8dprXOM-Dw', userId: randomUUID(), clientId: 'alexa-skill', scope: 'profile', current: [secretHash('s0')], previous: null, previousValidUntil: 0, createdAt: T, lastUsedAt: T, ...overrides };
}

function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

function secret(): string {
  return randomBytes(32).toString('base64url');
}

describe('packed ids (server/store/packed-id.ts)', () => {
  it('packs a UUID into 22 characters and reads every other id back unchanged', () => {
    const uuid = randomUUID();
    expect(packId(uuid)).to.have.length(22);
    expect(unpackId(packId(uuid))).to.equal(uuid);
    // A UUID stored before ids were packed reads as itself.
    expect(unpackId(uuid)).to.equal(uuid);
    for (const id of ['u', '', 'upstream:248289761001', 'AAAAAAAAAAAAAAAAAAAAAA', 'owXJ0z-lq5Vq8dprXOM-Dw', '=x', '==', uuid.toUpperCase(), 'Zoë 🚕']) {
      expect(unpackId(packId(id)), id).to.equal(id);
    }
  });
});

describe('refresh family records (server/oauth/family-record.ts)', () => {
  it('reads back every kind of family it writes', () => {
    const cases: RefreshFamily[] = [
      family(),
      family({ lastUsedAt: T + 3_600_000, current: [secretHash('s1')], successorKey: secret(), previousValidUntil: T + 3_600_000 + GRACE_MS }),
      // Rotated before tokens were derived: the previous hash and its window are kept as they are.
      family({ lastUsedAt: T + 10, current: [secretHash('a'), secretHash('b')], previous: secretHash('p'), previousValidUntil: T + 5 }),
      // A successor family whose window was set under another grace period keeps its own.
      family({ lastUsedAt: T + 10, successorKey: secret(), previousValidUntil: T + 99 }),
      family({ current: [], revokedAt: T + 1, revokedReason: 'replaced by a newer link | of the same 100% Alexa account' }),
      family({ userId: '', clientId: '', scope: '', current: [], revokedAt: T, revokedReason: 'authorization code replayed' }),
      family({ userId: 'u', clientId: 'a|b%7C', scope: 'openid profile rides:order' }),
    ];
    for (const original of cases) {
      const raw = encodeFamily(original, GRACE_MS);
      expect(decodeFamily(original.id, raw, GRACE_MS), raw).to.deep.equal(original);
      expect(raw).to.not.include(original.id);
    }
  });

  it('writes a rotated family in well under half the JSON it replaced', () => {
    const rotated = family({ clientId: 'alexa-bench-client', lastUsedAt: T + 3_600_000, current: [secretHash('s1')], successorKey: secret(), previousValidUntil: T + 3_600_000 + GRACE_MS });
    const legacy = JSON.stringify({ ...rotated, previous: secretHash('s0') });
    const raw = encodeFamily(rotated, GRACE_MS);
    expect(raw.length).to.be.at.most(156); // 156 characters fit Redis's 160-byte allocation
    expect(raw.length).to.be.below(legacy.length / 2);
  });

  it('reads a family stored as JSON before this format', () => {
    const stored = family({ lastUsedAt: T + 10, successorKey: secret(), previous: secretHash('s0'), previousValidUntil: T + 10 + GRACE_MS });
    expect(decodeFamily(stored.id, JSON.stringify(stored), GRACE_MS)).to.deep.equal(stored);
  });
});

describe('RefreshTokens over families stored as JSON (an upgraded deployment)', () => {
  const CLIENT = 'alexa';
  const policy = { lifetimeSec: 0, idleTtlSec: 0, graceSec: GRACE_MS / 1000 };
  function setup() {
    const clock = new ManualClock(T + 1_000_000);
    const store = new MemoryStore(clock);
    return { clock, store, refreshTokens: new RefreshTokens(store, clock, policy, silentLogger()) };
  }
  const legacy = (f: RefreshFamily) => JSON.stringify(f);
  const rotate = (tokens: RefreshTokens, token: string) => tokens.rotate(token, CLIENT, () => undefined);

  it('rotates a family never rotated, rewrites it compactly, and keeps the grace and reuse rules', async () => {
    const { clock, store, refreshTokens } = setup();
    const s0 = secret();
    const id = refreshTokens.newFamilyId();
    await store.set(`family:${id}`, legacy(family({ id, clientId: CLIENT, current: [secretHash(s0)] })));
    const first = await rotate(refreshTokens, `${id}.${s0}`);
    const raw = (await store.get(`family:${id}`)) as string;
    expect(raw.startsWith('{'), raw).to.equal(false);
    // A retry of the redeemed token inside the grace window gets the very same successor.
    clock.advance(GRACE_MS - 1);
    expect((await rotate(refreshTokens, `${id}.${s0}`)).token).to.equal(first.token);
    clock.advance(2);
    const reused = await rotate(refreshTokens, `${id}.${s0}`).catch((error: Error) => error);
    expect((reused as Error).message).to.include('already used');
    expect((await refreshTokens.get(id))?.revokedAt).to.equal(clock.now());
  });

  it('honours the previous token of a family rotated as JSON with a successor key (the derived successor again)', async () => {
    const { store, refreshTokens } = setup();
    const id = refreshTokens.newFamilyId();
    const s0 = secret();
    const key = secret();
    const s1 = createHmac('sha256', key).update(s0).digest('base64url');
    const now = T + 1_000_000;
    await store.set(`family:${id}`, legacy(family({ id, clientId: CLIENT, current: [secretHash(s1)], previous: secretHash(s0), previousValidUntil: now + 1000, successorKey: key, lastUsedAt: now })));
    expect((await rotate(refreshTokens, `${id}.${s0}`)).token).to.equal(`${id}.${s1}`);
    const next = await rotate(refreshTokens, `${id}.${s1}`);
    expect(next.token).to.not.equal(`${id}.${s1}`);
    expect((await rotate(refreshTokens, `${id}.${s1}`)).token).to.equal(next.token);
  });

  it('re-issues a sibling to the previous token of a family rotated before tokens were derived', async () => {
    const { clock, store, refreshTokens } = setup();
    const id = refreshTokens.newFamilyId();
    const [s0, s1] = [secret(), secret()];
    await store.set(`family:${id}`, legacy(family({ id, clientId: CLIENT, current: [secretHash(s1)], previous: secretHash(s0), previousValidUntil: clock.now() + 1000 })));
    const sibling = await rotate(refreshTokens, `${id}.${s0}`);
    expect(sibling.family.current).to.have.length(2);
    // Both answers work: whichever Alexa kept is redeemed, and the window of the previous token did not move.
    expect((await refreshTokens.findLive(`${id}.${s1}`))?.id).to.equal(id);
    expect((await refreshTokens.get(id))?.previousValidUntil).to.equal(clock.now() + 1000);
    await rotate(refreshTokens, sibling.token);
    clock.advance(1001);
    expect((await rotate(refreshTokens, `${id}.${s0}`).catch((error: Error) => error) as Error).message).to.include('already used');
  });
});
