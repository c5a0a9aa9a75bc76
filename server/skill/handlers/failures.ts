import type { ErrorHandler, HandlerInput } from 'ask-sdk-core';
import type { Response } from 'ask-sdk-model';
import { type InvocationContext, type SkillDeps, turnOf } from './deps';

/**
 * Any failure inside a handler (store down, provider timeout, a bug) becomes a spoken apology that
 * ends the session: a valid Alexa response, never a 500. The cause goes to the log only.
 */
export function apologyHandler(deps: SkillDeps): ErrorHandler {
  return {
    canHandle: () => true,
    handle(input: HandlerInput, error: Error): Response {
      const turn = turnOf(input, deps);
      turn.log.error(
        { event: 'skill.failed', requestType: input.requestEnvelope.request.type, errorName: error.name, reason: error.message },
        'skill request failed; apologised',
      );
      const context = input.context as InvocationContext | undefined;
      if (context) context.apologised = true;
      return input.responseBuilder.speak(turn.say(turn.prompts.apology(turn.named))).withShouldEndSession(true).getResponse();
    },
  };
}
