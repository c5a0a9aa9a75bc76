import { expect } from 'chai';
import { decodeConnectionToken, encodeConnectionToken } from '../../../kit/ask-sdk';
import { intentRequest, launchRequest, postToSkill, sessionResumedRequest, speechOf, type SkillAnswer } from '../../support/alexa-requests';
import type { TestService } from '../../support/service';
import { linkRider, startSkillService } from './skill-test-kit';

const START_CONNECTION = {
  type: 'Connections.StartConnection',
  uri: 'connection://AMAZON.AskForAccountLinking/1',
  input: { '@type': 'AskForAccountLinking', '@version': '1' },
  onCompletion: 'RESUME_SESSION',
};

function startConnectionOf(answer: SkillAnswer): Record<string, unknown> {
  const directives = answer.body.response?.directives ?? [];
  expect(directives).to.have.length(1);
  const directive = directives[0] as Record<string, unknown>;
  expect(directive).to.deep.include(START_CONNECTION);
  expect(answer.body.response?.shouldEndSession, 'the session must stay with Alexa for the linking task').to.equal(undefined);
  return directive;
}

function expectLinkCard(answer: SkillAnswer, speech: RegExp): void {
  expect(answer.status).to.equal(200);
  expect(answer.body.response?.card).to.deep.equal({ type: 'LinkAccount' });
  expect(answer.body.response?.shouldEndSession).to.equal(true);
  expect(answer.body.response?.directives).to.equal(undefined);
  expect(speechOf(answer)).to.match(speech);
}

describe('skill: voice-forward account linking', () => {
  let service: TestService;
  beforeEach(async () => {
    service = await startSkillService({ SKILL_VOICE_FORWARD: 'true' });
  });
  afterEach(async () => service.close());

  const resumed = (outcome: Parameters<typeof sessionResumedRequest>[0], accessToken?: string) =>
    postToSkill(service.url, sessionResumedRequest(outcome, { clock: service.clock, ...(accessToken ? { accessToken } : {}) }));

  it('"link my account" speaks, then hands over with Connections.StartConnection and a token of ours', async () => {
    const answer = await postToSkill(service.url, intentRequest('LinkAccountIntent', {}, { clock: service.clock }));
    expect(speechOf(answer)).to.equal('Okay, let&apos;s link your Ride Hailer account.');
    const directive = startConnectionOf(answer);
    expect(decodeConnectionToken(directive.token)).to.deep.equal({ then: 'welcome' });
  });

  it('ordering without a linked account starts linking and remembers the ride', async () => {
    const answer = await postToSkill(service.url, intentRequest('OrderRideIntent', { destination: 'Boston' }, { clock: service.clock }));
    expect(speechOf(answer)).to.equal('To order a ride, you first need to link your Ride Hailer account.');
    expect(decodeConnectionToken(startConnectionOf(answer).token)).to.deep.equal({ then: 'order', destination: 'Boston' });
  });

  it('LINKED: carries on with the ride the user wanted, using the new token', async () => {
    const rider = await linkRider(service, 'Sam');
    const answer = await resumed({ token: encodeConnectionToken({ then: 'order', destination: 'Boston' }), status: 'LINKED' }, rider.accessToken);
    expect(speechOf(answer)).to.match(/^Thanks, your Ride Hailer account is now linked\. Okay Sam, your ride to Boston is booked\./);
    expect(answer.body.response?.shouldEndSession).to.equal(true);
  });

  it('LINKED before the token arrives: asks to go on, and "yes" orders once the token is there', async () => {
    const answer = await resumed({ token: encodeConnectionToken({ then: 'order', destination: 'Boston' }), status: 'LINKED' });
    expect(speechOf(answer)).to.equal('Thanks, your Ride Hailer account is now linked. Shall I order your ride now?');
    expect(answer.body.response?.shouldEndSession).to.equal(false);
    expect(answer.body.sessionAttributes).to.deep.equal({ offer: 'order', destination: 'Boston' });
    const rider = await linkRider(service, 'Sam');
    const yes = await postToSkill(
      service.url,
      intentRequest('AMAZON.YesIntent', {}, { clock: service.clock, accessToken: rider.accessToken, sessionAttributes: answer.body.sessionAttributes ?? {} }),
    );
    expect(speechOf(yes)).to.match(/^Okay Sam, your ride to Boston is booked\./);
  });

  it('LINKED with nothing pending: confirms and asks what next', async () => {
    const answer = await resumed({ token: encodeConnectionToken({ then: 'welcome' }), status: 'LINKED' });
    expect(speechOf(answer)).to.match(/^Thanks, your Ride Hailer account is now linked\. You can order a ride whenever you like\./);
    expect(answer.body.response?.shouldEndSession).to.equal(false);
  });

  it('DENIED: no card, no pressure; the unlinked features stay on offer', async () => {
    const answer = await resumed({ token: encodeConnectionToken({ then: 'order' }), status: 'DENIED' });
    expect(speechOf(answer)).to.equal('No problem. You can still ask whether rides are available in your city. What would you like to do?');
    expect(answer.body.response?.card).to.equal(undefined);
    expect(answer.body.response?.shouldEndSession).to.equal(false);
  });

  it('USER_REQUIREMENTS_NOT_MET: falls back to the LinkAccount card', async () => {
    expectLinkCard(await resumed({ token: encodeConnectionToken({ then: 'order' }), status: 'USER_REQUIREMENTS_NOT_MET' }), /^To order a ride, Ride Hailer needs to know who you are/);
    expectLinkCard(await resumed({ token: encodeConnectionToken({ then: 'welcome' }), status: 'USER_REQUIREMENTS_NOT_MET' }), /^I&apos;ve sent instructions for linking/);
  });

  it('any non-200 status falls back to the card, whatever the result says', async () => {
    for (const code of ['400', '403', '500', '']) {
      expectLinkCard(await resumed({ token: encodeConnectionToken({ then: 'order' }), code, message: 'failed', status: 'LINKED' }), /^To order a ride/);
    }
    const codes = service.logs.events('skill.voice_link_result').map((line) => line.statusCode);
    expect(codes).to.deep.equal(['400', '403', '500', '']);
  });

  it('an unknown result, a missing result, a foreign token or another cause type fall back to the card, never an error', async () => {
    const ours = encodeConnectionToken({ then: 'welcome' });
    for (const outcome of [
      { token: ours, status: 'ACCEPTED' },
      { token: ours },
      { token: 'someone-elses-token', status: 'LINKED' },
      { token: undefined, status: 'LINKED' },
      { token: ours, status: 'LINKED', causeType: 'SomethingElse' },
      { token: `linkwright.link.v1.${Buffer.from('{"then":"fly"}').toString('base64url')}`, status: 'LINKED' },
    ]) {
      expectLinkCard(await resumed(outcome), /sent instructions/);
    }
    expect(service.logs.events('skill.failed')).to.have.length(0);
  });
});

describe('skill: linking offered at launch', () => {
  let service: TestService;
  afterEach(async () => service.close());

  it('with voice-forward: asks first; "yes" starts linking, "no" carries on unlinked', async () => {
    service = await startSkillService({ SKILL_VOICE_FORWARD: 'true', SKILL_LINK_AT_LAUNCH: 'true' });
    const launch = await postToSkill(service.url, launchRequest({ clock: service.clock }));
    expect(speechOf(launch)).to.equal('Welcome to Ride Hailer. To order rides, you&apos;ll need to link your Ride Hailer account. Would you like to link it now?');
    expect(launch.body.response?.directives).to.equal(undefined);
    expect(launch.body.sessionAttributes).to.deep.equal({ offer: 'link' });
    const attributes = launch.body.sessionAttributes ?? {};
    const yes = await postToSkill(service.url, intentRequest('AMAZON.YesIntent', {}, { clock: service.clock, sessionAttributes: attributes }));
    expect(decodeConnectionToken(startConnectionOf(yes).token)).to.deep.equal({ then: 'welcome' });
    const no = await postToSkill(service.url, intentRequest('AMAZON.NoIntent', {}, { clock: service.clock, sessionAttributes: attributes }));
    expect(speechOf(no)).to.match(/^No problem\./);
    expect(no.body.response?.shouldEndSession).to.equal(false);
  });

  it('without voice-forward: welcomes, attaches the LinkAccount card, and keeps listening', async () => {
    service = await startSkillService({ SKILL_LINK_AT_LAUNCH: 'true' });
    const launch = await postToSkill(service.url, launchRequest({ clock: service.clock }));
    expect(speechOf(launch)).to.match(/^Welcome to Ride Hailer\. To order rides, link your Ride Hailer account\. I&apos;ve sent instructions to the Alexa app\./);
    expect(launch.body.response?.card).to.deep.equal({ type: 'LinkAccount' });
    expect(launch.body.response?.shouldEndSession).to.equal(false);
  });

  it('is off by default: a plain welcome, no card', async () => {
    service = await startSkillService();
    const launch = await postToSkill(service.url, launchRequest({ clock: service.clock }));
    expect(speechOf(launch)).to.match(/^Welcome to Ride Hailer\. You can ask whether rides are available/);
    expect(launch.body.response?.card).to.equal(undefined);
  });
});

describe('skill: voice-forward with a token that no longer resolves', () => {
  let service: TestService;
  beforeEach(async () => {
    service = await startSkillService({ SKILL_VOICE_FORWARD: 'true' });
  });
  afterEach(async () => service.close());

  it('sends the LinkAccount card instead of starting voice-forward linking', async () => {
    const rider = await linkRider(service, 'Sam');
    await service.services.revocations.revokeFamily(rider.familyId, 'user unlinked on the website');
    for (const intent of ['OrderRideIntent', 'LinkAccountIntent']) {
      const answer = await postToSkill(service.url, intentRequest(intent, {}, { clock: service.clock, accessToken: rider.accessToken }));
      expectLinkCard(answer, /Ride Hailer/);
    }
  });
});
