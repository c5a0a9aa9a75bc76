import { SkillBuilders, type Skill } from 'ask-sdk-core';
import { accountGate } from './handlers/account-gate';
import { availabilityHandler } from './handlers/availability';
import { fallbackHandler, helpHandler, sessionEndedHandler, stopHandler, unhandledRequestHandler } from './handlers/builtins';
import type { SkillDeps } from './handlers/deps';
import { apologyHandler } from './handlers/failures';
import { launchHandler } from './handlers/launch';
import { linkAccountHandler } from './handlers/link-account';
import { orderRideHandler } from './handlers/order-ride';
import { sessionResumedHandler } from './handlers/session-resumed';
import { skillEventsHandler } from './handlers/skill-events';
import { noHandler, yesHandler } from './handlers/yes-no';

/**
 * The Ride Hailer custom skill (ask-sdk-core). Handlers are tried in order: lifecycle events, the
 * account gate (intents that need a linked account), the skill's intents, built-ins, then catch-alls.
 * Verification happens before invoke, in the HTTP endpoint.
 */
export function createRideHailerSkill(deps: SkillDeps): Skill {
  return SkillBuilders.custom()
    .addRequestHandlers(
      skillEventsHandler(deps),
      sessionEndedHandler(deps),
      sessionResumedHandler(deps),
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
