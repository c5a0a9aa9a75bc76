import type { HandlerInput, RequestHandler } from 'ask-sdk-core';
import type { Response } from 'ask-sdk-model';
import { isIntent, sessionState, setSessionState, type SkillDeps, turnOf } from './deps';
import { linkAccountCard, startLinking } from './linking-responses';
import { bookRide } from './order-ride';

/** Answers to the skill's yes/no questions: "link it now?" and "order your ride now?". */
export function yesHandler(deps: SkillDeps): RequestHandler {
  return {
    canHandle: (input: HandlerInput) => isIntent(input, 'AMAZON.YesIntent'),
    async handle(input: HandlerInput): Promise<Response> {
      const turn = turnOf(input, deps);
      const state = sessionState(input);
      if (state.offer === 'link') return startLinking(input, deps, { then: 'welcome' });
      if (state.offer === 'order') {
        const destination = state.destination;
        const pending = destination ? { then: 'order' as const, destination } : { then: 'order' as const };
        const user = await deps.kit.linkedUser(input);
        if (!user) return startLinking(input, deps, pending);
        const profile = await deps.profiles.profileOf(user, turn.log);
        return profile ? bookRide(input, deps, profile, destination) : linkAccountCard(input, deps, pending);
      }
      return input.responseBuilder.speak(turn.say(turn.prompts.fallback(turn.named))).reprompt(turn.say(turn.prompts.reprompt(turn.named))).getResponse();
    },
  };
}

/** "No" to an open question keeps the conversation going with what works unlinked; otherwise it ends. */
export function noHandler(deps: SkillDeps): RequestHandler {
  return {
    canHandle: (input: HandlerInput) => isIntent(input, 'AMAZON.NoIntent'),
    handle(input: HandlerInput): Response {
      const turn = turnOf(input, deps);
      const state = sessionState(input);
      setSessionState(input, {});
      if (state.offer !== undefined) {
        return input.responseBuilder.speak(turn.say(turn.prompts.linkDeclined(turn.named))).reprompt(turn.say(turn.prompts.reprompt(turn.named))).getResponse();
      }
      return input.responseBuilder.speak(turn.say(turn.prompts.goodbye(turn.named))).withShouldEndSession(true).getResponse();
    },
  };
}
