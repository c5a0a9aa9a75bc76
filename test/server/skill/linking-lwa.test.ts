import { expect } from 'chai';
import nock from 'nock';
import { intentRequest, launchRequest, postToSkill, speechOf } from '../../support/alexa-requests';
import { allowOnlyLoopback, restoreNetwork } from '../../support/alexa-signing';
import type { TestService } from '../../support/service';
import { startSkillService } from './skill-test-kit';

const LWA = 'https://api.amazon.com';
const TOKEN = 'Atza|IwEBIExampleLwaAccessTokenForTests0123456789';
const PROFILE = { user_id: 'amzn1.account.AGF7EXAMPLEUSER', name: 'Jordan Rivers', email: 'jordan@example.com' };

describe('skill: linking with Login with Amazon', () => {
  let service: TestService;
  beforeEach(async () => {
    allowOnlyLoopback();
    service = await startSkillService({ SKILL_LINKING_PROVIDER: 'lwa', AMAZON_TIMEOUT_MS: '300' });
  });
  afterEach(async () => {
    await service.close();
    restoreNetwork();
  });

  function profileReply(token = TOKEN) {
    return nock(LWA).get('/user/profile').matchHeader('authorization', `Bearer ${token}`);
  }

  /** A token that no longer resolves: the LinkAccount card, even with voice-forward on. */
  function expectLinkCard(answer: Awaited<ReturnType<typeof orderRide>>): void {
    expect(answer.body.response?.card).to.deep.equal({ type: 'LinkAccount' });
    expect(answer.body.response?.directives).to.equal(undefined);
    expect(speechOf(answer)).to.match(/^To order a ride, Ride Hailer needs to know who you are/);
  }

  function orderRide(accessToken?: string) {
    return postToSkill(service.url, intentRequest('OrderRideIntent', {}, { clock: service.clock, ...(accessToken ? { accessToken } : {}) }));
  }

  it('resolves the token through the LWA profile API and creates the local account on first sight', async () => {
    const scope = profileReply().reply(200, PROFILE);
    const answer = await orderRide(TOKEN);
    expect(speechOf(answer)).to.match(/^Okay Jordan Rivers, your ride is booked\./);
    expect(scope.isDone()).to.equal(true);
    // Asking the directory again finds the account the skill created (a fresh one would be named "there").
    const account = await service.services.accounts.findOrCreateExternal('lwa', PROFILE.user_id, {});
    expect(account.displayName).to.equal('Jordan Rivers');
    expect(account.external).to.deep.equal({ provider: 'lwa', subject: PROFILE.user_id, email: PROFILE.email });
  });

  it('reuses the profile for the token for up to an hour, then asks LWA again', async () => {
    const scope = profileReply().once().reply(200, PROFILE);
    await orderRide(TOKEN);
    expect(speechOf(await orderRide(TOKEN))).to.match(/^Okay Jordan Rivers/);
    expect(scope.isDone()).to.equal(true);
    service.clock.advance(3_600_001);
    const again = profileReply().once().reply(401, { error: 'invalid_token', error_description: 'The access token has expired' });
    const answer = await orderRide(TOKEN);
    expectLinkCard(answer);
    expect(again.isDone()).to.equal(true);
  });

  it('maps the same Amazon user to the same account for a new token', async () => {
    profileReply().reply(200, PROFILE);
    profileReply('Atza|SecondToken').reply(200, PROFILE);
    await orderRide(TOKEN);
    await orderRide('Atza|SecondToken');
    const mappedUsers = service.logs.events('skill.ride_ordered').map((line) => line.userId);
    expect(mappedUsers).to.have.length(2);
    expect(mappedUsers[0]).to.be.a('string').and.equal(mappedUsers[1]);
  });

  it('treats a token LWA rejects as not linked (the card: Alexa thinks it is linked, so voice-forward does not apply)', async () => {
    profileReply().reply(400, { error: 'invalid_token' });
    const answer = await orderRide(TOKEN);
    expectLinkCard(answer);
    expect(service.logs.events('skill.token_not_linked').at(-1)?.reason).to.equal('LWA profile API refused the token (HTTP 400)');
  });

  it('apologises (never a 500) when LWA fails', async () => {
    profileReply().reply(503, 'Service Unavailable');
    const answer = await orderRide(TOKEN);
    expect(answer.status).to.equal(200);
    expect(speechOf(answer)).to.equal('Sorry, Ride Hailer is having trouble right now. Please try again in a few minutes.');
    expect(answer.body.response?.shouldEndSession).to.equal(true);
    expect(service.logs.events('skill.failed').at(-1)?.reason).to.match(/LWA profile API answered HTTP 503/);
  });

  it('apologises when LWA does not answer within AMAZON_TIMEOUT_MS', async () => {
    profileReply().delay(3000).reply(200, PROFILE);
    const started = Date.now();
    const answer = await orderRide(TOKEN);
    expect(Date.now() - started).to.be.below(2500);
    expect(speechOf(answer)).to.match(/^Sorry, Ride Hailer is having trouble/);
    expect(service.logs.events('skill.failed').at(-1)?.reason).to.match(/unreachable \(ECONNABORTED\)/);
  });

  it('apologises when LWA answers without a user id', async () => {
    profileReply().reply(200, { name: 'No Id' });
    expect(speechOf(await orderRide(TOKEN))).to.match(/^Sorry, Ride Hailer is having trouble/);
  });

  it('starts voice-forward linking for an unlinked user who orders (no token at all)', async () => {
    const answer = await orderRide();
    expect(speechOf(answer)).to.equal('To order a ride, you first need to link your Ride Hailer account.');
    expect(answer.body.response?.directives?.[0]?.type).to.equal('Connections.StartConnection');
  });

  it('offers voice-forward linking by default, since LWA is the provider', async () => {
    const answer = await postToSkill(service.url, intentRequest('LinkAccountIntent', {}, { clock: service.clock }));
    expect(speechOf(answer)).to.equal('Okay, let&apos;s link your Ride Hailer account.');
    const directive = answer.body.response?.directives?.[0];
    expect(directive).to.deep.include({
      type: 'Connections.StartConnection',
      uri: 'connection://AMAZON.AskForAccountLinking/1',
      input: { '@type': 'AskForAccountLinking', '@version': '1' },
      onCompletion: 'RESUME_SESSION',
    });
    expect(directive?.token).to.be.a('string');
    expect(answer.body.response?.shouldEndSession).to.equal(undefined);
    expect(answer.body.response?.card).to.equal(undefined);
  });

  it('keeps public requests off the provider: launch without a token never calls LWA', async () => {
    const answer = await postToSkill(service.url, launchRequest({ clock: service.clock }));
    expect(speechOf(answer)).to.match(/^Welcome to Ride Hailer\./);
    expect(nock.pendingMocks()).to.deep.equal([]);
  });

  it('never logs the LWA token', async () => {
    profileReply().reply(401, {});
    await orderRide(TOKEN);
    expect(service.logs.raw.join('\n')).not.to.contain('IwEBIExampleLwaAccessToken');
  });
});

describe('skill: LWA provider with voice-forward switched off', () => {
  let service: TestService;
  beforeEach(async () => {
    service = await startSkillService({ SKILL_LINKING_PROVIDER: 'lwa', SKILL_VOICE_FORWARD: 'false' });
  });
  afterEach(async () => service.close());

  it('goes straight to the LinkAccount card', async () => {
    const answer = await postToSkill(service.url, intentRequest('LinkAccountIntent', {}, { clock: service.clock }));
    expect(answer.body.response?.card).to.deep.equal({ type: 'LinkAccount' });
    expect(answer.body.response?.directives).to.equal(undefined);
  });
});
