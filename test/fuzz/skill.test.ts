import { expect } from 'chai';
import nock from 'nock';
import { ManualClock } from '../../server/clock';
import { alexaUserId, intentRequest, launchRequest, postToSkill, sessionEndedRequest, sessionResumedRequest, skillEvent, TEST_SKILL_ID } from '../support/alexa-requests';
import { AlexaSigner, allowOnlyLoopback, restoreNetwork, writeTrustedRoots } from '../support/alexa-signing';
import type { TestService } from '../support/service';
import { linkRider, startSkillService } from '../server/skill/skill-test-kit';
import { type BaseFor, FACE_TIMEOUT_MS, type BaseRequest, expectNoServerErrors, JSON_ODD, ODD_STRINGS, type Prng, totals } from './support';
import { SKILL_ENDPOINTS } from './endpoints';

const [signedName, envelopesName] = SKILL_ENDPOINTS;

/** Where in an envelope a value may be replaced by an odd one (the skill's own reading of each is fuzzed). */
const ENVELOPE_PATHS: ReadonlyArray<readonly string[]> = [
  ['version'],
  ['session'],
  ['session', 'new'],
  ['session', 'sessionId'],
  ['session', 'attributes'],
  ['session', 'user'],
  ['session', 'user', 'userId'],
  ['session', 'user', 'accessToken'],
  ['session', 'application', 'applicationId'],
  ['context'],
  ['context', 'System'],
  ['context', 'System', 'user'],
  ['context', 'System', 'user', 'accessToken'],
  ['context', 'System', 'person'],
  ['context', 'System', 'person', 'personId'],
  ['context', 'System', 'person', 'accessToken'],
  ['context', 'System', 'application'],
  ['context', 'System', 'apiEndpoint'],
  ['context', 'System', 'device'],
  ['request', 'type'],
  ['request', 'requestId'],
  ['request', 'timestamp'],
  ['request', 'locale'],
  ['request', 'dialogState'],
  ['request', 'intent'],
  ['request', 'intent', 'name'],
  ['request', 'intent', 'slots'],
  ['request', 'intent', 'slots', 'destination'],
  ['request', 'intent', 'slots', 'destination', 'value'],
  ['request', 'intent', 'confirmationStatus'],
  ['request', 'reason'],
  ['request', 'error'],
  ['request', 'status'],
  ['request', 'result'],
  ['request', 'body'],
  ['request', 'cause'],
];

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node: unknown = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node !== 'object' || node === null) return;
    node = (node as Record<string, unknown>)[key];
  }
  if (typeof node === 'object' && node !== null) (node as Record<string, unknown>)[path[path.length - 1] as string] = value;
}

describe('fuzz: the skill endpoint POST /alexa', function () {
  this.timeout(FACE_TIMEOUT_MS);

  describe('with signature checks on (what a stranger reaches)', () => {
    let service: TestService;
    let signer: AlexaSigner;

    before(async () => {
      allowOnlyLoopback();
      signer = AlexaSigner.create();
      signer.serveChain(1000);
      const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000);
      service = await startSkillService({ SKILL_VERIFY_SIGNATURE: 'true', SKILL_TRUSTED_ROOTS_FILE: writeTrustedRoots(signer) }, { clock });
    });
    after(async () => {
      restoreNetwork();
      await service?.close();
    });

    it('POST /alexa (signed requests, then faults): no 5xx and no unanswered request', async () => {
      const errorLines = (): Array<Record<string, unknown>> => service.logs.lines.filter((line) => (line.level as number) >= 50);
      const base: BaseFor = (prng) => {
        const envelope = prng.chance(0.5) ? launchRequest({ clock: service.clock }) : intentRequest('RideAvailabilityIntent', {}, { clock: service.clock });
        const body = JSON.stringify(envelope);
        return { method: 'POST', path: '/alexa', headers: Object.entries(signer.headers(body)), body: { kind: 'json', value: envelope } };
      };
      await expectNoServerErrors(service.url, signedName, base, errorLines);
      // A well-formed signed request is still served.
      const envelope = JSON.stringify(launchRequest({ clock: service.clock }));
      const answer = await postToSkill(service.url, envelope, signer.headers(envelope));
      expect(answer.status).to.equal(200);
    });
  });

  describe('with signature checks off (the envelope reaches the skill)', () => {
    let service: TestService;
    let accessToken: string;

    before(async () => {
      nock.disableNetConnect();
      nock.enableNetConnect((host) => host.startsWith('127.0.0.1') || host.startsWith('localhost'));
      service = await startSkillService();
      ({ accessToken } = await linkRider(service));
    });
    after(async () => {
      nock.cleanAll();
      nock.enableNetConnect();
      await service?.close();
    });

    const envelopes = (prng: Prng): Record<string, unknown> => {
      const options = { clock: service.clock, accessToken: prng.chance(0.7) ? accessToken : 'not-a-token', userId: alexaUserId(prng.pick(['a', 'b'])) };
      const made = [
        () => launchRequest(options),
        () => intentRequest('OrderRideIntent', { destination: 'the airport' }, options),
        () => intentRequest('RideAvailabilityIntent', {}, options),
        () => intentRequest('LinkAccountIntent', {}, options),
        () => intentRequest(prng.pick(['AMAZON.HelpIntent', 'AMAZON.StopIntent', 'AMAZON.YesIntent', 'AMAZON.NoIntent', 'AMAZON.FallbackIntent', 'NoSuchIntent']), {}, options),
        () => sessionEndedRequest('USER_INITIATED', options),
        () => sessionResumedRequest({ token: 'task-token', code: prng.pick(['200', '400', '500']), message: 'OK', accessToken } as never, options),
        () => skillEvent(prng.pick(['AlexaSkillEvent.SkillEnabled', 'AlexaSkillEvent.SkillDisabled', 'AlexaSkillEvent.SkillAccountLinked', 'AlexaSkillEvent.ProactiveSubscriptionChanged']), prng.chance(0.5) ? { accessToken } : undefined, options),
      ];
      return prng.pick(made)() as unknown as Record<string, unknown>;
    };

    it('POST /alexa (envelopes with odd fields): no 5xx and no unanswered request', async () => {
      const errorLines = (): Array<Record<string, unknown>> => service.logs.lines.filter((line) => (line.level as number) >= 50);
      const base: BaseFor = (prng): BaseRequest => {
        const envelope = envelopes(prng);
        const changes = prng.int(3);
        for (let i = 0; i < changes; i += 1) setPath(envelope, prng.pick(ENVELOPE_PATHS), prng.chance(0.6) ? prng.pick(JSON_ODD) : prng.pick(ODD_STRINGS));
        return { method: 'POST', path: '/alexa', body: { kind: 'json', value: envelope } };
      };
      await expectNoServerErrors(service.url, envelopesName, base, errorLines, { minFaults: 0 });
      const answer = await postToSkill(service.url, launchRequest({ clock: service.clock, accessToken }));
      expect(answer.status).to.equal(200);
      expect(answer.body.response?.outputSpeech?.ssml).to.be.a('string');
    });

    it('answers a request.locale that is not a string without a 5xx (the generic 400)', async () => {
      for (const locale of [5, null, {}, []]) {
        const envelope = launchRequest({ clock: service.clock, accessToken }) as unknown as { request: Record<string, unknown> };
        envelope.request.locale = locale;
        const answer = await postToSkill(service.url, JSON.stringify(envelope));
        expect(answer.status, JSON.stringify(locale)).to.be.below(500);
      }
    });

    it('answers an IntentRequest with no or a null intent without a 5xx (the generic 400)', async () => {
      for (const intent of [undefined, null]) {
        const envelope = intentRequest('OrderRideIntent', {}, { clock: service.clock, accessToken }) as unknown as { request: Record<string, unknown> };
        if (intent === undefined) delete envelope.request.intent;
        else envelope.request.intent = intent;
        const answer = await postToSkill(service.url, JSON.stringify(envelope));
        expect(answer.status, String(intent)).to.be.below(500);
      }
    });

    // Found by this fuzz: a session.application.applicationId that is no string ({ "toString": "x" }) threw
    // a TypeError in checkApplicationId's message, logged at error level (the answer was still 400).
    it('refuses a session application id that is not a string as a verification failure, without an error-level line', async () => {
      const envelope = launchRequest({ clock: service.clock, accessToken }) as unknown as { session: { application: Record<string, unknown> } };
      envelope.session.application.applicationId = { toString: 'x' };
      const before = service.logs.lines.length;
      const answer = await postToSkill(service.url, JSON.stringify(envelope));
      expect(answer.status).to.equal(400);
      expect(service.logs.lines.slice(before).filter((line) => (line.level as number) >= 50)).to.deep.equal([]);
    });
  });

  after(() => {
    console.log(`      skill: ${totals.sent} fuzz requests so far, ${totals.failures} failures; application id ${TEST_SKILL_ID}`);
  });
});
