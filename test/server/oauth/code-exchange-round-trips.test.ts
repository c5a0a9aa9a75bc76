import { expect } from 'chai';
import { ManualClock } from '../../../server/clock';
import type { Store } from '../../../server/store';
import { RoundTripStore } from '../../support/round-trip-store';
import { startTestService, type TestService } from '../../support/service';
import { TEST_CLIENT_ID } from '../../support/settings';
import { postToken } from './flow-helpers';

const REDIRECT = 'https://pitangui.amazon.com/api/skill/link/M2TESTVENDOR1';

describe('code exchange: two store round trips, the grant listed beside the family\'s write', () => {
  let service: TestService;
  let store: RoundTripStore;

  beforeEach(async () => {
    const clock = new ManualClock(Date.now());
    store = new RoundTripStore(clock);
    service = await startTestService({ store: store as Store, clock });
  });
  afterEach(async () => service.close());

  async function exchange(userId: string): Promise<{ status: number; familyId: string }> {
    const code = await service.services.codes.issue({ clientId: TEST_CLIENT_ID, redirectUri: REDIRECT, userId, scope: 'profile' });
    store.rounds = [];
    store.recording = true;
    const answer = await postToken(service, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    store.recording = false;
    const refresh = String(answer.body.refresh_token ?? '');
    return { status: answer.status, familyId: refresh.slice(0, refresh.indexOf('.')) };
  }

  it('spends the code, then writes the family and lists it in the account together; revoking the user finds it', async () => {
    const account = await service.services.accounts.create({ username: 'rider@example.com', password: 'correct horse battery' });
    const { status, familyId } = await exchange(account.id);
    expect(status).to.equal(200);
    expect(store.rounds).to.deep.equal([['getAndSet code'], ['setIfAbsent family', 'listMember account']]);
    expect(await service.services.accounts.grantsOf(account.id)).to.deep.equal([familyId]);
    expect(await service.services.revocations.revokeUser(account.id, 'account deleted')).to.equal(1);
  });

  it('lists the grant of a user without an account in their own set, in the same two round trips', async () => {
    const { status, familyId } = await exchange('no-account-user');
    expect(status).to.equal(200);
    expect(store.rounds).to.deep.equal([['getAndSet code'], ['setIfAbsent family', 'listMember account']]);
    expect(await store.members('user-families:no-account-user')).to.deep.equal([familyId]);
    expect(await service.services.refreshTokens.familiesOf('no-account-user')).to.deep.equal([familyId]);
  });

  it('checks the grants listed before, and drops only those no longer stored', async () => {
    const account = await service.services.accounts.create({ username: 'twice@example.com', password: 'correct horse battery' });
    const first = (await exchange(account.id)).familyId;
    const gone = (await exchange(account.id)).familyId;
    await store.delete(`family:${gone}`);
    const third = (await exchange(account.id)).familyId;
    expect(store.rounds.slice(0, 3)).to.deep.equal([['getAndSet code'], ['setIfAbsent family', 'listMember account'], ['get family', 'get family']]);
    expect(await service.services.accounts.grantsOf(account.id)).to.deep.equal([first, third]);
    // With nothing gone, the check is the only extra round trip.
    await exchange(account.id);
    expect(store.rounds).to.have.length(3);
  });

  it('falls back to reading the account when its record is one the store would not rewrite as it was', async () => {
    const account = await service.services.accounts.create({ username: 'quote@example.com', password: 'correct horse battery' });
    const raw = (await store.get(`account:${account.id}`)) as string;
    // A display name with a quote in it: JSON escapes it, and the one-step listing leaves such records alone.
    const record = JSON.parse(raw) as unknown[];
    record[1] = 'The "Rider"';
    await store.set(`account:${account.id}`, JSON.stringify(record));
    const { status, familyId } = await exchange(account.id);
    expect(status).to.equal(200);
    expect(store.rounds.flat()).to.include.members(['get account', 'compareAndSet account']);
    expect(await service.services.accounts.grantsOf(account.id)).to.deep.equal([familyId]);
    expect((await service.services.accounts.get(account.id))?.displayName).to.equal('The "Rider"');
  });
});
