import { expect } from 'chai';
import { ManualClock } from '../../../server/clock';
import { type AmazonSimulator, startAmazonSimulator } from '../../../simulator';
import { decodeConnectionToken } from '../../../kit/ask-sdk';
import { startTestService, type TestService } from '../../support/service';

/**
 * The skill endpoint against the Amazon simulator (another implementation of Alexa's side): signed
 * requests verified with signature checks ON, the chain fetched through SKILL_CERT_FETCH_BASE, and
 * voice-forward linking through the simulator's Login with Amazon.
 */
describe('skill endpoint with the Amazon simulator (signatures on, LWA linking)', function () {
  this.timeout(30_000);
  let clock: ManualClock;
  let amazon: AmazonSimulator;
  let service: TestService;

  beforeEach(async () => {
    clock = new ManualClock();
    amazon = await startAmazonSimulator({ clock, accountLinking: 'lwa', service: { vendorId: 'M2SKILLE2E', name: 'Ride Hailer' }, users: [{ name: 'Alice' }] });
    service = await startTestService({ clock, env: { ...amazon.env, SKILL_LINKING_PROVIDER: 'lwa' } });
    amazon.connectService({ skillEndpoint: `${service.url}/alexa` });
  });
  afterEach(async () => {
    await amazon?.close();
    await service?.close();
  });

  it('verifies Alexa-signed requests and links by voice, then orders the ride the user asked for', async () => {
    expect(service.services.settings.skill.verifySignature).to.equal(true);
    const launch = await amazon.alexa.launch();
    expect(launch.status).to.equal(200);
    expect(launch.speech).to.match(/^Welcome to Ride Hailer\./);

    const order = await amazon.alexa.intent('OrderRideIntent', { destination: 'Boston' });
    const directive = order.response?.response.directives?.[0] as { type: string; token?: string } | undefined;
    expect(directive?.type).to.equal('Connections.StartConnection');
    expect(decodeConnectionToken(directive?.token)).to.deep.equal({ then: 'order', destination: 'Boston' });

    const resumed = await amazon.alexa.resumeSession(directive?.token, 'LINKED');
    expect(resumed.accessToken, 'the simulator linked through LWA').to.be.a('string');
    expect(resumed.status).to.equal(200);
    expect(resumed.speech).to.match(/^Thanks, your Ride Hailer account is now linked\. Okay Alice, your ride to Boston is booked\./);
  });

  it('refuses tampered, unsigned and stale requests with 400', async () => {
    expect((await amazon.alexa.launch({ signature: 'tampered' })).status).to.equal(400);
    expect((await amazon.alexa.launch({ signature: 'missing' })).status).to.equal(400);
    expect((await amazon.alexa.launch({ timestamp: clock.now() - 200_000 })).status).to.equal(400);
    expect((await amazon.alexa.launch()).status).to.equal(200);
  });

  it('revokes through the mapping it kept when Alexa sends SkillDisabled after the customer disables the skill', async () => {
    const order = await amazon.alexa.intent('OrderRideIntent', {});
    const token = (order.response?.response.directives?.[0] as { token?: string } | undefined)?.token;
    await amazon.alexa.resumeSession(token, 'LINKED');
    const userId = service.logs.events('skill.ride_ordered').at(-1)?.userId;
    expect(userId).to.be.a('string');
    const disabled = await amazon.alexa.skillDisabled();
    expect(disabled?.status).to.equal(200);
    expect(service.logs.events('skill.disabled').at(-1)).to.deep.include({ userId, grants: 0 });
  });
});
