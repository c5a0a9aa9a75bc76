import type { HandlerInput, RequestHandler } from 'ask-sdk-core';
import type { Response } from 'ask-sdk-model';
import { CUSTOM_INTENTS } from '../intents';
import { type SkillDeps, turnOf } from './deps';
import { startLinking } from './linking-responses';

/**
 * Runs before the intent handlers: an intent declared `needsAccount` without a usable token gets the
 * linking answer (voice-forward or card) instead of its handler.
 */
export function accountGate(deps: SkillDeps): RequestHandler {
  return {
    async canHandle(input: HandlerInput): Promise<boolean> {
      const request = input.requestEnvelope.request;
      if (request.type !== 'IntentRequest' || !CUSTOM_INTENTS[request.intent.name]?.needsAccount) return false;
      return (await deps.kit.linkedUser(input)) === undefined;
    },
    handle(input: HandlerInput): Response {
      const request = input.requestEnvelope.request;
      const name = request.type === 'IntentRequest' ? request.intent.name : '';
      const pending = CUSTOM_INTENTS[name]?.pending?.(input) ?? { then: 'welcome' as const };
      turnOf(input, deps).log.info({ event: 'skill.link_required', intent: name }, 'intent needs a linked account');
      return startLinking(input, deps, pending);
    },
  };
}
