import { expect } from 'chai';
import { RedisStore } from '../../../server/store/redis';
import { apologyEnvelope } from '../../../server/skill/speech';
import { intentRequest, launchRequest, postToSkill, sessionEndedRequest, skillEvent, speechOf, alexaUserId } from '../../support/alexa-requests';
import { RedisServer } from '../../support/redis-server';
import type { TestService } from '../../support/service';
import { linkRider, startSkillService } from './skill-test-kit';

const APOLOGY = 'Sorry, Ride Hailer is having trouble right now. Please try again in a few minutes.';

describe('skill: failures answer like Alexa expects', function () {
  this.timeout(30_000);

  describe('with Redis going down', () => {
    let redis: RedisServer;
    let service: TestService;
    before(async () => {
      redis = await RedisServer.start({ persist: true });
    });
    after(async () => redis.destroy());
    afterEach(async () => service?.close());

    it('apologises (HTTP 200, valid response, session ended) when the store is unreachable, and recovers', async () => {
      service = await startSkillService({}, { store: new RedisStore({ url: redis.url, keyPrefix: 'skill-failures:', commandTimeoutMs: 500 }) });
      const rider = await linkRider(service, 'Sam');
      await redis.stop();
      const answer = await postToSkill(service.url, intentRequest('OrderRideIntent', {}, { clock: service.clock, accessToken: rider.accessToken }));
      expect(answer.status).to.equal(200);
      expect(answer.body.version).to.equal('1.0');
      expect(speechOf(answer)).to.equal(APOLOGY);
      expect(answer.body.response?.shouldEndSession).to.equal(true);
      expect(service.logs.events('skill.failed').at(-1)?.requestType).to.equal('IntentRequest');

      // The public intent needs no store and keeps working during the outage.
      const available = await postToSkill(service.url, intentRequest('RideAvailabilityIntent', { city: 'Seattle' }, { clock: service.clock }));
      expect(speechOf(available)).to.match(/^Good news/);

      // A SkillDisabled that cannot revoke is apologised for too (and logged), not answered with a 500.
      const disabled = await postToSkill(service.url, skillEvent('AlexaSkillEvent.SkillDisabled', undefined, { clock: service.clock, userId: alexaUserId('outage') }));
      expect(disabled.status).to.equal(200);
      expect(service.logs.events('skill.failed').at(-1)?.requestType).to.equal('AlexaSkillEvent.SkillDisabled');

      await redis.restart();
      let speech = '';
      for (let attempt = 0; attempt < 100 && !speech.startsWith('Okay Sam'); attempt += 1) {
        speech = speechOf(await postToSkill(service.url, intentRequest('OrderRideIntent', {}, { clock: service.clock, accessToken: rider.accessToken })));
        if (!speech.startsWith('Okay Sam')) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(speech).to.match(/^Okay Sam/);
    });
  });

  describe('with unusual requests', () => {
    let service: TestService;
    beforeEach(async () => {
      service = await startSkillService();
    });
    afterEach(async () => service.close());

    it('answers an intent it has no handler for with the fallback prompt', async () => {
      const answer = await postToSkill(service.url, intentRequest('PlayMusicIntent', {}, { clock: service.clock }));
      expect(speechOf(answer)).to.match(/^Sorry, Ride Hailer can&apos;t help with that\./);
      expect(answer.body.response?.shouldEndSession).to.equal(false);
    });

    it('acknowledges SessionEndedRequest silently and logs the error Alexa reports', async () => {
      const envelope = sessionEndedRequest('ERROR', { clock: service.clock });
      (envelope.request as unknown as { error: unknown }).error = { type: 'INVALID_RESPONSE', message: 'SSML is not valid' };
      const answer = await postToSkill(service.url, envelope);
      expect(answer.status).to.equal(200);
      expect(answer.body.response).to.deep.equal({});
      expect(service.logs.events('skill.session_ended').at(-1)).to.deep.include({ reason: 'ERROR', error: { type: 'INVALID_RESPONSE', message: 'SSML is not valid' } });
    });

    it('acknowledges request types it does not use', async () => {
      const envelope = launchRequest({ clock: service.clock });
      (envelope.request as unknown as { type: string }).type = 'Display.ElementSelected';
      const answer = await postToSkill(service.url, envelope);
      expect(answer.status).to.equal(200);
      expect(answer.body.response).to.deep.equal({});
    });

    it('answers help, stop, cancel and a bare "no" the way Alexa users expect', async () => {
      const help = await postToSkill(service.url, intentRequest('AMAZON.HelpIntent', {}, { clock: service.clock }));
      expect(speechOf(help)).to.match(/Just ask, for example: are rides available in Seattle\?/);
      expect(help.body.response?.reprompt?.outputSpeech.ssml).to.contain('What would you like to do?');
      for (const intent of ['AMAZON.StopIntent', 'AMAZON.CancelIntent', 'AMAZON.NavigateHomeIntent', 'AMAZON.NoIntent']) {
        const answer = await postToSkill(service.url, intentRequest(intent, {}, { clock: service.clock }));
        expect(speechOf(answer), intent).to.equal('Goodbye, and thanks for using Ride Hailer.');
        expect(answer.body.response?.shouldEndSession, intent).to.equal(true);
      }
      const yes = await postToSkill(service.url, intentRequest('AMAZON.YesIntent', {}, { clock: service.clock }));
      expect(speechOf(yes)).to.match(/^Sorry, Ride Hailer can&apos;t help with that/);
    });

    it('refuses (400) an envelope without the fields Alexa always sends, even with signature checks off', async () => {
      for (const mutilate of [
        (e: Record<string, unknown>) => delete (e.context as { System: Record<string, unknown> }).System.user,
        (e: Record<string, unknown>) => delete (e.context as { System: Record<string, unknown> }).System.application,
        (e: Record<string, unknown>) => delete e.version,
        (e: Record<string, unknown>) => ((e.request as Record<string, unknown>).timestamp = 'yesterday'),
        (e: Record<string, unknown>) => (((e.context as { System: { user: Record<string, unknown> } }).System.user.accessToken = 42)),
      ]) {
        const envelope = launchRequest({ clock: service.clock }) as unknown as Record<string, unknown>;
        mutilate(envelope);
        const answer = await postToSkill(service.url, JSON.stringify(envelope));
        expect(answer.status).to.equal(400);
        expect(answer.body).to.deep.equal({ error: 'invalid_request', error_description: 'The request could not be verified.' });
      }
    });
  });

  it('builds a complete apology envelope in the request locale when invocation itself fails', () => {
    expect(apologyEnvelope('de-DE', 'Ride Hailer')).to.deep.equal({
      version: '1.0',
      response: {
        outputSpeech: { type: 'SSML', ssml: '<speak>Entschuldigung, bei Ride Hailer gibt es gerade ein Problem. Bitte versuche es in ein paar Minuten noch einmal.</speak>' },
        shouldEndSession: true,
      },
    });
  });
});
