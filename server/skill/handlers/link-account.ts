import type { HandlerInput, RequestHandler } from 'ask-sdk-core';
import type { Response } from 'ask-sdk-model';
import { isIntent, type SkillDeps, turnOf } from './deps';
import { startLinking } from './linking-responses';

/** "Link my account": says so when already linked, otherwise starts linking (voice-forward or card). */
export function linkAccountHandler(deps: SkillDeps): RequestHandler {
  return {
    canHandle: (input: HandlerInput) => isIntent(input, 'LinkAccountIntent'),
    async handle(input: HandlerInput): Promise<Response> {
      const turn = turnOf(input, deps);
      const user = await deps.kit.linkedUser(input);
      const profile = user ? await deps.profiles.profileOf(user, turn.log) : undefined;
      if (profile) {
        return input.responseBuilder
          .speak(turn.say(turn.prompts.alreadyLinked({ ...turn.named, name: profile.displayName })))
          .reprompt(turn.say(turn.prompts.reprompt(turn.named)))
          .getResponse();
      }
      return startLinking(input, deps, { then: 'welcome' });
    },
  };
}
