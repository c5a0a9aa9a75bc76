import type { RequestEnvelope } from 'ask-sdk-model';
import { VerificationError } from './errors';

/** Alexa's tolerance for request timestamps: 150 s either way. */
export const REQUEST_TOLERANCE_MS = 150_000;
/** Skill events may be delivered late (Amazon retries them), so they get an hour. */
export const SKILL_EVENT_TOLERANCE_MS = 3_600_000;
const MAX_ID_LENGTH = 512;

/**
 * Parses the body as an Alexa request envelope and checks the fields everything downstream relies on
 * (version, request type, id and timestamp, application and user ids). Throws VerificationError.
 */
export function parseEnvelope(body: Buffer): RequestEnvelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new VerificationError('body is not JSON');
  }
  if (!isObject(parsed)) throw new VerificationError('body is not a JSON object');
  if (typeof parsed.version !== 'string') throw new VerificationError('envelope has no version');
  const request = parsed.request;
  if (!isObject(request) || !isShortString(request.type) || !isShortString(request.requestId) || typeof request.timestamp !== 'string') {
    throw new VerificationError('envelope has no well-formed request');
  }
  // Alexa always sends these in this shape; a signed request that does not is not Alexa's, so it is
  // refused here with the generic 400 rather than reaching handlers (and the apology) that rely on it.
  if (request.locale !== undefined && !isLocale(request.locale)) throw new VerificationError('request locale is not a locale');
  if (request.type === 'IntentRequest' && (!isObject(request.intent) || !isShortString(request.intent.name))) {
    throw new VerificationError('IntentRequest has no intent name');
  }
  const system = isObject(parsed.context) ? parsed.context.System : undefined;
  if (!isObject(system) || !isObject(system.application) || !isShortString(system.application.applicationId)) {
    throw new VerificationError('envelope has no context.System.application');
  }
  if (!isObject(system.user) || !isShortString(system.user.userId)) throw new VerificationError('envelope has no context.System.user');
  if (system.user.accessToken !== undefined && typeof system.user.accessToken !== 'string') throw new VerificationError('access token is not a string');
  if (parsed.session !== undefined) {
    const session = parsed.session;
    if (!isObject(session) || (session.attributes !== undefined && !isObject(session.attributes))) throw new VerificationError('envelope session is malformed');
    if (session.application !== undefined && (!isObject(session.application) || !isShortString(session.application.applicationId))) {
      throw new VerificationError('envelope session has no well-formed application');
    }
  }
  return parsed as unknown as RequestEnvelope;
}

/** Refuses requests whose timestamp is more than the tolerance away from now, in the past or the future. */
export function checkTimestamp(envelope: RequestEnvelope, now: number): void {
  const stamp = Date.parse(envelope.request.timestamp);
  if (Number.isNaN(stamp)) throw new VerificationError('request timestamp is not a date');
  const tolerance = envelope.request.type.startsWith('AlexaSkillEvent.') ? SKILL_EVENT_TOLERANCE_MS : REQUEST_TOLERANCE_MS;
  const skew = stamp - now;
  if (Math.abs(skew) > tolerance) {
    throw new VerificationError(`request timestamp is ${Math.round(Math.abs(skew) / 1000)} s in the ${skew < 0 ? 'past' : 'future'}`);
  }
}

/** Refuses requests for another skill when SKILL_ID is set (the context and, if present, the session must agree). */
export function checkApplicationId(envelope: RequestEnvelope, skillId: string | undefined): void {
  if (skillId === undefined) return;
  const fromContext = envelope.context.System.application.applicationId;
  const fromSession = envelope.session?.application?.applicationId;
  if (fromContext !== skillId) throw new VerificationError(`application id ${fromContext} is not this skill`);
  if (fromSession !== undefined && fromSession !== skillId) throw new VerificationError(`session application id ${fromSession} is not this skill`);
}

function isObject(value: unknown): value is Record<string, unknown> & { [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A BCP 47-ish tag as Alexa writes one (en-US); anything else is not a locale Alexa sends. */
function isLocale(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8}){0,3}$/.test(value);
}

function isShortString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH;
}
