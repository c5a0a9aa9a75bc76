import type { HandlerInput, RequestHandler } from 'ask-sdk-core';
import type { Response, SessionResumedRequest } from 'ask-sdk-model';
import { decodeConnectionToken, type PendingAction } from '../linking/connection-token';
import { setSessionState, type SkillDeps, turnOf } from './deps';
import { linkAccountCard } from './linking-responses';
import { bookRide } from './order-ride';

/** The outcomes the voice-forward linking task reports in `cause.result.status`. */
export type VoiceLinkOutcome = 'LINKED' | 'DENIED' | 'USER_REQUIREMENTS_NOT_MET';

/**
 * Alexa resumes the session after voice-forward linking. Every outcome gets a proper answer: linked
 * carries on with what the user wanted; denied keeps the unlinked features on offer; unmet user
 * requirements, a non-200 status, an unknown result or a token that is not ours fall back to the
 * LinkAccount card, never to an error.
 */
export function sessionResumedHandler(deps: SkillDeps): RequestHandler {
  return {
    canHandle: (input: HandlerInput) => input.requestEnvelope.request.type === 'SessionResumedRequest',
    async handle(input: HandlerInput): Promise<Response> {
      const turn = turnOf(input, deps);
      const cause = (input.requestEnvelope.request as SessionResumedRequest).cause as
        | { type?: unknown; token?: unknown; status?: { code?: unknown; message?: unknown }; result?: unknown }
        | undefined;
      const pending = decodeConnectionToken(cause?.token);
      const code = typeof cause?.status?.code === 'string' ? cause.status.code : String(cause?.status?.code ?? '');
      const outcome = resultStatus(cause?.result);
      turn.log.info({ event: 'skill.voice_link_result', causeType: cause?.type, statusCode: code, outcome, ours: pending !== undefined }, 'voice-forward account linking finished');

      const fallbackPending: PendingAction = pending ?? { then: 'welcome' };
      if (cause?.type !== 'ConnectionCompleted' || pending === undefined || code !== '200') return linkAccountCard(input, deps, fallbackPending);
      switch (outcome) {
        case 'LINKED':
          return linked(input, deps, pending);
        case 'DENIED':
          setSessionState(input, {});
          return input.responseBuilder.speak(turn.say(turn.prompts.linkDeclined(turn.named))).reprompt(turn.say(turn.prompts.reprompt(turn.named))).getResponse();
        default:
          // USER_REQUIREMENTS_NOT_MET (no voice profile, say) or a result this skill does not know.
          return linkAccountCard(input, deps, pending);
      }
    },
  };
}

async function linked(input: HandlerInput, deps: SkillDeps, pending: PendingAction): Promise<Response> {
  const turn = turnOf(input, deps);
  const { prompts, named } = turn;
  const user = await deps.linking.userOf(input, turn.log);
  const profile = user ? await deps.linking.profileOf(user, turn.log) : undefined;
  if (pending.then === 'order') {
    if (profile) return bookRide(input, deps, profile, pending.destination, prompts.linkedThanks(named));
    // The resumed request may not carry the new token yet; the next request will, so ask to go on.
    setSessionState(input, pending.destination ? { offer: 'order', destination: pending.destination } : { offer: 'order' });
    const ask = turn.say(prompts.linkedAskToOrder(named));
    return input.responseBuilder.speak(ask).reprompt(ask).getResponse();
  }
  setSessionState(input, {});
  return input.responseBuilder.speak(turn.say(prompts.linkedWhatNext(named))).reprompt(turn.say(prompts.reprompt(named))).getResponse();
}

function resultStatus(result: unknown): string | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const status = (result as { status?: unknown }).status;
  return typeof status === 'string' ? status : undefined;
}
