import type { RequestEnvelope } from 'ask-sdk-model';
import type { KitLogger } from '../shared/log';
import { tokensOf } from './linked-user';
import type { LinkStore } from './links';
import type { TokenResolver } from './resolvers/token-resolver';

/** What handling a skill event needs. */
export interface SkillEventDeps {
  resolver: TokenResolver;
  links: LinkStore;
  /**
   * Revokes what the issuer granted Alexa for a user (SkillDisabled); answers how many grants it revoked.
   * Without it, SkillDisabled only forgets the kit's caches and mappings.
   */
  revoke?: ((userId: string) => Promise<number | void>) | undefined;
  /** Revokes the tokens a SkillDisabled event carries at their issuer (RFC 7009). */
  revokeTokens?: ((tokens: string[]) => Promise<void>) | undefined;
  log: KitLogger;
}

/**
 * Alexa's skill lifecycle events. SkillAccountLinked records which company user the Alexa account is;
 * SkillDisabled revokes every user recorded for the Alexa account (account and persons), found through
 * the recorded mappings or the event's token, then forgets caches and mappings. Read, revoke, then forget:
 * if revoking fails, the mappings stay so a retried event can still revoke. Other events are logged.
 */
export async function handleSkillEvent(envelope: RequestEnvelope, deps: SkillEventDeps): Promise<void> {
  const type = (envelope.request as { type: string }).type;
  const tokens = tokensOf(envelope);
  if (type === 'AlexaSkillEvent.SkillAccountLinked') {
    const body = (envelope.request as { body?: { accessToken?: unknown } }).body;
    const token = typeof body?.accessToken === 'string' && body.accessToken !== '' && body.accessToken.length <= 4096 ? body.accessToken : tokens.userToken;
    const resolution = token === undefined ? { linked: false as const, reason: 'event carries no access token' } : await deps.resolver.resolve(token);
    if (resolution.linked) {
      await deps.links.remember(tokens.alexaUserId, undefined, resolution.user.userId, resolution.user.grantId);
      deps.log.info({ event: 'skill.account_linked', userId: resolution.user.userId }, 'Alexa account linked');
    } else {
      deps.log.warn({ event: 'skill.account_linked_unresolved', reason: resolution.reason }, 'account-linked event with an unusable token');
    }
    return;
  }
  if (type === 'AlexaSkillEvent.SkillDisabled') {
    const userIds = new Set(await deps.links.usersOf(tokens.alexaUserId));
    const carried = [tokens.userToken, tokens.personToken].filter((token): token is string => token !== undefined);
    if (deps.revokeTokens && carried.length > 0) {
      await deps.revokeTokens(carried);
      deps.log.info({ event: 'skill.disabled_tokens_revoked', tokens: carried.length }, 'skill disabled: the event\'s tokens revoked at the issuer');
    }
    for (const token of [tokens.userToken, tokens.personToken]) {
      if (userIds.size > 0 || token === undefined) continue;
      const resolution = await deps.resolver.resolve(token);
      if (resolution.linked) userIds.add(resolution.user.userId);
    }
    if (userIds.size === 0) {
      deps.log.info({ event: 'skill.disabled_unknown_user' }, 'skill disabled by a user with no known link');
      return;
    }
    for (const userId of userIds) {
      const grants = deps.revoke ? await deps.revoke(userId) : undefined;
      deps.log.info({ event: 'skill.disabled', userId, ...(typeof grants === 'number' ? { grants } : {}) }, 'skill disabled: grants revoked');
    }
    deps.resolver.forgetCached();
    await deps.links.forget(tokens.alexaUserId);
    return;
  }
  deps.log.info({ event: 'skill.lifecycle_event', type }, 'skill event');
}
