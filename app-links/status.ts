import type { AppLinksContext } from './context';
import { AppLinkError } from './errors';
import type { AppUser } from './users/user-tokens';

/** The link as the app shows it, straight from the Skill Enablement API. */
export interface LinkStatus {
  /** True when the skill is enabled and the account linked. */
  linked: boolean;
  enablementStatus: string | null;
  accountLinkStatus: string | null;
  stage: string | null;
  linkedAt: string | null;
  /** Why `linked` is false when Amazon was not asked: never linked from the app, or the Amazon grant is gone. */
  reason?: 'not_linked_from_app' | 'skill_disabled';
}

/** Asks Amazon about the user's link (refreshing the stored Amazon token when its hour is over). */
export async function linkStatus(ctx: AppLinksContext, user: AppUser): Promise<LinkStatus> {
  const alexa = ctx.alexa();
  let current;
  try {
    current = await ctx.links.accessToken(user.userId);
  } catch (error) {
    if (error instanceof AppLinkError && error.appCode === 'skill_disabled') return notLinked('skill_disabled');
    throw error;
  }
  if (!current) return notLinked('not_linked_from_app');
  try {
    const status = await alexa.status(current.link.host, current.accessToken);
    return {
      linked: status.enablementStatus === 'ENABLED' && status.accountLinkStatus === 'LINKED',
      enablementStatus: status.enablementStatus,
      accountLinkStatus: status.accountLinkStatus ?? null,
      stage: status.stage ?? current.link.stage,
      linkedAt: new Date(current.link.linkedAt).toISOString(),
    };
  } catch (error) {
    if (error instanceof AppLinkError && error.appCode === 'skill_disabled') {
      // 401: the user disabled the skill, which revoked the Amazon token; there is nothing left to ask with.
      await ctx.links.delete(user.userId);
      return notLinked('skill_disabled');
    }
    throw error;
  }
}

export interface UnlinkResult {
  linked: false;
  /** True when Amazon disabled the skill now; false when there was no Amazon link we could act on. */
  amazonDisabled: boolean;
  /** How many grants of ours (refresh families) were live and are now revoked. */
  revokedGrants: number;
}

/**
 * Disables the skill for the user at Amazon, then revokes every grant of ours and forgets the Amazon
 * tokens. If Amazon cannot be reached nothing changes, so the user can simply try again.
 */
export async function unlink(ctx: AppLinksContext, user: AppUser): Promise<UnlinkResult> {
  const alexa = ctx.alexa();
  let amazonDisabled = false;
  let current;
  try {
    current = await ctx.links.accessToken(user.userId);
  } catch (error) {
    if (!(error instanceof AppLinkError && error.appCode === 'skill_disabled')) throw error;
  }
  if (current) {
    try {
      amazonDisabled = await alexa.disable(current.link.host, current.accessToken);
    } catch (error) {
      // 401: already disabled at Amazon (its token went with it), which is what the user wants.
      if (!(error instanceof AppLinkError && error.appCode === 'skill_disabled')) throw error;
    }
  }
  const revokedGrants = await revokeAlexaGrants(ctx, user.userId);
  await ctx.links.delete(user.userId);
  ctx.services.log.info({ event: 'app_links.unlinked', userId: user.userId, amazonDisabled, revokedGrants }, 'Alexa link removed from the app');
  return { linked: false, amazonDisabled, revokedGrants };
}

/**
 * Revokes the user's grants to the Alexa clients only: the app's own session (a token of ours issued to
 * the app client) must survive the unlink it asked for. With accounts in another provider there are
 * usually none, and nothing else is touched.
 */
async function revokeAlexaGrants(ctx: AppLinksContext, userId: string): Promise<number> {
  const { refreshTokens, revocations, clients } = ctx.services;
  let revoked = 0;
  for (const familyId of await refreshTokens.familiesOf(userId)) {
    const family = await refreshTokens.get(familyId);
    if (!family || !clients.isAlexa(family.clientId) || family.revokedAt !== undefined) continue;
    await revocations.revokeFamily(familyId, 'unlinked from the app');
    revoked += 1;
  }
  return revoked;
}

function notLinked(reason: LinkStatus['reason']): LinkStatus {
  return { linked: false, enablementStatus: null, accountLinkStatus: null, stage: null, linkedAt: null, reason };
}
