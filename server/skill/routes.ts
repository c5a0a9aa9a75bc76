import express, { type Request, type Response, Router } from 'express';
import type { RequestEnvelope } from 'ask-sdk-model';
import type { SkillRequestOutcome } from '../ops/metrics';
import { opsOf } from '../ops/ops';
import { observedResolver, skillOutcome } from '../ops/skill-observer';
import type { Services } from '../services';
import type { InvocationContext } from './handlers/deps';
import { AccountLinking } from './linking/account-linking';
import { createTokenResolver } from './linking/create-resolver';
import { SkillUserLinks } from './linking/skill-user-links';
import { RideCatalogue } from './rides';
import { createRideHailerSkill } from './skill';
import { apologyEnvelope } from './speech';
import { VerificationError } from './verification/errors';
import { RequestVerifier } from './verification/request-verifier';
import { SigningCertificates } from './verification/signing-certificates';
import { TrustStore } from './verification/trust-store';

/** Alexa request bodies are a few kilobytes; anything near this limit is not Alexa. */
const MAX_BODY = '256kb';
/** The only thing a refused caller learns: Amazon's certification expects a 400, the reason is logged. */
const REFUSED = { error: 'invalid_request', error_description: 'The request could not be verified.' };

/**
 * The Alexa skill endpoint, POST /alexa. The raw body is read here (no other parser runs before it),
 * verified (signature, certificate, timestamp, application id), then handed to the ask-sdk skill.
 */
export function skillRouter(services: Services): Router {
  const settings = services.settings.skill;
  const certificates = settings.verifySignature
    ? new SigningCertificates({
        trust: new TrustStore(settings.trustedRootPems),
        clock: services.clock,
        timeoutMs: services.settings.amazon.timeoutMs,
        fetchBase: settings.certFetchBase,
      })
    : undefined;
  const verifier = new RequestVerifier(settings, certificates, services.clock);
  const ops = opsOf(services);
  const skill = createRideHailerSkill({
    skillName: settings.skillName,
    voiceForward: settings.voiceForward,
    linkAtLaunch: settings.linkAtLaunch,
    linking: new AccountLinking(observedResolver(createTokenResolver(services, settings), ops), new SkillUserLinks(services.store, services.clock), services.accounts),
    revocations: services.revocations,
    alexaClientId: services.settings.oauth.clientId,
    rides: new RideCatalogue(),
    log: services.log,
  });
  if (!settings.verifySignature) services.log.warn({ event: 'skill.signature_check_off' }, 'SKILL_VERIFY_SIGNATURE=false: Alexa request signatures are NOT checked');
  if (services.settings.production && settings.skillId === undefined) {
    services.log.warn({ event: 'skill.any_application' }, 'SKILL_ID is not set: requests for any skill that points here are served');
  }

  const readRawBody = express.raw({ type: () => true, limit: MAX_BODY });
  const router = Router();
  router.post('/alexa', (req: Request, res: Response) => {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    readRawBody(req, res, (parseError?: unknown) => {
      if (parseError) {
        refuse(req, res, `body unreadable (${(parseError as { type?: string }).type ?? 'error'})`);
        ops.metrics.skillRequest('unverified', 'refused', seconds());
        return;
      }
      void answer(req, res).then((outcome) => ops.metrics.skillRequest(outcome.type, outcome.outcome, seconds()));
    });
  });

  async function answer(req: Request, res: Response): Promise<{ type: string; outcome: SkillRequestOutcome }> {
    if (req.body !== undefined && !Buffer.isBuffer(req.body)) {
      // Another parser consumed the stream first: the signed bytes are gone, so nothing can be verified.
      req.log.error({ event: 'skill.body_parsed_elsewhere' }, 'a body parser ran before the skill endpoint; mount skillRouter before any global parser');
      refuse(req, res, 'body was parsed before the skill endpoint');
      return { type: 'unverified', outcome: 'refused' };
    }
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let envelope: RequestEnvelope;
    try {
      envelope = await verifier.verify((name) => req.get(name), body);
    } catch (error) {
      if (error instanceof VerificationError) refuse(req, res, error.reason);
      else {
        req.log.error({ event: 'skill.verification_error', reason: (error as Error).message }, 'verification failed unexpectedly');
        refuse(req, res, 'verification failed unexpectedly');
      }
      return { type: 'unverified', outcome: 'refused' };
    }
    const context: InvocationContext = { log: req.log.child({ alexaRequestId: envelope.request.requestId }) };
    context.log.info({ event: 'skill.request', type: envelope.request.type, intent: intentName(envelope), locale: envelope.request.locale }, 'Alexa request');
    try {
      const response = await skill.invoke(envelope, context);
      res.status(200).json(response);
      return { type: envelope.request.type, outcome: skillOutcome(response, envelope.request.locale, settings.skillName) };
    } catch (error) {
      // The skill's own error handler apologises; this catches what escapes it (e.g. a handler lookup failure).
      context.log.error({ event: 'skill.invoke_failed', reason: (error as Error).message }, 'skill invocation failed; apologised');
      res.status(200).json(apologyEnvelope(envelope.request.locale, settings.skillName));
      return { type: envelope.request.type, outcome: 'apologised' };
    }
  }

  return router;
}

function intentName(envelope: RequestEnvelope): string | undefined {
  return envelope.request.type === 'IntentRequest' ? envelope.request.intent.name : undefined;
}

function refuse(req: Request, res: Response, reason: string): void {
  req.log.warn({ event: 'skill.request_refused', reason }, 'Alexa request refused');
  res.status(400).setHeader('Cache-Control', 'no-store').json(REFUSED);
}
