import type { HandlerInput, RequestHandler } from 'ask-sdk-core';
import type { Response } from 'ask-sdk-model';
import { accessTokenOf } from '../linking/account-linking';
import { type SkillDeps, turnOf } from './deps';

/**
 * Skill lifecycle events. SkillAccountLinked records which of our users the Alexa user is;
 * SkillDisabled revokes everything our server issued to Alexa for that user (found through the recorded
 * mapping, or the event's token when it carries one). Others are acknowledged and logged.
 */
export function skillEventsHandler(deps: SkillDeps): RequestHandler {
  return {
    canHandle: (input: HandlerInput) => input.requestEnvelope.request.type.startsWith('AlexaSkillEvent.'),
    async handle(input: HandlerInput): Promise<Response> {
      const turn = turnOf(input, deps);
      const envelope = input.requestEnvelope;
      const type = envelope.request.type;
      const alexaUserId = envelope.context.System.user.userId;
      const links = deps.linking.links;
      const resolver = deps.linking.resolver;

      if (type === 'AlexaSkillEvent.SkillAccountLinked') {
        const body = (envelope.request as { body?: { accessToken?: unknown } }).body;
        const token = typeof body?.accessToken === 'string' && body.accessToken !== '' ? body.accessToken : accessTokenOf(envelope);
        const resolution = token === undefined ? { linked: false as const, reason: 'event carries no access token' } : await resolver.resolve(token);
        if (resolution.linked) {
          await links.record(alexaUserId, resolution.user.userId);
          turn.log.info({ event: 'skill.account_linked', userId: resolution.user.userId }, 'Alexa account linked');
        } else {
          turn.log.warn({ event: 'skill.account_linked_unresolved', reason: resolution.reason }, 'account-linked event with an unusable token');
        }
      } else if (type === 'AlexaSkillEvent.SkillDisabled') {
        // Read, revoke, then forget: if revoking fails, the mapping stays so a later event can still revoke.
        let userId = await links.userOf(alexaUserId);
        const token = accessTokenOf(envelope);
        if (userId === undefined && token !== undefined) {
          const resolution = await resolver.resolve(token);
          if (resolution.linked) userId = resolution.user.userId;
        }
        if (userId === undefined) {
          turn.log.info({ event: 'skill.disabled_unknown_user' }, 'skill disabled by a user with no known link');
        } else {
          // Only Alexa's grants: disabling the skill must not sign the user out of the company's own app.
          const grants = await deps.revocations.revokeUser(userId, 'skill disabled', deps.alexaClientIds);
          resolver.forgetCached();
          await links.forget(alexaUserId);
          turn.log.info({ event: 'skill.disabled', userId, grants }, 'skill disabled: grants revoked');
        }
      } else {
        turn.log.info({ event: 'skill.lifecycle_event', type }, 'skill event');
      }
      return input.responseBuilder.getResponse();
    },
  };
}
