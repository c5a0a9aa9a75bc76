import type { Logger } from '../log';
import type { RefreshTokens } from '../oauth/refresh-tokens';
import type { Revocations } from '../oauth/revocations';

/** What became of two grants seen for the same Alexa account (and person). */
export type GrantOutcome = 'replaced' | 'stale' | 'kept';

/** Decides which of two grants of one Alexa link is the live one and revokes the other. */
export type GrantReplacement = (previousGrantId: string, presentedGrantId: string) => Promise<GrantOutcome>;

/**
 * When a new grant becomes the link of an Alexa account (or of a recognized person in it), the earlier
 * grant of that link is revoked: Alexa holds only the newest, so the older refresh token would otherwise
 * stay redeemable for up to the idle TTL. Of the two grants the one created later wins, whichever is
 * presented: a request still carrying the earlier grant's access token (valid for its hour) revokes that
 * earlier grant, never the newer one. Only two grants of the same Alexa client are compared (the company's
 * own apps keep theirs), and a grant of another user is replaced too (the Alexa account now links elsewhere). Two
 * Amazon accounts linked to one company account are two Alexa user ids, so neither replaces the other.
 */
export function grantReplacement(refreshTokens: Pick<RefreshTokens, 'get'>, revocations: Pick<Revocations, 'revokeFamily'>, alexaClientIds: ReadonlySet<string>, log: Logger): GrantReplacement {
  return async (previousId, presentedId) => {
    const [previous, presented] = await Promise.all([refreshTokens.get(previousId), refreshTokens.get(presentedId)]);
    if (!presented || !alexaClientIds.has(presented.clientId)) return 'kept';
    if (!previous || previous.revokedAt !== undefined) return 'replaced';
    if (previous.clientId !== presented.clientId) return 'kept';
    const [older, outcome] = presented.createdAt >= previous.createdAt ? [previous, 'replaced' as const] : [presented, 'stale' as const];
    await revocations.revokeFamily(older.id, 'replaced by a newer link of the same Alexa account');
    log.info({ event: 'skill.grant_replaced', userId: older.userId, grant: older.id.slice(0, 8), outcome }, 'an earlier grant of this Alexa link revoked');
    return outcome;
  };
}
