import { SkillBuilders, type HandlerInput, type Skill } from 'ask-sdk-core';
import { createLinkingKit, type LinkStore, type TokenResolver } from '../../kit/ask-sdk';
import type { Logger } from '../log';
import { accountGate } from './handlers/account-gate';
import { availabilityHandler } from './handlers/availability';
import { fallbackHandler, helpHandler, sessionEndedHandler, stopHandler, unhandledRequestHandler } from './handlers/builtins';
import type { InvocationContext, SkillDeps } from './handlers/deps';
import { apologyHandler } from './handlers/failures';
import { launchHandler } from './handlers/launch';
import { linkAccountHandler } from './handlers/link-account';
import { orderRideHandler } from './handlers/order-ride';
import { resumeAnswer } from './handlers/session-resumed';
import { noHandler, yesHandler } from './handlers/yes-no';
import type { Profiles } from './profiles';
import type { RideCatalogue } from './rides';

/** What the demo skill is built from; linking itself comes from the public kit. */
export interface RideHailerOptions {
  skillName: string;
  voiceForward: boolean;
  linkAtLaunch: boolean;
  /** Token → user (the service's in-process verifier for its own tokens, or LWA / OIDC). */
  resolver: TokenResolver;
  links: LinkStore;
  /** Revokes Alexa's grants for a user when the skill is disabled. */
  revoke: (userId: string) => Promise<number>;
  profiles: Profiles;
  rides: RideCatalogue;
  /** Used when a request carries no request-scoped logger (never in the HTTP path). */
  log: Logger;
}

/**
 * The Ride Hailer custom skill (ask-sdk-core), a consumer of linkwright/ask-sdk like any company's skill.
 * Handlers are tried in order: the kit's (skill events, voice-forward resume), lifecycle, the account gate
 * (intents that need a linked account), the skill's intents, built-ins, then catch-alls. Verification
 * happens before invoke, in the HTTP endpoint.
 */
export function createRideHailerSkill(options: RideHailerOptions): Skill {
  const logOf = (input: HandlerInput): Logger => (input.context as InvocationContext | undefined)?.log ?? options.log;
  const deps: SkillDeps = {
    skillName: options.skillName,
    voiceForward: options.voiceForward,
    linkAtLaunch: options.linkAtLaunch,
    profiles: options.profiles,
    rides: options.rides,
    log: options.log,
    kit: createLinkingKit({
      skillName: options.skillName,
      resolver: options.resolver,
      links: options.links,
      revoke: options.revoke,
      voiceForward: options.voiceForward,
      // The demo has its own LinkAccountIntent (it greets by name) and starts no other connections.
      linkAccountIntent: false,
      handleForeignResumes: true,
      onResume: (input, result) => resumeAnswer(input, deps, result),
      log: logOf,
    }),
  };
  return SkillBuilders.custom()
    .addRequestInterceptors(deps.kit.requestInterceptor)
    .addRequestHandlers(
      ...deps.kit.requestHandlers,
      sessionEndedHandler(deps),
      launchHandler(deps),
      accountGate(deps),
      availabilityHandler(deps),
      orderRideHandler(deps),
      linkAccountHandler(deps),
      yesHandler(deps),
      noHandler(deps),
      helpHandler(deps),
      stopHandler(deps),
      fallbackHandler(deps),
      unhandledRequestHandler(deps),
    )
    .addErrorHandlers(apologyHandler(deps))
    .withCustomUserAgent('linkwright')
    .create();
}
