import type { HandlerInput, RequestHandler } from 'ask-sdk-core';
import type { Response } from 'ask-sdk-model';
import { isIntent, slotValue, type SkillDeps, turnOf } from './deps';

/** The public intent: whether rides are available in a city. Works without a linked account. */
export function availabilityHandler(deps: SkillDeps): RequestHandler {
  return {
    canHandle: (input: HandlerInput) => isIntent(input, 'RideAvailabilityIntent'),
    handle(input: HandlerInput): Response {
      const turn = turnOf(input, deps);
      const { prompts, named } = turn;
      const city = slotValue(input, 'city');
      if (city === undefined) {
        return input.responseBuilder.speak(turn.say(prompts.askCity(named))).reprompt(turn.say(prompts.askCity(named))).getResponse();
      }
      const text = deps.rides.operatesIn(city) ? prompts.available({ ...named, city, minutes: deps.rides.etaMinutes(city) }) : prompts.unavailable({ ...named, city });
      return input.responseBuilder.speak(turn.say(text)).withShouldEndSession(true).getResponse();
    },
  };
}
