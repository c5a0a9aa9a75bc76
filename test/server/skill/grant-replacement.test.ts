import { expect } from 'chai';
import { sha256 } from '../../../server/crypto-utils';
import { packId } from '../../../server/store/packed-id';
import type { RequestEnvelope } from 'ask-sdk-model';
import { alexaUserId, launchRequest, postToSkill, skillEvent, speechOf } from '../../support/alexa-requests';
import type { TestService } from '../../support/service';
import { TEST_CLIENT_ID } from '../../support/settings';
import { postToken } from '../oauth/flow-helpers';
import { linkRider, startSkillService } from './skill-test-kit';

describe('skill: a new link of an Alexa account revokes the grant it replaces', () => {
  let service: TestService;
  beforeEach(async () => {
    service = await startSkillService();
  });
  afterEach(async () => service.close());

  /** A new grant (refresh family) for the same company account, as linking again produces. */
  async function relink(userId: string): Promise<{ familyId: string; accessToken: string; refreshToken: string }> {
    service.clock.advance(60_000);
    const { refreshTokens, accessTokens } = service.services;
    const { family, token } = await refreshTokens.issue({ userId, clientId: TEST_CLIENT_ID, scope: 'profile' });
    return { familyId: family.id, refreshToken: token, accessToken: accessTokens.sign({ userId, clientId: TEST_CLIENT_ID, scope: 'profile', familyId: family.id }).token };
  }
  const live = async (familyId: string) => (await service.services.refreshTokens.get(familyId))?.revokedAt === undefined;
  const launch = (accessToken: string, userId: string, person?: { personId: string; accessToken: string }) => {
    const envelope = launchRequest({ clock: service.clock, accessToken, userId }) as RequestEnvelope & { context: { System: { person?: unknown } } };
    if (person) envelope.context.System.person = person;
    return postToSkill(service.url, envelope);
  };

  it('linking the same Alexa account 10 times leaves one live grant; the earlier refresh tokens are refused', async () => {
    const rider = await linkRider(service, 'Sam');
    const alexa = alexaUserId('relinker');
    expect(speechOf(await launch(rider.accessToken, alexa))).to.match(/Sam/);
    const grants = [{ familyId: rider.familyId, refreshToken: '' }];
    for (let n = 0; n < 10; n += 1) {
      const next = await relink(rider.account.id);
      expect(speechOf(await launch(next.accessToken, alexa))).to.match(/Sam/);
      grants.push(next);
    }
    const states = await Promise.all(grants.map((g) => live(g.familyId)));
    expect(states).to.deep.equal([...Array<boolean>(10).fill(false), true]);
    const stale = await postToken(service, { grant_type: 'refresh_token', refresh_token: grants[5]?.refreshToken });
    expect([stale.status, stale.body.error]).to.deep.equal([400, 'invalid_grant']);
    const current = await postToken(service, { grant_type: 'refresh_token', refresh_token: grants[10]?.refreshToken });
    expect(current.status).to.equal(200);
  });

  it('a request still carrying the earlier grant revokes that earlier grant, never the newer one', async () => {
    const rider = await linkRider(service, 'Sam');
    const alexa = alexaUserId('late-token');
    const newer = await relink(rider.account.id);
    await launch(newer.accessToken, alexa);
    await launch(rider.accessToken, alexa);
    expect(await live(newer.familyId)).to.equal(true);
    expect(await live(rider.familyId)).to.equal(false);
    // And the record still names the newer grant: a third grant replaces it, not the older one.
    const third = await relink(rider.account.id);
    await launch(third.accessToken, alexa);
    expect(await live(newer.familyId)).to.equal(false);
    expect(await live(third.familyId)).to.equal(true);
  });

  it('two Amazon accounts linked to one company account both keep working', async () => {
    const rider = await linkRider(service, 'Sam');
    const second = await relink(rider.account.id);
    expect(speechOf(await launch(rider.accessToken, alexaUserId('echo-at-home')))).to.match(/Sam/);
    expect(speechOf(await launch(second.accessToken, alexaUserId('echo-at-work')))).to.match(/Sam/);
    expect(await live(rider.familyId)).to.equal(true);
    expect(await live(second.familyId)).to.equal(true);
  });

  it('works per person: a recognized speaker linking again replaces only their own earlier grant', async () => {
    const owner = await linkRider(service, 'Sam');
    const kid = await linkRider(service, 'Kim');
    const alexa = alexaUserId('household');
    const personId = 'amzn1.ask.person.KIM';
    await launch(owner.accessToken, alexa);
    await launch(owner.accessToken, alexa, { personId, accessToken: kid.accessToken });
    const kidAgain = await relink(kid.account.id);
    await launch(owner.accessToken, alexa, { personId, accessToken: kidAgain.accessToken });
    expect(await live(kid.familyId)).to.equal(false);
    expect(await live(kidAgain.familyId)).to.equal(true);
    expect(await live(owner.familyId)).to.equal(true);
  });

  it('SkillAccountLinked with a new grant replaces the earlier one too', async () => {
    const rider = await linkRider(service, 'Sam');
    const alexa = alexaUserId('event-linker');
    await postToSkill(service.url, skillEvent('AlexaSkillEvent.SkillAccountLinked', { accessToken: rider.accessToken }, { clock: service.clock, userId: alexa }));
    const next = await relink(rider.account.id);
    await postToSkill(service.url, skillEvent('AlexaSkillEvent.SkillAccountLinked', { accessToken: next.accessToken }, { clock: service.clock, userId: alexa }));
    expect(await live(rider.familyId)).to.equal(false);
    expect(await live(next.familyId)).to.equal(true);
  });

  it('mappings and the user\'s family set expire with what they point at (the refresh idle TTL)', async () => {
    const rider = await linkRider(service, 'Sam');
    const alexa = alexaUserId('forgotten');
    await launch(rider.accessToken, alexa);
    const { refreshTokens } = service.services;
    expect(await refreshTokens.familiesOf(rider.account.id)).to.deep.equal([rider.familyId]);
    const mapping = `skill-user:${sha256(alexa)}`;
    // The grant, then the user's id packed: 44 characters, kept inside the key's own allocation.
    expect(await service.store.get(mapping)).to.equal(`${rider.familyId}${packId(rider.account.id)}`);
    service.clock.advance(service.services.settings.oauth.refreshIdleTtlSec * 1000 + 2 * 86_400_000);
    expect(await refreshTokens.get(rider.familyId)).to.equal(undefined);
    expect(await refreshTokens.familiesOf(rider.account.id)).to.deep.equal([]);
    expect(await service.store.get(mapping)).to.equal(null);
  });
});
