import type { HandlerInput, RequestHandler } from 'ask-sdk-core';
import type { Response } from 'ask-sdk-model';
import { setSessionState, type SkillDeps, turnOf } from './deps';

/** Opens the skill: greets a linked user by name; offers linking at launch when configured. */
export function launchHandler(deps: SkillDeps): RequestHandler {
  return {
    canHandle: (input: HandlerInput) => input.requestEnvelope.request.type === 'LaunchRequest',
    async handle(input: HandlerInput): Promise<Response> {
      const turn = turnOf(input, deps);
      const { prompts, named } = turn;
      const user = await deps.kit.linkedUser(input);
      const profile = user ? await deps.profiles.profileOf(user, turn.log) : undefined;
      const reprompt = turn.say(prompts.reprompt(named));
      if (profile) return input.responseBuilder.speak(turn.say(prompts.welcomeBack({ ...named, name: profile.displayName }))).reprompt(reprompt).getResponse();
      if (deps.linkAtLaunch && deps.voiceForward) {
        // Ask first: the linking dialog starts only after the user says yes (YesIntent).
        setSessionState(input, { offer: 'link' });
        const offer = turn.say(prompts.offerLink(named));
        return input.responseBuilder.speak(offer).reprompt(offer).getResponse();
      }
      if (deps.linkAtLaunch) return input.responseBuilder.speak(turn.say(prompts.welcomeWithLinkCard(named))).reprompt(reprompt).withLinkAccountCard().getResponse();
      return input.responseBuilder.speak(turn.say(prompts.welcome(named))).reprompt(reprompt).getResponse();
    },
  };
}
