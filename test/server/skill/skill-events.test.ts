import { expect } from 'chai';
import { alexaUserId, intentRequest, postToSkill, skillEvent, speechOf } from '../../support/alexa-requests';
import type { TestService } from '../../support/service';
import { linkRider, startSkillService } from './skill-test-kit';

describe('skill: lifecycle events', () => {
  let service: TestService;
  beforeEach(async () => {
    service = await startSkillService();
  });
  afterEach(async () => service.close());

  const event = (type: string, body: Record<string, unknown> | undefined, userId: string, accessToken?: string) =>
    postToSkill(service.url, skillEvent(type, body, { clock: service.clock, userId, ...(accessToken ? { accessToken } : {}) }));

  async function familyRevoked(familyId: string): Promise<boolean> {
    return (await service.services.refreshTokens.get(familyId))?.revokedAt !== undefined;
  }

  it('SkillAccountLinked records the user; a later SkillDisabled without a token revokes their grants', async () => {
    const rider = await linkRider(service, 'Sam');
    const alexaUser = alexaUserId('linked-then-disabled');
    const linked = await event('AlexaSkillEvent.SkillAccountLinked', { accessToken: rider.accessToken }, alexaUser);
    expect(linked.status).to.equal(200);
    expect(linked.body.response).to.deep.equal({});
    expect(service.logs.events('skill.account_linked').at(-1)?.userId).to.equal(rider.account.id);

    const disabled = await event('AlexaSkillEvent.SkillDisabled', { userInformationPersistenceStatus: 'NOT_PERSISTED' }, alexaUser);
    expect(disabled.status).to.equal(200);
    expect(await familyRevoked(rider.familyId)).to.equal(true);
    expect(service.logs.events('skill.disabled').at(-1)).to.include({ userId: rider.account.id, grants: 1 });

    // The revoked access token stops working at once in this process (its revocation cache was cleared).
    const order = await postToSkill(service.url, intentRequest('OrderRideIntent', {}, { clock: service.clock, accessToken: rider.accessToken }));
    expect(order.body.response?.card).to.deep.equal({ type: 'LinkAccount' });
  });

  it('learns the mapping from an ordinary request with a valid token', async () => {
    const rider = await linkRider(service, 'Sam');
    const alexaUser = alexaUserId('ordinary-request');
    const order = await postToSkill(service.url, intentRequest('OrderRideIntent', {}, { clock: service.clock, accessToken: rider.accessToken, userId: alexaUser }));
    expect(speechOf(order)).to.match(/^Okay Sam/);
    await event('AlexaSkillEvent.SkillDisabled', undefined, alexaUser);
    expect(await familyRevoked(rider.familyId)).to.equal(true);
  });

  it('revokes through the event token when no mapping was recorded', async () => {
    const rider = await linkRider(service, 'Sam');
    await event('AlexaSkillEvent.SkillDisabled', undefined, alexaUserId('never-seen'), rider.accessToken);
    expect(await familyRevoked(rider.familyId)).to.equal(true);
  });

  it('leaves other users alone and forgets the mapping once revoked', async () => {
    const sam = await linkRider(service, 'Sam');
    const kim = await linkRider(service, 'Kim');
    const samAlexa = alexaUserId('sam');
    await event('AlexaSkillEvent.SkillAccountLinked', { accessToken: sam.accessToken }, samAlexa);
    await event('AlexaSkillEvent.SkillAccountLinked', { accessToken: kim.accessToken }, alexaUserId('kim'));
    await event('AlexaSkillEvent.SkillDisabled', undefined, samAlexa);
    expect(await familyRevoked(sam.familyId)).to.equal(true);
    expect(await familyRevoked(kim.familyId)).to.equal(false);
    await event('AlexaSkillEvent.SkillDisabled', undefined, samAlexa);
    expect(service.logs.events('skill.disabled_unknown_user')).to.have.length(1);
  });

  it('revokes only the grants Alexa holds: the user stays signed in to the company app', async () => {
    const rider = await linkRider(service, 'Sam');
    const { refreshTokens, revocations } = service.services;
    const app = await refreshTokens.issue({ userId: rider.account.id, clientId: 'company-app', scope: 'profile' });
    await event('AlexaSkillEvent.SkillDisabled', undefined, alexaUserId('app-user'), rider.accessToken);
    expect(await familyRevoked(rider.familyId)).to.equal(true);
    expect(await familyRevoked(app.family.id)).to.equal(false);
    expect(await revocations.isRevoked({ sid: app.family.id })).to.equal(false);
    expect(service.logs.events('skill.disabled').at(-1)).to.include({ userId: rider.account.id, grants: 1 });
  });

  it('acknowledges SkillDisabled for a user it never knew', async () => {
    const answer = await event('AlexaSkillEvent.SkillDisabled', undefined, alexaUserId('stranger'));
    expect(answer.status).to.equal(200);
    expect(answer.body).to.deep.include({ version: '1.0', response: {} });
    expect(service.logs.events('skill.disabled_unknown_user')).to.have.length(1);
  });

  it('logs an account-linked event whose token is unusable, without failing', async () => {
    const answer = await event('AlexaSkillEvent.SkillAccountLinked', { accessToken: 'forged.token.here' }, alexaUserId('forger'));
    expect(answer.status).to.equal(200);
    expect(service.logs.events('skill.account_linked_unresolved')).to.have.length(1);
  });

  it('acknowledges the other lifecycle events', async () => {
    for (const type of ['AlexaSkillEvent.SkillEnabled', 'AlexaSkillEvent.SkillPermissionAccepted', 'AlexaSkillEvent.SkillPermissionChanged']) {
      const answer = await event(type, {}, alexaUserId('lifecycle'));
      expect(answer.status, type).to.equal(200);
      expect(answer.body.response, type).to.deep.equal({});
    }
    expect(service.logs.events('skill.lifecycle_event').map((line) => line.type)).to.have.length(3);
  });
});

describe('skill: person-level links in the service (Redis)', function () {
  this.timeout(30_000);
  let service: TestService;
  before(async () => {
    service = await startSkillService({}, { store: 'redis' });
  });
  after(async () => service.close());

  it('orders for the recognized person with their own token, refuses a person without one, and SkillDisabled revokes account and persons', async () => {
    const owner = await linkRider(service, 'Owner');
    const kid = await linkRider(service, 'Kid');
    const household = alexaUserId('household');
    const asPerson = (personId: string, token?: string) => {
      const envelope = intentRequest('OrderRideIntent', {}, { clock: service.clock, userId: household, accessToken: owner.accessToken }) as ReturnType<typeof intentRequest> & { context: { System: Record<string, unknown> } };
      envelope.context.System.person = { personId, ...(token ? { accessToken: token } : {}) };
      return postToSkill(service.url, envelope);
    };
    expect(speechOf(await asPerson('amzn1.ask.person.KID', kid.accessToken))).to.match(/^Okay Kid/);
    expect((await asPerson('amzn1.ask.person.GUEST')).body.response?.card).to.deep.equal({ type: 'LinkAccount' });
    expect(speechOf(await postToSkill(service.url, intentRequest('OrderRideIntent', {}, { clock: service.clock, userId: household, accessToken: owner.accessToken })))).to.match(/^Okay Owner/);

    await postToSkill(service.url, skillEvent('AlexaSkillEvent.SkillDisabled', undefined, { clock: service.clock, userId: household }));
    for (const rider of [owner, kid]) expect((await service.services.refreshTokens.get(rider.familyId))?.revokedAt).to.not.equal(undefined);
    expect(service.logs.events('skill.disabled').map((line) => line.userId).sort()).to.deep.equal([owner.account.id, kid.account.id].sort());
  });
});
