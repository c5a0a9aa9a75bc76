import type { Logger } from '../log';
import type { Store } from '../store';
import type { AccessTokenClaims } from './access-tokens';
import type { RefreshTokens } from './refresh-tokens';

/** What a revocation listener learns: the refresh family whose tokens (refresh and access) were refused. */
export interface FamilyRevoked {
  familyId: string;
  reason: string;
}

/** Called after a family's access tokens are marked revoked in the store; it must not throw (errors are logged). */
export type RevocationListener = (revoked: FamilyRevoked) => void;

/**
 * Revocation of what the authorization server issued. Refresh families are marked revoked in place;
 * access tokens (self-contained JWTs) are refused through a marker keyed by their family id that lives
 * as long as an access token can.
 */
export class Revocations {
  private readonly listeners = new Set<RevocationListener>();

  constructor(
    private readonly store: Store,
    private readonly refreshTokens: RefreshTokens,
    private readonly accessTokenTtlSec: number,
    private readonly log: Logger,
  ) {
    // Families revoked inside RefreshTokens (reuse of an old refresh token) lose their access tokens too.
    refreshTokens.onFamilyRevoked((familyId, reason) => this.refuseAccessTokens(familyId, reason));
  }

  /** Revokes a family: its refresh tokens and every access token minted from it. */
  async revokeFamily(familyId: string, reason: string): Promise<void> {
    await this.refuseAccessTokens(familyId, reason);
    await this.refreshTokens.revokeFamilyRecord(familyId, reason);
  }

  /**
   * Subscribes to every revocation this process makes, whichever path made it (RFC 7009, unlink,
   * SkillDisabled, operator, CLI, refresh token reuse, code replay): caches of revocation answers
   * (the skill's RevocationCache) forget theirs here. Returns the unsubscribe function.
   */
  onRevoked(listener: RevocationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Marks the family's access tokens revoked, for as long as one of them could still be valid. */
  private async refuseAccessTokens(familyId: string, reason: string): Promise<void> {
    await this.store.set(markerKey(familyId), reason, this.accessTokenTtlSec * 1000 + 60_000);
    // Emitted after the marker is written, so a listener that asks the store again sees the revocation.
    for (const listener of this.listeners) {
      try {
        listener({ familyId, reason });
      } catch (error) {
        this.log.error({ event: 'grants.revocation_listener_failed', familyId, err: error }, 'a revocation listener failed');
      }
    }
  }

  /**
   * Revokes everything a user granted, or with `clientIds` only their grants to those clients (the skill
   * being disabled ends the Alexa clients' grants, not the user's sessions with the company's app);
   * returns how many grants were live.
   */
  async revokeUser(userId: string, reason: string, clientIds?: ReadonlySet<string>): Promise<number> {
    let live = 0;
    for (const familyId of await this.refreshTokens.familiesOf(userId)) {
      let family = await this.refreshTokens.get(familyId);
      if (!family) {
        await this.refreshTokens.unlist(userId, familyId);
        // A new family and its entry in a user's set are written at once (RefreshTokens.begin), in order
        // on one Redis node but in either order on a Cluster: a family appearing meanwhile is put back
        // and revoked rather than left off the list, where no later revocation would find it.
        family = await this.refreshTokens.get(familyId);
        if (!family) continue;
        await this.refreshTokens.relist(family);
      }
      if (clientIds !== undefined && !clientIds.has(family.clientId)) continue;
      if (family.revokedAt === undefined) live += 1;
      await this.revokeFamily(familyId, reason);
    }
    this.log.info({ event: 'grants.user_revoked', userId, grants: live, reason, ...(clientIds === undefined ? {} : { clientIds: [...clientIds] }) }, 'revoked the grants of a user');
    return live;
  }

  /** True when the access token's family was revoked. */
  async isRevoked(claims: Pick<AccessTokenClaims, 'sid'>): Promise<boolean> {
    return (await this.store.get(markerKey(claims.sid))) !== null;
  }
}

function markerKey(familyId: string): string {
  return `revoked-sid:${familyId}`;
}
