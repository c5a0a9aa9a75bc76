import { randomUUID } from 'node:crypto';
import type { RequestEnvelope } from 'ask-sdk-model';
import type { Clock } from '../../server/clock';

/** The skill id test services are configured with (SKILL_ID). */
export const TEST_SKILL_ID = 'amzn1.ask.skill.7f3c1a52-0b4e-4e0f-9d55-2c1de4b0a001';

/** Per-request choices; everything has a realistic default. */
export interface EnvelopeOptions {
  /** The clock whose "now" stamps the request (the service's ManualClock). */
  clock: Clock;
  locale?: string;
  accessToken?: string;
  /** Put the token only in context.System.user (not the session), as Alexa does for some requests. */
  tokenInContextOnly?: boolean;
  userId?: string;
  applicationId?: string;
  sessionApplicationId?: string;
  /** Shift the request timestamp from the clock's now, in milliseconds (negative: in the past). */
  skewMs?: number;
  sessionAttributes?: Record<string, unknown>;
  newSession?: boolean;
}

/** A stable Alexa user id for tests that care which user is talking. */
export function alexaUserId(label = 'rider'): string {
  return `amzn1.ask.account.${Buffer.from(label).toString('hex').toUpperCase().padEnd(40, 'A')}`;
}

/** Alexa's timestamp format: ISO 8601 to the second, in UTC. */
export function alexaTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function system(options: EnvelopeOptions) {
  const user: { userId: string; accessToken?: string } = { userId: options.userId ?? alexaUserId() };
  if (options.accessToken !== undefined) user.accessToken = options.accessToken;
  return {
    System: {
      application: { applicationId: options.applicationId ?? TEST_SKILL_ID },
      user,
      device: { deviceId: 'amzn1.ask.device.AEXAMPLEDEVICE1', supportedInterfaces: {} },
      apiEndpoint: 'https://api.amazonalexa.com',
      apiAccessToken: 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.api-access-token-placeholder.sig',
    },
  };
}

function session(options: EnvelopeOptions) {
  const user: { userId: string; accessToken?: string } = { userId: options.userId ?? alexaUserId() };
  if (options.accessToken !== undefined && !options.tokenInContextOnly) user.accessToken = options.accessToken;
  return {
    new: options.newSession ?? true,
    sessionId: `amzn1.echo-api.session.${randomUUID()}`,
    application: { applicationId: options.sessionApplicationId ?? options.applicationId ?? TEST_SKILL_ID },
    attributes: options.sessionAttributes ?? {},
    user,
  };
}

function base(options: EnvelopeOptions) {
  return {
    requestId: `amzn1.echo-api.request.${randomUUID()}`,
    timestamp: alexaTimestamp(options.clock.now() + (options.skewMs ?? 0)),
    locale: options.locale ?? 'en-US',
  };
}

/** "Alexa, open Ride Hailer". */
export function launchRequest(options: EnvelopeOptions): RequestEnvelope {
  return { version: '1.0', session: session(options), context: system(options), request: { type: 'LaunchRequest', ...base(options) } } as RequestEnvelope;
}

/** An IntentRequest with slot values (absent slots are sent empty, as Alexa does). */
export function intentRequest(name: string, slots: Record<string, string | undefined>, options: EnvelopeOptions): RequestEnvelope {
  const slotObjects = Object.fromEntries(
    Object.entries(slots).map(([slot, value]) => [slot, { name: slot, confirmationStatus: 'NONE', ...(value === undefined ? {} : { value, source: 'USER' }) }]),
  );
  return {
    version: '1.0',
    session: session({ newSession: false, ...options }),
    context: system(options),
    request: { type: 'IntentRequest', ...base(options), dialogState: 'COMPLETED', intent: { name, confirmationStatus: 'NONE', slots: slotObjects } },
  } as RequestEnvelope;
}

/** What the voice-forward linking task reports back. */
export interface ConnectionOutcome {
  token: string | undefined;
  /** status.code as Alexa sends it: a string such as "200". */
  code?: string;
  message?: string;
  /** result.status: LINKED, DENIED, USER_REQUIREMENTS_NOT_MET, or anything else; undefined: no result. */
  status?: string;
  causeType?: string;
}

/** The SessionResumedRequest Alexa sends after Connections.StartConnection completes. */
export function sessionResumedRequest(outcome: ConnectionOutcome, options: EnvelopeOptions): RequestEnvelope {
  const cause: Record<string, unknown> = {
    type: outcome.causeType ?? 'ConnectionCompleted',
    status: { code: outcome.code ?? '200', message: outcome.message ?? 'OK' },
  };
  if (outcome.token !== undefined) cause.token = outcome.token;
  if (outcome.status !== undefined) cause.result = { status: outcome.status };
  return {
    version: '1.0',
    session: session({ newSession: false, ...options }),
    context: system(options),
    request: { type: 'SessionResumedRequest', ...base(options), cause },
  } as unknown as RequestEnvelope;
}

/** A SessionEndedRequest with its reason. */
export function sessionEndedRequest(reason: 'USER_INITIATED' | 'ERROR' | 'EXCEEDED_MAX_REPROMPTS', options: EnvelopeOptions): RequestEnvelope {
  return {
    version: '1.0',
    session: session({ newSession: false, ...options }),
    context: system(options),
    request: { type: 'SessionEndedRequest', ...base(options), reason },
  } as RequestEnvelope;
}

/** An AlexaSkillEvent.* request (no session, as skill events arrive). */
export function skillEvent(type: string, body: Record<string, unknown> | undefined, options: EnvelopeOptions): RequestEnvelope {
  const stamp = alexaTimestamp(options.clock.now() + (options.skewMs ?? 0));
  return {
    version: '1.0',
    context: system(options),
    request: {
      type,
      ...base(options),
      eventCreationTime: stamp,
      eventPublishingTime: stamp,
      ...(body === undefined ? {} : { body }),
    },
  } as unknown as RequestEnvelope;
}

/** The JSON Alexa gets back, with the parts tests look at typed loosely. */
export interface SkillAnswer {
  status: number;
  body: {
    version?: string;
    response?: {
      outputSpeech?: { type: string; ssml: string };
      reprompt?: { outputSpeech: { ssml: string } };
      card?: { type: string };
      directives?: Array<Record<string, unknown>>;
      shouldEndSession?: boolean;
    };
    sessionAttributes?: Record<string, unknown>;
    error?: string;
    error_description?: string;
  };
}

/** POSTs an envelope (or raw text) to a service's /alexa and parses the answer. */
export async function postToSkill(serviceUrl: string, body: RequestEnvelope | string, headers: Record<string, string> = {}): Promise<SkillAnswer> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await fetch(`${serviceUrl}/alexa`, { method: 'POST', headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers }, body: text });
  const raw = await response.text();
  return { status: response.status, body: raw === '' ? {} : (JSON.parse(raw) as SkillAnswer['body']) };
}

/** The plain text inside an answer's <speak> element. */
export function speechOf(answer: SkillAnswer): string {
  const ssml = answer.body.response?.outputSpeech?.ssml ?? '';
  return ssml.replace(/^<speak>/, '').replace(/<\/speak>$/, '');
}
