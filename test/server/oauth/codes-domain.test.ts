import { expect } from 'chai';
import { ManualClock } from '../../../server/clock';
import { AuthorizationCodes } from '../../../server/oauth/codes';
import { MemoryStore } from '../../../server/store/memory';

/** A memory store that runs a hook once, just before the next compare-and-set: a deterministic interleaving. */
class InterleavingStore extends MemoryStore {
  beforeNextCompareAndSet: (() => Promise<void>) | undefined;

  override async compareAndSet(key: string, expected: string | null, next: string | null, ttlMs?: number): Promise<boolean> {
    const hook = this.beforeNextCompareAndSet;
    this.beforeNextCompareAndSet = undefined;
    if (hook) await hook();
    return super.compareAndSet(key, expected, next, ttlMs);
  }
}

describe('AuthorizationCodes: a replay that lands while the first redemption is still minting tokens', () => {
  it('refuses the replay, lets the redemption finish, and revokes what it minted', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore(clock);
    const revoked: Array<{ familyId: string; reason: string }> = [];
    const codes = new AuthorizationCodes(store, clock, 120, async (familyId, reason) => {
      revoked.push({ familyId, reason });
    });
    const grant = { clientId: 'c', redirectUri: 'https://r.example/cb', userId: 'u', scope: 'profile' };
    const code = await codes.issue(grant);
    const request = { clientId: 'c', redirectUri: 'https://r.example/cb', codeVerifier: undefined };

    // The first redemption wins the code...
    expect(await codes.redeem(code, request)).to.include({ userId: 'u' });
    // ...a replay arrives before it has recorded its refresh family...
    let replayError: unknown;
    await codes.redeem(code, request).catch((error: unknown) => (replayError = error));
    expect((replayError as Error).message).to.include('already used');
    expect(revoked).to.deep.equal([]); // nothing recorded yet to revoke
    // ...and when the first records its family, that family is revoked without failing the request.
    await codes.recordIssued(code, 'family-1');
    expect(revoked).to.deep.equal([{ familyId: 'family-1', reason: 'authorization code replayed during redemption' }]);
    // A later replay still finds the family and revokes it again (idempotently).
    await codes.redeem(code, request).catch(() => undefined);
    expect(revoked.map((r) => r.familyId)).to.deep.equal(['family-1', 'family-1']);
    await store.close();
  });
});

describe('AuthorizationCodes: a replay that read the spent marker just before the redemption recorded its family', () => {
  it('re-reads the marker and revokes the family the redemption recorded in between', async () => {
    const clock = new ManualClock();
    const store = new InterleavingStore(clock);
    const revoked: string[] = [];
    const codes = new AuthorizationCodes(store, clock, 120, async (familyId) => {
      revoked.push(familyId);
    });
    const request = { clientId: 'c', redirectUri: 'https://r.example/cb', codeVerifier: undefined };
    const code = await codes.issue({ clientId: 'c', redirectUri: 'https://r.example/cb', userId: 'u', scope: 'profile' });
    await codes.redeem(code, request);

    // The replay reads the bare marker; before it writes "replayed", the first redemption records its family.
    store.beforeNextCompareAndSet = () => codes.recordIssued(code, 'family-2');
    let replayError: unknown;
    await codes.redeem(code, request).catch((error: unknown) => (replayError = error));
    expect((replayError as Error).message).to.include('already used');
    expect(revoked).to.deep.equal(['family-2']);
    await store.close();
  });
});
