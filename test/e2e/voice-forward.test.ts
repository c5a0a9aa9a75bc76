import { expect } from 'chai';
import type { VoiceExchange } from '../../simulator';
import { startLwaLinkingWorld, type World } from './support';

const START_CONNECTION = {
  type: 'Connections.StartConnection',
  uri: 'connection://AMAZON.AskForAccountLinking/1',
  input: { '@type': 'AskForAccountLinking', '@version': '1' },
  onCompletion: 'RESUME_SESSION',
};

/** The StartConnection directive of an answer (failing the test when there is none). */
function startConnection(exchange: VoiceExchange): { token: string } {
  const directives = exchange.response?.response.directives ?? [];
  expect(directives, 'one Connections.StartConnection directive').to.have.length(1);
  expect(directives[0]).to.deep.include(START_CONNECTION);
  expect(exchange.response?.response.shouldEndSession, 'the session stays open for the linking task').to.equal(undefined);
  return directives[0] as unknown as { token: string };
}

/**
 * Story 2, voice-forward linking: an unlinked customer opens the skill and says "link my account";
 * the skill hands over to Alexa's linking task with Connections.StartConnection, and each way the
 * task can end comes back as a SessionResumedRequest the skill answers properly. The skill's account
 * linking goes through (simulated) Login with Amazon, which voice-forward linking requires.
 */
describe('e2e story 2: voice-forward linking and every SessionResumedRequest outcome', function () {
  this.timeout(30_000);
  let world: World;

  before(async () => {
    world = await startLwaLinkingWorld([{ name: 'Dana', email: 'dana@example.com' }]);
  });
  after(async () => world?.close());

  /** Opens the skill unlinked and asks to link; returns the StartConnection token. */
  async function askToLink(): Promise<string> {
    const alexa = world.amazon.voice('Dana');
    const launch = await alexa.launch();
    expect(launch.status).to.equal(200);
    expect(launch.accessToken).to.equal(undefined);
    expect(launch.speech).to.match(/^Welcome to Ride Hailer\. .*link your Ride Hailer account/);
    const ask = await alexa.intent('LinkAccountIntent');
    expect(ask.speech).to.equal("Okay, let's link your Ride Hailer account.");
    return startConnection(ask).token;
  }

  it('DENIED: the skill carries on unlinked, without a card', async () => {
    const token = await askToLink();
    const resumed = await world.amazon.voice('Dana').resumeSession(token, 'DENIED');
    expect(resumed.status).to.equal(200);
    expect(resumed.speech).to.equal('No problem. You can still ask whether rides are available in your city. What would you like to do?');
    expect(resumed.response?.response.card).to.equal(undefined);
    expect(resumed.response?.response.shouldEndSession).to.equal(false);
    expect(world.amazon.linkStatus('Dana')?.link).to.equal(undefined);
  });

  it('USER_REQUIREMENTS_NOT_MET: the skill falls back to the LinkAccount card and ends the session', async () => {
    const token = await askToLink();
    const resumed = await world.amazon.voice('Dana').resumeSession(token, 'USER_REQUIREMENTS_NOT_MET');
    expect(resumed.status).to.equal(200);
    expect(resumed.response?.response.card).to.deep.equal({ type: 'LinkAccount' });
    expect(resumed.response?.response.shouldEndSession).to.equal(true);
    expect(resumed.speech).to.match(/^I've sent instructions for linking your Ride Hailer account to the Alexa app\./);
  });

  it('a failed connection (status 500): the card again, never an error', async () => {
    const token = await askToLink();
    const resumed = await world.amazon.voice('Dana').resumeSession(token, { status: 'LINKED' }, { code: '500', message: 'Internal error' });
    expect(resumed.status).to.equal(200);
    expect(resumed.response?.response.card).to.deep.equal({ type: 'LinkAccount' });
    expect(world.amazon.linkStatus('Dana')?.link, 'a failed task links nothing').to.equal(undefined);
    const outcomes = world.service.logs.events('skill.voice_link_result').map((line) => [line.outcome, line.statusCode]);
    expect(outcomes).to.deep.equal([
      ['DENIED', '200'],
      ['USER_REQUIREMENTS_NOT_MET', '200'],
      ['LINKED', '500'],
    ]);
  });

  it('LINKED: Alexa links through Login with Amazon, the resumed request carries the token, and the skill thanks the customer', async () => {
    const { amazon } = world;
    const token = await askToLink();
    const resumed = await amazon.voice('Dana').resumeSession(token, 'LINKED');
    expect(resumed.status).to.equal(200);
    expect(resumed.accessToken, 'the resumed request carries the new token').to.be.a('string');
    expect(resumed.speech).to.equal('Thanks, your Ride Hailer account is now linked. You can order a ride whenever you like. What would you like to do?');
    expect(amazon.linkStatus('Dana')?.link?.via).to.equal('voice');
    const redemption = amazon.events.find({ from: 'Alexa', to: 'api.amazon.com', path: '/auth/o2/token' });
    expect(redemption.map((e) => [e.params.grant_type, e.status])).to.deep.equal([['authorization_code', 200]]);
  });

  it('after linking, the skill greets the customer by name and orders rides', async () => {
    const alexa = world.amazon.voice('Dana');
    const launch = await alexa.launch();
    expect(launch.speech).to.match(/^Welcome back to Ride Hailer, Dana\./);
    const order = await alexa.intent('OrderRideIntent', { destination: 'Boston' });
    expect(order.speech).to.match(/^Okay Dana, your ride to Boston is booked\./);
    expect(world.amazon.events.find({ from: 'service', to: 'api.amazon.com', path: '/user/profile' }).map((e) => e.status)).to.include(200);
  });
});
