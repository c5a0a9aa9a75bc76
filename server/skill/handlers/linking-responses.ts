import type { HandlerInput } from 'ask-sdk-core';
import type { Response } from 'ask-sdk-model';
import type { PendingAction } from '../pending-action';
import { setSessionState, type SkillDeps, turnOf } from './deps';

/**
 * The answer when a linked account is needed and missing: explain why linking helps (the demo's own
 * ride sentences), say that instructions went to the Alexa app, attach a LinkAccount card, end the session.
 */
export function linkAccountCard(input: HandlerInput, deps: SkillDeps, pending: PendingAction): Response {
  const turn = turnOf(input, deps);
  const card = pending.then === 'order' ? turn.prompts.linkNeeded(turn.named) : turn.prompts.linkCardRequested(turn.named);
  setSessionState(input, {});
  return deps.kit.linkAccountResponse(input, { cardOnly: true, speech: { card } });
}

/**
 * Starts linking through the kit: with voice-forward linking, a short introduction followed by
 * Connections.StartConnection carrying what the user wanted; without it, or when the request carried
 * an unusable token, the LinkAccount card.
 */
export function startLinking(input: HandlerInput, deps: SkillDeps, pending: PendingAction): Response {
  const turn = turnOf(input, deps);
  const order = pending.then === 'order';
  setSessionState(input, {});
  const response = deps.kit.linkAccountResponse(input, {
    speech: {
      card: order ? turn.prompts.linkNeeded(turn.named) : turn.prompts.linkCardRequested(turn.named),
      voiceForward: order ? turn.prompts.linkIntroForOrder(turn.named) : turn.prompts.linkIntro(turn.named),
    },
    state: pending,
  });
  if (response.directives !== undefined) turn.log.info({ event: 'skill.voice_link_started', then: pending.then }, 'voice-forward account linking started');
  return response;
}
