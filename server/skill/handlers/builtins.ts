import type { HandlerInput, RequestHandler } from 'ask-sdk-core';
import type { Response, SessionEndedRequest } from 'ask-sdk-model';
import { isIntent, setSessionState, type SkillDeps, turnOf } from './deps';

/** AMAZON.HelpIntent: what the skill can do, then an open question. */
export function helpHandler(deps: SkillDeps): RequestHandler {
  return {
    canHandle: (input: HandlerInput) => isIntent(input, 'AMAZON.HelpIntent'),
    handle(input: HandlerInput): Response {
      const turn = turnOf(input, deps);
      setSessionState(input, {});
      return input.responseBuilder.speak(turn.say(turn.prompts.help(turn.named))).reprompt(turn.say(turn.prompts.reprompt(turn.named))).getResponse();
    },
  };
}

/** Stop, cancel and "go home" end the session with a goodbye. */
export function stopHandler(deps: SkillDeps): RequestHandler {
  return {
    canHandle: (input: HandlerInput) => isIntent(input, 'AMAZON.StopIntent', 'AMAZON.CancelIntent', 'AMAZON.NavigateHomeIntent'),
    handle(input: HandlerInput): Response {
      const turn = turnOf(input, deps);
      return input.responseBuilder.speak(turn.say(turn.prompts.goodbye(turn.named))).withShouldEndSession(true).getResponse();
    },
  };
}

/** AMAZON.FallbackIntent and any intent this code does not know: say what works, keep listening. */
export function fallbackHandler(deps: SkillDeps): RequestHandler {
  return {
    canHandle: (input: HandlerInput) => input.requestEnvelope.request.type === 'IntentRequest',
    handle(input: HandlerInput): Response {
      const turn = turnOf(input, deps);
      const request = input.requestEnvelope.request;
      if (request.type === 'IntentRequest' && request.intent.name !== 'AMAZON.FallbackIntent') {
        turn.log.info({ event: 'skill.unknown_intent', intent: request.intent.name }, 'intent without a handler');
      }
      return input.responseBuilder.speak(turn.say(turn.prompts.fallback(turn.named))).reprompt(turn.say(turn.prompts.reprompt(turn.named))).getResponse();
    },
  };
}

/** SessionEndedRequest: nothing may be spoken; the reason (and any error Alexa reports) is logged. */
export function sessionEndedHandler(deps: SkillDeps): RequestHandler {
  return {
    canHandle: (input: HandlerInput) => input.requestEnvelope.request.type === 'SessionEndedRequest',
    handle(input: HandlerInput): Response {
      const request = input.requestEnvelope.request as SessionEndedRequest;
      const level = request.reason === 'ERROR' ? 'warn' : 'info';
      turnOf(input, deps).log[level]({ event: 'skill.session_ended', reason: request.reason, error: request.error }, 'session ended');
      return input.responseBuilder.getResponse();
    },
  };
}

/** Request types the skill does not use (display events, purchase results…): acknowledged, silent. */
export function unhandledRequestHandler(deps: SkillDeps): RequestHandler {
  return {
    canHandle: () => true,
    handle(input: HandlerInput): Response {
      turnOf(input, deps).log.info({ event: 'skill.unhandled_request', type: input.requestEnvelope.request.type }, 'request type without a handler');
      return input.responseBuilder.getResponse();
    },
  };
}
