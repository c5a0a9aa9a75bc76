import type { HandlerInput, RequestHandler } from 'ask-sdk-core';
import type { Response } from 'ask-sdk-model';
import type { LinkedProfile } from '../profiles';
import { isIntent, setSessionState, slotValue, type SkillDeps, turnOf } from './deps';
import { linkAccountCard } from './linking-responses';

/** Books the demo ride for a linked user, optionally after a spoken prefix (e.g. "your account is linked"). */
export function bookRide(input: HandlerInput, deps: SkillDeps, profile: LinkedProfile, destination: string | undefined, prefix?: string): Response {
  const turn = turnOf(input, deps);
  const minutes = deps.rides.etaMinutes(`${profile.userId}:${destination ?? ''}`);
  const text = turn.prompts.rideOrdered({ ...turn.named, name: profile.displayName, minutes, ...(destination ? { destination } : {}) });
  turn.log.info({ event: 'skill.ride_ordered', userId: profile.userId }, 'ride ordered');
  setSessionState(input, {});
  return input.responseBuilder
    .speak(prefix ? turn.say(prefix, text) : turn.say(text))
    .withShouldEndSession(true)
    .getResponse();
}

/**
 * The intent that needs the account: orders a ride using the user's profile (their name). The account
 * gate has already answered requests without a usable token; an account that no longer exists gets
 * the LinkAccount card.
 */
export function orderRideHandler(deps: SkillDeps): RequestHandler {
  return {
    canHandle: (input: HandlerInput) => isIntent(input, 'OrderRideIntent'),
    async handle(input: HandlerInput): Promise<Response> {
      const turn = turnOf(input, deps);
      const destination = slotValue(input, 'destination');
      const user = await deps.kit.linkedUser(input);
      const profile = user ? await deps.profiles.profileOf(user, turn.log) : undefined;
      if (!profile) return linkAccountCard(input, deps, destination ? { then: 'order', destination } : { then: 'order' });
      return bookRide(input, deps, profile, destination);
    },
  };
}
