import { expect } from 'chai';
import { ManualClock } from '../../../server/clock';
import type { Store } from '../../../server/store';
import { RoundTripStore } from '../../support/round-trip-store';
import { alexaUserId, launchRequest, postToSkill, speechOf } from '../../support/alexa-requests';
import type { TestService } from '../../support/service';
import { TEST_CLIENT_ID } from '../../support/settings';
import { linkRider, startSkillService } from './skill-test-kit';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('skill: a token this process has not seen costs one store round trip, two for a new link', () => {
  let service: TestService;
  let store: RoundTripStore;

  beforeEach(async () => {
    const clock = new ManualClock(Date.now());
    store = new RoundTripStore(clock);
    service = await startSkillService({}, { store: store as Store, clock });
  });
  afterEach(async () => service.close());

  it('reads the revocation marker and the account in one round trip, then records the Alexa user, and greets by name', async () => {
    const rider = await linkRider(service, 'Priya');
    store.recording = true;
    const answer = await postToSkill(service.url, launchRequest({ clock: service.clock, accessToken: rider.accessToken, userId: alexaUserId('priya') }));
    store.recording = false;
    expect(answer.status).to.equal(200);
    expect(speechOf(answer)).to.contain('Priya');
    expect(store.rounds).to.deep.equal([['getWithTtl skill-user', 'get revoked-sid', 'get account'], ['getAndSet skill-user']]);
  });

  /** A linked rider who has spoken once, and the next token of the same grant `laterMs` on. */
  async function spokenOnce(laterMs: number): Promise<{ envelope: (accessToken: string) => ReturnType<typeof launchRequest>; next: string }> {
    const rider = await linkRider(service, 'Priya');
    const envelope = (accessToken: string) => launchRequest({ clock: service.clock, accessToken, userId: alexaUserId('priya') });
    await postToSkill(service.url, envelope(rider.accessToken));
    service.clock.advance(laterMs);
    const next = service.services.accessTokens.sign({ userId: rider.account.id, clientId: TEST_CLIENT_ID, scope: 'profile', familyId: rider.familyId }).token;
    return { envelope, next };
  }

  it('reads the recorded Alexa user with them, and writes nothing more when the link is the one recorded', async () => {
    // An hour on: the next hourly token of the same grant, long after this process's own memory of the link.
    const { envelope, next } = await spokenOnce(3_600_000);
    store.recording = true;
    const answer = await postToSkill(service.url, envelope(next));
    expect(speechOf(answer)).to.contain('Priya');
    expect(store.rounds).to.deep.equal([['getWithTtl skill-user', 'get revoked-sid', 'get account']]);
  });

  it('renews the recorded link once it has lived a day past its renewal, and reads nothing for a forged token', async () => {
    const { envelope, next } = await spokenOnce(86_400_001);
    store.recording = true;
    await postToSkill(service.url, envelope(next));
    expect(store.rounds.at(-1)).to.deep.equal(['getAndSet skill-user']);
    store.rounds = [];
    const [header, payload, signature = ''] = next.split('.');
    await postToSkill(service.url, envelope(`${header}.${payload}.${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`));
    expect(store.rounds).to.deep.equal([]);
  });

  it('reads once for requests that arrive together with one new token, and records the link once', async () => {
    const rider = await linkRider(service, 'Priya');
    const envelope = () => launchRequest({ clock: service.clock, accessToken: rider.accessToken, userId: alexaUserId('priya') });
    store.recording = true;
    store.hold();
    const answers = Array.from({ length: 4 }, () => postToSkill(service.url, envelope()));
    while (service.load().inFlight < 4) await nextTurn();
    // Admitted requests reach the resolver within a turn or two (their body's end, then promise jobs only).
    for (let turn = 0; turn < 20; turn += 1) await nextTurn();
    store.release();
    for (const answer of await Promise.all(answers)) expect(speechOf(answer)).to.contain('Priya');
    expect(store.rounds.flat().sort()).to.deep.equal(['get account', 'get revoked-sid', 'getAndSet skill-user', 'getWithTtl skill-user']);
  });

  it('asks nothing more of the store on the next request with the same token', async () => {
    const rider = await linkRider(service, 'Priya');
    const envelope = () => launchRequest({ clock: service.clock, accessToken: rider.accessToken, userId: alexaUserId('priya') });
    await postToSkill(service.url, envelope());
    store.recording = true;
    const answer = await postToSkill(service.url, envelope());
    expect(speechOf(answer)).to.contain('Priya');
    expect(store.rounds).to.deep.equal([]);
  });

  it('refuses a revoked family although its account was read beside the check, and records no Alexa user', async () => {
    const rider = await linkRider(service, 'Priya');
    await service.services.revocations.revokeFamily(rider.familyId, 'user unlinked');
    store.recording = true;
    const answer = await postToSkill(service.url, launchRequest({ clock: service.clock, accessToken: rider.accessToken, userId: alexaUserId('priya') }));
    expect(answer.status).to.equal(200);
    expect(speechOf(answer)).not.to.contain('Priya');
    expect(store.rounds).to.deep.equal([['getWithTtl skill-user', 'get revoked-sid', 'get account']]);
  });

  it('treats a token whose account is gone as not linked, as before the name was read early', async () => {
    const rider = await linkRider(service, 'Priya');
    await store.delete(`account:${rider.account.id}`);
    const answer = await postToSkill(service.url, launchRequest({ clock: service.clock, accessToken: rider.accessToken, userId: alexaUserId('priya') }));
    expect(answer.status).to.equal(200);
    expect(speechOf(answer)).not.to.contain('Priya');
    expect(service.logs.events('skill.account_missing')).to.have.length.greaterThan(0);
  });
});
