import type { HandlerInput } from 'ask-sdk-core';
import type { Response } from 'ask-sdk-model';
import type { ResumeResult } from '../../../kit/ask-sdk';
import { type PendingAction, pendingActionOf } from '../pending-action';
import { setSessionState, type SkillDeps, turnOf } from './deps';
import { linkAccountCard } from './linking-responses';
import { bookRide } from './order-ride';

/**
 * The demo's answer when Alexa resumes the session after voice-forward linking (the kit's `onResume`):
 * linked carries on with what the user wanted; denied keeps the unlinked features on offer; unmet user
 * requirements, a non-200 status, an unknown result or a state that is not the demo's fall back to the
 * LinkAccount card, never to an error.
 */
export async function resumeAnswer(input: HandlerInput, deps: SkillDeps, result: ResumeResult): Promise<Response> {
  const turn = turnOf(input, deps);
  const pending = pendingActionOf(result.state);
  if (pending === undefined) return linkAccountCard(input, deps, { then: 'welcome' });
  switch (result.outcome) {
    case 'LINKED':
      return linked(input, deps, pending);
    case 'DENIED':
      setSessionState(input, {});
      return input.responseBuilder.speak(turn.say(turn.prompts.linkDeclined(turn.named))).reprompt(turn.say(turn.prompts.reprompt(turn.named))).getResponse();
    default:
      return linkAccountCard(input, deps, pending);
  }
}

async function linked(input: HandlerInput, deps: SkillDeps, pending: PendingAction): Promise<Response> {
  const turn = turnOf(input, deps);
  const { prompts, named } = turn;
  const user = await deps.kit.linkedUser(input);
  const profile = user ? await deps.profiles.profileOf(user, turn.log) : undefined;
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
