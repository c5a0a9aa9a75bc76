import type { Clock } from '../clock';
import { randomToken, safeEqual, sha256 } from '../crypto-utils';
import { OAuthError } from '../errors';
import type { Logger } from '../log';
import type { Store } from '../store';

/**
 * A refresh family: every refresh token descended from one authorization. Tokens are opaque
 * `<familyId>.<secret>`; only SHA-256 hashes of secrets are stored.
 */
export interface RefreshFamily {
  id: string;
  clientId: string;
  userId: string;
  scope: string;
  /** Hashes of the tokens that may be redeemed now: the newest, plus any re-issued in the grace window. */
  current: string[];
  /** Hash of the token redeemed last; redeemable again until `previousValidUntil` (Alexa retries). */
  previous: string | null;
  previousValidUntil: number;
  createdAt: number;
  lastUsedAt: number;
  revokedAt?: number;
  revokedReason?: string;
}

export interface RefreshPolicy {
  /** 0: no absolute lifetime. */
  lifetimeSec: number;
  /** 0: an unused token never expires. */
  idleTtlSec: number;
  graceSec: number;
}

/** How long a revoked family is kept, so a later attempt is told "revoked" rather than "unknown". */
const REVOKED_RETENTION_MS = 7 * 86_400_000;
/** Re-issues allowed inside one grace window before the retries are treated as abuse. */
const MAX_CURRENT = 5;

/** Called after a family was revoked here, whichever path revoked it. */
export type FamilyRevokedListener = (familyId: string, reason: string) => Promise<void>;

/** Issues, rotates and revokes refresh tokens. */
export class RefreshTokens {
  private readonly revokedListeners: FamilyRevokedListener[] = [];

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly policy: RefreshPolicy,
    private readonly log: Logger,
  ) {}

  /**
   * Registers a callback run after every family revocation, including the one reuse detection does
   * inside `rotate`; Revocations uses it so a stolen refresh token also ends the family's access tokens.
   */
  onFamilyRevoked(listener: FamilyRevokedListener): void {
    this.revokedListeners.push(listener);
  }

  /** Starts a new family for a grant and returns its first token. */
  async issue(grant: { userId: string; clientId: string; scope: string }): Promise<{ token: string; family: RefreshFamily }> {
    const id = randomToken(16);
    const secret = randomToken(32);
    const now = this.clock.now();
    const family: RefreshFamily = {
      id,
      ...grant,
      current: [sha256(secret)],
      previous: null,
      previousValidUntil: 0,
      createdAt: now,
      lastUsedAt: now,
    };
    await this.store.set(familyKey(id), JSON.stringify(family), this.ttlMs(family));
    await this.store.addToSet(userKey(grant.userId), id);
    return { token: `${id}.${secret}`, family };
  }

  /**
   * Redeems a refresh token for a new one (rotation). The presented token must be current, or the
   * immediately previous one within the grace window; anything older means the token leaked, and
   * the whole family is revoked.
   */
  async rotate(presented: string, clientId: string): Promise<{ token: string; family: RefreshFamily }> {
    const parsed = parse(presented);
    if (!parsed) throw invalid('The refresh token is malformed.', 'refresh token malformed');
    const presentedHash = sha256(parsed.secret);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const raw = await this.store.get(familyKey(parsed.familyId));
      if (raw === null) throw invalid('The refresh token is unknown or has expired.', 'refresh family unknown or expired');
      const family = JSON.parse(raw) as RefreshFamily;
      const now = this.clock.now();
      if (family.clientId !== clientId) throw invalid('The refresh token was issued to another client.', 'refresh token client mismatch');
      if (family.revokedAt !== undefined) throw invalid('The refresh token has been revoked.', `refresh family revoked (${family.revokedReason ?? 'revoked'})`);
      if (this.expired(family, now)) throw invalid('The refresh token has expired.', 'refresh family expired');

      const secret = randomToken(32);
      const next: RefreshFamily = { ...family, lastUsedAt: now };
      if (family.current.some((hash) => safeEqual(hash, presentedHash))) {
        next.previous = presentedHash;
        next.previousValidUntil = now + this.policy.graceSec * 1000;
        next.current = [sha256(secret)];
      } else if (family.previous !== null && safeEqual(family.previous, presentedHash) && now <= family.previousValidUntil) {
        // A retry of the last rotation (the answer was lost): the siblings stay valid, so whichever
        // answer Alexa kept works, and the one it kept becomes the only valid one once it is used.
        next.current = [...family.current, sha256(secret)].slice(-MAX_CURRENT);
      } else {
        await this.revokeFamilyRecord(parsed.familyId, 'refresh token reused');
        const outside = family.previous !== null && safeEqual(family.previous, presentedHash);
        throw invalid(
          'The refresh token was already used; the grant has been revoked. Link the account again.',
          outside ? 'refresh token reused after the grace window' : 'refresh token reused (older generation)',
        );
      }
      if (await this.store.compareAndSet(familyKey(family.id), raw, JSON.stringify(next), this.ttlMs(next))) {
        return { token: `${family.id}.${secret}`, family: next };
      }
      // Another request rotated the family between our read and write: read again and re-decide.
    }
    throw new OAuthError('temporarily_unavailable', 'The refresh token is being used concurrently; retry.', 503, 'refresh rotation contended');
  }

  /** The family a refresh token belongs to, if the token is current and the family alive (for revocation). */
  async findLive(presented: string): Promise<RefreshFamily | undefined> {
    const parsed = parse(presented);
    if (!parsed) return undefined;
    const raw = await this.store.get(familyKey(parsed.familyId));
    if (raw === null) return undefined;
    const family = JSON.parse(raw) as RefreshFamily;
    const hash = sha256(parsed.secret);
    const known = family.current.some((h) => safeEqual(h, hash)) || (family.previous !== null && safeEqual(family.previous, hash));
    return known && family.revokedAt === undefined ? family : undefined;
  }

  /** Reads a family by id (revoked ones too, while they are kept). */
  async get(familyId: string): Promise<RefreshFamily | undefined> {
    const raw = await this.store.get(familyKey(familyId));
    return raw === null ? undefined : (JSON.parse(raw) as RefreshFamily);
  }

  /** The ids of every family a user has been granted (live or recently revoked). */
  async familiesOf(userId: string): Promise<string[]> {
    return this.store.members(userKey(userId));
  }

  /** Revokes one family; true when it was live. */
  async revokeFamilyRecord(familyId: string, reason: string): Promise<boolean> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const raw = await this.store.get(familyKey(familyId));
      if (raw === null) return false;
      const family = JSON.parse(raw) as RefreshFamily;
      if (family.revokedAt !== undefined) return false;
      const revoked: RefreshFamily = { ...family, current: [], previous: null, revokedAt: this.clock.now(), revokedReason: reason };
      if (await this.store.compareAndSet(familyKey(familyId), raw, JSON.stringify(revoked), REVOKED_RETENTION_MS)) {
        this.log.info({ event: 'refresh.family_revoked', familyId, userId: family.userId, reason }, 'refresh family revoked');
        for (const listener of this.revokedListeners) await listener(familyId, reason);
        return true;
      }
    }
    return false;
  }

  /** Whether a grant can still be refreshed: 'revoked', 'expired' (a lifetime passed) or 'active'. */
  status(family: RefreshFamily): 'active' | 'expired' | 'revoked' {
    if (family.revokedAt !== undefined) return 'revoked';
    return this.expired(family, this.clock.now()) ? 'expired' : 'active';
  }

  private expired(family: RefreshFamily, now: number): boolean {
    if (this.policy.lifetimeSec > 0 && now >= family.createdAt + this.policy.lifetimeSec * 1000) return true;
    if (this.policy.idleTtlSec > 0 && now >= family.lastUsedAt + this.policy.idleTtlSec * 1000) return true;
    return false;
  }

  /** The store TTL: until the family would expire anyway (plus a day, so expiry is reported as such). */
  private ttlMs(family: RefreshFamily): number | undefined {
    const limits: number[] = [];
    if (this.policy.lifetimeSec > 0) limits.push(family.createdAt + this.policy.lifetimeSec * 1000);
    if (this.policy.idleTtlSec > 0) limits.push(family.lastUsedAt + this.policy.idleTtlSec * 1000);
    if (limits.length === 0) return undefined;
    return Math.max(1000, Math.min(...limits) - this.clock.now() + 86_400_000);
  }
}

function invalid(description: string, reason: string): OAuthError {
  return new OAuthError('invalid_grant', description, 400, reason);
}

function parse(token: string): { familyId: string; secret: string } | undefined {
  const match = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(token);
  return match ? { familyId: match[1] as string, secret: match[2] as string } : undefined;
}

function familyKey(id: string): string {
  return `family:${id}`;
}

function userKey(userId: string): string {
  return `user-families:${userId}`;
}
