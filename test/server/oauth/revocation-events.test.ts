import { expect } from 'chai';
import { ManualClock } from '../../../server/clock';
import { RevocationCache } from '../../../server/identity/revocation-cache';
import { createLogger } from '../../../server/log';
import { loadSettings } from '../../../server/config/settings';
import { createServices } from '../../../server/services';
import { MemoryStore } from '../../../server/store/memory';

describe('Revocations.onRevoked', () => {
  const clock = new ManualClock();
  const services = () => createServices(loadSettings({ DEMO_ACCOUNT: 'false', LOG_LEVEL: 'silent' }), { store: new MemoryStore(clock), clock, log: createLogger('silent') });

  it('announces every family revoked, after its marker is written, by each domain path', async () => {
    const { revocations, refreshTokens } = services();
    const heard: Array<{ familyId: string; reason: string; markedFirst: boolean }> = [];
    revocations.onRevoked(({ familyId, reason }) => {
      // Checked synchronously inside the listener: the marker must already be there.
      void revocations.isRevoked({ sid: familyId }).then((marked) => heard.push({ familyId, reason, markedFirst: marked }));
    });
    const a = await refreshTokens.issue({ userId: 'u1', clientId: 'alexa', scope: 'profile' });
    const b = await refreshTokens.issue({ userId: 'u1', clientId: 'alexa', scope: 'profile' });
    await revocations.revokeFamily(a.family.id, 'by the client');
    await revocations.revokeUser('u1', 'skill disabled', new Set(['alexa']));
    // Reuse detection revokes inside RefreshTokens; the event still comes from the revocation domain.
    const c = await refreshTokens.issue({ userId: 'u2', clientId: 'alexa', scope: 'profile' });
    await refreshTokens.rotate(c.token, 'alexa', () => undefined);
    clock.advance(10 * 60_000);
    await refreshTokens.rotate(c.token, 'alexa', () => undefined).catch(() => undefined);
    await new Promise((resolve) => setImmediate(resolve));
    expect(heard.map((h) => [h.familyId, h.reason])).to.deep.include.members([
      [a.family.id, 'by the client'],
      [b.family.id, 'skill disabled'],
      [c.family.id, 'refresh token reused'],
    ]);
    expect(heard.every((h) => h.markedFirst)).to.equal(true);
  });

  it('keeps revoking when a listener throws, and stops calling one that unsubscribed', async () => {
    const { revocations, refreshTokens } = services();
    let calls = 0;
    revocations.onRevoked(() => {
      throw new Error('broken subscriber');
    });
    const stop = revocations.onRevoked(() => {
      calls += 1;
    });
    const a = await refreshTokens.issue({ userId: 'u1', clientId: 'alexa', scope: 'profile' });
    await revocations.revokeFamily(a.family.id, 'first');
    expect(await revocations.isRevoked({ sid: a.family.id })).to.equal(true);
    expect(calls).to.be.greaterThan(0);
    const before = calls;
    stop();
    await revocations.revokeFamily(a.family.id, 'again');
    expect(calls).to.equal(before);
  });
});

describe('RevocationCache.forget', () => {
  it('drops the family\'s answer, and does not keep a "not revoked" read that raced the revocation', async () => {
    const clock = new ManualClock();
    let revoked = false;
    let release: (() => void) | undefined;
    const cache = new RevocationCache(
      {
        isRevoked: async () => {
          const answer = revoked;
          if (release === undefined) await new Promise<void>((resolve) => (release = resolve));
          return answer;
        },
      },
      clock,
      5000,
    );
    const claims = { sid: 'family-1', exp: Math.floor(clock.now() / 1000) + 3600 };
    const racing = cache.isRevoked(claims); // reads "not revoked", answers later
    await new Promise((resolve) => setImmediate(resolve));
    revoked = true;
    cache.forget('family-1');
    release?.();
    expect(await racing).to.equal(false);
    // The stale read was not kept: the next question is asked again and sees the revocation.
    expect(await cache.isRevoked(claims)).to.equal(true);
  });
});
