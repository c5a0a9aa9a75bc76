import type { HandlerInput } from 'ask-sdk-core';
import type { Response } from 'ask-sdk-model';
import { accessTokenOf } from '../linking/account-linking';
import { encodeConnectionToken, type PendingAction } from '../linking/connection-token';
import { setSessionState, type SkillDeps, turnOf } from './deps';

/** The voice-forward account-linking task Amazon provides (skill connections). */
export const ASK_FOR_ACCOUNT_LINKING_URI = 'connection://AMAZON.AskForAccountLinking/1';

/**
 * The answer when a linked account is needed and missing: explain why linking helps, say that
 * instructions went to the Alexa app, attach a LinkAccount card and end the session.
 */
export function linkAccountCard(input: HandlerInput, deps: SkillDeps, pending: PendingAction): Response {
  const turn = turnOf(input, deps);
  const text = pending.then === 'order' ? turn.prompts.linkNeeded(turn.named) : turn.prompts.linkCardRequested(turn.named);
  setSessionState(input, {});
  return input.responseBuilder.speak(turn.say(text)).withLinkAccountCard().withShouldEndSession(true).getResponse();
}

/**
 * Starts linking: with voice-forward linking, a short introduction followed by
 * Connections.StartConnection (Alexa runs its own consent dialog, then resumes this session with our
 * token); without it, or when the request carried an unusable token, the LinkAccount card.
 */
export function startLinking(input: HandlerInput, deps: SkillDeps, pending: PendingAction): Response {
  // A token that did not resolve (expired, revoked, forged) means Alexa believes the account is linked;
  // voice-forward linking is for users without a link, so they get the card to link again.
  if (!deps.voiceForward || accessTokenOf(input.requestEnvelope) !== undefined) return linkAccountCard(input, deps, pending);
  const turn = turnOf(input, deps);
  const intro = pending.then === 'order' ? turn.prompts.linkIntroForOrder(turn.named) : turn.prompts.linkIntro(turn.named);
  setSessionState(input, {});
  turn.log.info({ event: 'skill.voice_link_started', then: pending.then }, 'voice-forward account linking started');
  // shouldEndSession stays unset: Alexa hands the session to the linking task and resumes it after.
  return input.responseBuilder
    .speak(turn.say(intro))
    .addDirective({
      type: 'Connections.StartConnection',
      uri: ASK_FOR_ACCOUNT_LINKING_URI,
      input: { '@type': 'AskForAccountLinking', '@version': '1' },
      onCompletion: 'RESUME_SESSION',
      token: encodeConnectionToken(pending),
    })
    .getResponse();
}
