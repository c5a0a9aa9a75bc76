import { expect } from 'chai';
import { VirtualAlexa } from 'virtual-alexa';
import { TEST_SKILL_ID } from '../../support/alexa-requests';
import type { TestService } from '../../support/service';
import { linkRider, startSkillService } from './skill-test-kit';

/** What virtual-alexa hands back: the raw response JSON plus helpers. */
interface VirtualAnswer {
  prompt(): string | undefined;
  card(): { type: string } | undefined;
  directive(type: string): Record<string, unknown> | undefined;
  response: { shouldEndSession?: boolean };
}

function alexaFor(service: TestService, locale: 'en-US' | 'de-DE'): VirtualAlexa {
  return VirtualAlexa.Builder()
    .skillURL(`${service.url}/alexa`)
    .interactionModelFile(`skill-package/interactionModels/custom/${locale}.json`)
    .applicationID(TEST_SKILL_ID)
    .locale(locale)
    .create();
}

describe('skill: driven by virtual-alexa from the shipped interaction models', function () {
  this.timeout(20_000);
  let service: TestService;
  beforeEach(async () => {
    service = await startSkillService();
  });
  afterEach(async () => service.close());

  it('en-US: public availability works unlinked, ordering needs the account', async () => {
    const alexa = alexaFor(service, 'en-US');
    const launch = (await alexa.launch()) as unknown as VirtualAnswer;
    expect(launch.prompt()).to.match(/Welcome to Ride Hailer/);
    const available = (await alexa.utter('are rides available in Seattle')) as unknown as VirtualAnswer;
    expect(available.prompt()).to.match(/Ride Hailer operates in Seattle/);
    const order = (await alexa.utter('order a ride')) as unknown as VirtualAnswer;
    expect(order.card()).to.deep.equal({ type: 'LinkAccount' });
    expect(order.prompt()).to.match(/I&apos;ve sent instructions for linking your account to the Alexa app/);
  });

  it('en-US: with an injected access token the ride is ordered by name, and "link my account" says it is linked', async () => {
    const rider = await linkRider(service, 'Morgan');
    const alexa = alexaFor(service, 'en-US');
    alexa.context().setAccessToken(rider.accessToken);
    const order = (await alexa.utter('get me a ride to Boston')) as unknown as VirtualAnswer;
    expect(order.prompt()).to.match(/Okay Morgan, your ride to Boston is booked/);
    const link = (await alexa.utter('link my account')) as unknown as VirtualAnswer;
    expect(link.prompt()).to.match(/already linked, Morgan/);
  });

  it('en-US: built-in intents', async () => {
    const alexa = alexaFor(service, 'en-US');
    await alexa.launch();
    expect(((await alexa.utter('help')) as unknown as VirtualAnswer).prompt()).to.match(/can tell you whether rides are available/);
    const stop = (await alexa.utter('stop')) as unknown as VirtualAnswer;
    expect(stop.prompt()).to.match(/Goodbye/);
    expect(stop.response.shouldEndSession).to.equal(true);
  });

  it('de-DE: German utterances reach the same intents and hear German prompts', async () => {
    const alexa = alexaFor(service, 'de-DE');
    const available = (await alexa.utter('gibt es Fahrten in Berlin')) as unknown as VirtualAnswer;
    expect(available.prompt()).to.match(/Gute Nachricht: Ride Hailer fährt in Berlin/);
    const link = (await alexa.utter('verknüpfe mein Konto')) as unknown as VirtualAnswer;
    expect(link.card()).to.deep.equal({ type: 'LinkAccount' });
    expect(link.prompt()).to.match(/Anleitung zum Verknüpfen deines Kontos bei Ride Hailer/);
  });
});
