import { expect } from 'chai';
import type { RequestEnvelope } from 'ask-sdk-model';
import { apologyEnvelope } from '../../../server/skill/speech';
import { intentRequest, launchRequest, postToSkill } from '../../support/alexa-requests';
import type { TestService } from '../../support/service';
import { startSkillService } from './skill-test-kit';

/** Issue 14 item 2: envelopes Alexa never sends must be refused with the generic 400, never a 500. */
describe('skill: malformed envelopes are refused cleanly', () => {
  let service: TestService;
  before(async () => {
    service = await startSkillService();
  });
  after(async () => service.close());

  function withRequest(envelope: RequestEnvelope, patch: (request: Record<string, unknown>) => void): string {
    const copy = JSON.parse(JSON.stringify(envelope)) as { request: Record<string, unknown> };
    patch(copy.request);
    return JSON.stringify(copy);
  }

  for (const [label, locale] of [['a number', 5], ['null', null], ['an object', {}], ['an array', []], ['an empty string', ''], ['a long string', 'x'.repeat(100)]] as const) {
    it(`refuses a request whose locale is ${label} with the generic 400`, async () => {
      for (const envelope of [launchRequest({ clock: service.clock }), intentRequest('RideAvailabilityIntent', { city: 'Seattle' }, { clock: service.clock })]) {
        const answer = await postToSkill(service.url, withRequest(envelope, (request) => { request.locale = locale; }));
        expect(answer.status, JSON.stringify(answer.body)).to.equal(400);
        expect(answer.body.error).to.equal('invalid_request');
      }
      expect(service.logs.events('skill.request_refused').at(-1)?.reason).to.equal('request locale is not a locale');
    });
  }

  for (const [label, patch] of [
    ['no intent', (request: Record<string, unknown>) => { delete request.intent; }],
    ['a null intent', (request: Record<string, unknown>) => { request.intent = null; }],
    ['an intent without a name', (request: Record<string, unknown>) => { request.intent = { slots: {} }; }],
    ['an intent whose name is a number', (request: Record<string, unknown>) => { request.intent = { name: 7 }; }],
  ] as const) {
    it(`refuses an IntentRequest with ${label} with the generic 400`, async () => {
      const answer = await postToSkill(service.url, withRequest(intentRequest('OrderRideIntent', {}, { clock: service.clock }), patch));
      expect(answer.status, JSON.stringify(answer.body)).to.equal(400);
      expect(answer.body.error).to.equal('invalid_request');
      expect(service.logs.events('skill.request_refused').at(-1)?.reason).to.equal('IntentRequest has no intent name');
    });
  }

  it('still serves a request without a locale (skill events have none) and one with a locale it does not publish', async () => {
    const noLocale = await postToSkill(service.url, withRequest(launchRequest({ clock: service.clock }), (request) => { delete request.locale; }));
    expect(noLocale.status).to.equal(200);
    const unknown = await postToSkill(service.url, launchRequest({ clock: service.clock, locale: 'sv-SE' }));
    expect(unknown.status).to.equal(200);
    expect(unknown.body.response?.outputSpeech?.ssml).to.match(/^<speak>Welcome/);
  });

  it('apologises in en-US when the locale handed to the apology is not a string (the apology never throws)', () => {
    for (const locale of [5, null, {}, []]) {
      expect(apologyEnvelope(locale, 'Ride Hailer').response.outputSpeech).to.deep.equal({ type: 'SSML', ssml: '<speak>Sorry, Ride Hailer is having trouble right now. Please try again in a few minutes.</speak>' });
    }
  });

  it('serves intents of a request without a session (the demo keeps no attributes then) instead of apologising', async () => {
    for (const name of ['AMAZON.HelpIntent', 'LinkAccountIntent', 'OrderRideIntent', 'AMAZON.NoIntent']) {
      const envelope = intentRequest(name, {}, { clock: service.clock }) as unknown as Record<string, unknown>;
      delete envelope.session;
      const answer = await postToSkill(service.url, JSON.stringify(envelope));
      expect(answer.status, name).to.equal(200);
      expect(answer.body.response?.outputSpeech?.ssml, name).not.to.match(/having trouble/);
    }
    expect(service.logs.events('skill.failed')).to.deep.equal([]);
  });

  it('refuses a session whose application is not an object with a string id, without an error-level line', async () => {
    for (const application of [{ applicationId: { toString: 'x' } }, { applicationId: 5 }, 'app', null]) {
      const envelope = launchRequest({ clock: service.clock }) as unknown as { session: Record<string, unknown> };
      envelope.session.application = application;
      const answer = await postToSkill(service.url, JSON.stringify(envelope));
      expect(answer.status).to.equal(400);
    }
    expect(service.logs.lines.filter((line) => (line.level as number) >= 50)).to.deep.equal([]);
    expect(service.logs.events('skill.request_refused').at(-1)?.reason).to.equal('envelope session has no well-formed application');
  });
});
