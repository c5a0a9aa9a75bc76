import { expect } from 'chai';
import { ManualClock } from '../../../server/clock';
import { AuthorizationCodes } from '../../../server/oauth/codes';
import { MemoryStore } from '../../../server/store/memory';

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
