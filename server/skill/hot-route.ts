import type { RequestEnvelope } from 'ask-sdk-model';
import type { HotRequest, HotResponse, HotRoute } from '../http/hot-routes';
import type { Services } from '../services';
import type { InvocationContext } from './handlers/deps';
import { ALEXA_BODY_LIMIT_BYTES, createAlexaVerifier, REFUSED_BODY, VerificationError } from '../../kit/verify';
import { createTokenResolver } from '../identity/create-resolver';
import { Profiles } from './profiles';
import { RideCatalogue } from './rides';
import { createRideHailerSkill } from './skill';
import { grantReplacement } from './grant-replacement';
import { type SkillEndpointObserver, type SkillRequestOutcome, skillOutcome, UNOBSERVED_SKILL_ENDPOINT } from './skill-endpoint-observer';
import { SkillUserLinks } from './skill-user-links';
import { apologyEnvelope } from './speech';

/** Where Alexa posts requests (the skill's HTTPS endpoint is PUBLIC_URL + this path). */
export const SKILL_PATH = '/alexa';
/** Alexa request bodies are a few kilobytes; anything near this limit is not Alexa. */
export const SKILL_BODY_LIMIT_BYTES = ALEXA_BODY_LIMIT_BYTES;
/** The only thing a refused caller learns: Amazon's certification expects a 400, the reason is logged. */
const REFUSED = REFUSED_BODY;

/** What one request amounted to, for the response and the skill request metric. */
interface Answered {
  response: HotResponse;
  type: string;
  outcome: SkillRequestOutcome;
}

/**
 * The Alexa skill endpoint, POST /alexa, served straight from node:http (see server/http/hot-routes.ts).
 * The raw body bytes are verified (signature, certificate, timestamp, application id), then handed to
 * the ask-sdk skill. Every refusal is a generic 400 with the reason in the log only. Every answer, and
 * every token resolution, is told to the observer (metrics and the diagnostics page).
 */
export function skillHotRoute(services: Services, observer: SkillEndpointObserver = UNOBSERVED_SKILL_ENDPOINT): HotRoute {
  const settings = services.settings.skill;
  const verifier = createAlexaVerifier({
    applicationId: settings.skillId,
    verifySignature: settings.verifySignature,
    trustedRootPems: settings.trustedRootPems,
    certFetchBase: settings.certFetchBase,
    timeoutMs: services.settings.amazon.timeoutMs,
    clock: services.clock,
  });
  // The Alexa clients of the registry (several skills may share a deployment): only their grants end.
  const alexaClientIds = services.clients.alexaClientIds();
  const profiles = new Profiles(services.accounts, services.clock);
  const skill = createRideHailerSkill({
    skillName: settings.skillName,
    voiceForward: settings.voiceForward,
    linkAtLaunch: settings.linkAtLaunch,
    resolver: observer.watchResolver(createTokenResolver(services, settings, { displayNameOf: (userId) => profiles.displayNameOf(userId) })),
    links: new SkillUserLinks(services.store, services.clock, {
      ttlMs: services.settings.oauth.refreshIdleTtlSec > 0 ? services.settings.oauth.refreshIdleTtlSec * 1000 : undefined,
      replaceGrant: grantReplacement(services.refreshTokens, services.revocations, alexaClientIds, services.log),
    }),
    // Only Alexa's grants: disabling the skill must not sign the user out of the company's own app.
    revoke: (userId) => services.revocations.revokeUser(userId, 'skill disabled', alexaClientIds),
    profiles,
    rides: new RideCatalogue(),
    log: services.log,
  });
  if (!settings.verifySignature) services.log.warn({ event: 'skill.signature_check_off' }, 'SKILL_VERIFY_SIGNATURE=false: Alexa request signatures are NOT checked');
  if (services.settings.production && settings.skillId === undefined) {
    services.log.warn({ event: 'skill.any_application' }, 'SKILL_ID is not set: requests for any skill that points here are served');
  }

  async function answer(req: HotRequest): Promise<Answered> {
    let envelope: RequestEnvelope;
    try {
      envelope = await verifier.verify(req.body, req.header);
    } catch (error) {
      if (error instanceof VerificationError) return refuse(req, error.reason);
      req.log.error({ event: 'skill.verification_error', reason: (error as Error).message }, 'verification failed unexpectedly');
      return refuse(req, 'verification failed unexpectedly');
    }
    const request = envelope.request;
    const context: InvocationContext = { log: req.log.child({ alexaRequestId: request.requestId }) };
    context.log.info({ event: 'skill.request', type: request.type, intent: request.type === 'IntentRequest' ? request.intent.name : undefined, locale: request.locale }, 'Alexa request');
    try {
      const response = await skill.invoke(envelope, context);
      return { response: { status: 200, json: response }, type: request.type, outcome: skillOutcome(response, context.apologised === true) };
    } catch (error) {
      // The skill's own error handler apologises; this catches what escapes it (e.g. a handler lookup failure).
      context.log.error({ event: 'skill.invoke_failed', reason: (error as Error).message }, 'skill invocation failed; apologised');
      return { response: { status: 200, json: apologyEnvelope(request.locale, settings.skillName) }, type: request.type, outcome: 'apologised' };
    }
  }

  return {
    method: 'POST',
    path: SKILL_PATH,
    bodyLimitBytes: SKILL_BODY_LIMIT_BYTES,
    async handle(req) {
      const started = process.hrtime.bigint();
      const answered = await answer(req);
      observer.answered(answered.type, answered.outcome, Number(process.hrtime.bigint() - started) / 1e9);
      return answered.response;
    },
    tooLarge(req) {
      // The reason keeps the words body-parser used, so log searches written for it still match.
      const refused = refuse(req, 'body unreadable (entity.too.large)');
      observer.answered(refused.type, refused.outcome, 0);
      return refused.response;
    },
  };
}

function refuse(req: HotRequest, reason: string): Answered {
  req.log.warn({ event: 'skill.request_refused', reason }, 'Alexa request refused');
  return { response: { status: 400, headers: { 'Cache-Control': 'no-store' }, json: REFUSED }, type: 'unverified', outcome: 'refused' };
}
