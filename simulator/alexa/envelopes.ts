import type { IntentRequest, LaunchRequest, RequestEnvelope, SessionEndedRequest, SessionResumedRequest, Slot } from 'ask-sdk-model';
import { requestId } from '../ids';

/** Who is speaking, to which skill, from which device, and when: what every envelope repeats. */
export interface EnvelopeContext {
  skillId: string;
  /** `amzn1.ask.account.…` */
  userId: string;
  deviceId: string;
  /** The linked access token, when the account is linked. */
  accessToken: string | undefined;
  /** `https://api.amazonalexa.com` or the customer's regional host. */
  apiEndpoint: string;
  apiAccessToken: string;
  locale: string;
  /** ISO 8601 time of the request, from the simulator's clock. */
  timestamp: string;
}

/** The session part of an in-session request. */
export interface SessionState {
  sessionId: string;
  isNew: boolean;
  attributes: Record<string, unknown>;
}

/** Voice-forward linking outcomes Alexa reports in SessionResumedRequest.cause.result.status. */
export type VoiceLinkResult = 'LINKED' | 'DENIED' | 'USER_REQUIREMENTS_NOT_MET';

/** The connection status of a SessionResumedRequest (an HTTP-like code, as a string). */
export interface ConnectionStatus {
  code: string;
  message: string;
}

function user(context: EnvelopeContext): { userId: string; accessToken?: string } {
  return context.accessToken === undefined ? { userId: context.userId } : { userId: context.userId, accessToken: context.accessToken };
}

function envelope(context: EnvelopeContext, session: SessionState | undefined, request: RequestEnvelope['request']): RequestEnvelope {
  const application = { applicationId: context.skillId };
  return {
    version: '1.0',
    ...(session
      ? {
          session: {
            new: session.isNew,
            sessionId: session.sessionId,
            application,
            // A new session starts with no attributes; later ones echo what the skill returned.
            attributes: session.isNew ? {} : session.attributes,
            user: user(context),
          },
        }
      : {}),
    context: {
      System: {
        application,
        user: user(context),
        device: { deviceId: context.deviceId, supportedInterfaces: { AudioPlayer: {} } },
        apiEndpoint: context.apiEndpoint,
        apiAccessToken: context.apiAccessToken,
      },
    },
    request,
  };
}

/** "Alexa, open …": a LaunchRequest in a new session. */
export function launchRequest(context: EnvelopeContext, session: SessionState): RequestEnvelope {
  const request: LaunchRequest = { type: 'LaunchRequest', requestId: requestId(), timestamp: context.timestamp, locale: context.locale };
  return envelope(context, session, request);
}

/** An IntentRequest with string slot values. */
export function intentRequest(context: EnvelopeContext, session: SessionState, name: string, slots: Record<string, string> = {}): RequestEnvelope {
  const slotMap: Record<string, Slot> = {};
  for (const [slotName, value] of Object.entries(slots)) slotMap[slotName] = { name: slotName, value, confirmationStatus: 'NONE', slotValue: { type: 'Simple', value } };
  const request: IntentRequest = {
    type: 'IntentRequest',
    requestId: requestId(),
    timestamp: context.timestamp,
    locale: context.locale,
    dialogState: 'COMPLETED',
    intent: { name, confirmationStatus: 'NONE', slots: slotMap },
  };
  return envelope(context, session, request);
}

/** The skill's session resumed after Connections.StartConnection (voice-forward account linking). */
export function sessionResumedRequest(
  context: EnvelopeContext,
  session: SessionState,
  token: string | undefined,
  status: ConnectionStatus,
  result: Record<string, unknown>,
): RequestEnvelope {
  const request: SessionResumedRequest = {
    type: 'SessionResumedRequest',
    requestId: requestId(),
    timestamp: context.timestamp,
    locale: context.locale,
    cause: { type: 'ConnectionCompleted', ...(token === undefined ? {} : { token }), status, result },
  };
  return envelope(context, session, request);
}

/** The session ended (the user said stop, went silent, or an error occurred). */
export function sessionEndedRequest(context: EnvelopeContext, session: SessionState, reason: SessionEndedRequest['reason']): RequestEnvelope {
  const request: SessionEndedRequest = { type: 'SessionEndedRequest', requestId: requestId(), timestamp: context.timestamp, locale: context.locale, reason };
  return envelope(context, session, request);
}

/**
 * The customer disabled the skill: an out-of-session skill event. It carries the user id and, when
 * the account was linked, the access token Alexa held (skill events include it when there is one).
 */
export function skillDisabledEvent(context: EnvelopeContext): RequestEnvelope {
  // ask-sdk-model's type has no body; Alexa's event carries userInformationPersistenceStatus.
  const request = {
    type: 'AlexaSkillEvent.SkillDisabled' as const,
    requestId: requestId(),
    timestamp: context.timestamp,
    locale: context.locale,
    eventCreationTime: context.timestamp,
    eventPublishingTime: context.timestamp,
    body: { userInformationPersistenceStatus: 'NOT_PERSISTED' },
  };
  return envelope(context, undefined, request);
}
