import type { HandlerInput } from 'ask-sdk-core';
import { slotValue } from './handlers/deps';
import type { PendingAction } from './pending-action';

/** What an intent of the interaction model needs before it may run. */
export interface IntentDeclaration {
  /** True when the intent acts for the user and so needs a linked account. */
  needsAccount: boolean;
  /** What to carry on with once linking succeeds (intents that need the account). */
  pending?: (input: HandlerInput) => PendingAction;
}

/**
 * The demo skill's own intents and whether each needs a linked account. The account gate reads this
 * table, so a new intent that acts for the user is protected by declaring it here.
 */
export const CUSTOM_INTENTS: Readonly<Record<string, IntentDeclaration>> = {
  RideAvailabilityIntent: { needsAccount: false },
  OrderRideIntent: {
    needsAccount: true,
    pending: (input) => {
      const destination = slotValue(input, 'destination');
      return destination === undefined ? { then: 'order' } : { then: 'order', destination };
    },
  },
  LinkAccountIntent: { needsAccount: false },
};
