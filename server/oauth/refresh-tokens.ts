import { createHmac, hash, timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock';
import { OAuthError } from '../errors';
import type { Logger } from '../log';
import type { ListedMember, Store } from '../store';
import { decodeFamily, encodeFamily, oneStepRotation } from './family-record';
import { pooledRandomToken } from './random-pool';

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
  /**
   * Hash of the token redeemed last, redeemable again until `previousValidUntil` (Alexa retries), for
   * families rotated before tokens were derived. With a `successorKey` it is null: the previous token is
   * the one whose derived successor is the current token, so its hash need not be kept.
   */
  previous: string | null;
  previousValidUntil: number;
  /**
   * The random key the current token was derived with from the previous one (HMAC of the previous
   * secret), so a retry of the previous token gets the very same successor. Absent on families
   * rotated before tokens were derived; those get a fresh sibling on a retry instead.
   */
  successorKey?: string;
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
/**
 * How long the revocation of a family that was never stored is kept. A code's spent marker names the
 * family before it is written, so a replay can revoke it first; the record only has to outlast the
 * moment until the redeeming request writes the family (and finds it revoked).
 */
const REVOKED_IN_ADVANCE_RETENTION_MS = 15 * 60_000;
/** How often one family's rotations extend its user's set, at most; the set outlives the family by as much. */
const SET_EXTENSION_INTERVAL_MS = 86_400_000;
/** How long a family's record outlives its expiry, so a late presentation is told "expired", not "unknown". */
const EXPIRED_KEPT_MS = 86_400_000;
/** Re-issues allowed inside one grace window before the retries are treated as abuse (families without `successorKey`). */
const MAX_CURRENT = 5;


/**
 * Where the grants of a user who has a record of their own (an account) are listed, in that record:
 * the list lives and goes with the account, for no more bytes than its ids (AccountDirectory).
 */
export interface GrantLists {
  /** Lists a grant; before writing, `settle` answers which of those already listed to keep. False when the user has no record. */
  addGrant(userId: string, grantId: string, settle: (listed: string[]) => Promise<string[]>): Promise<boolean>;
  grantsOf(userId: string): Promise<string[]>;
  removeGrant(userId: string, grantId: string): Promise<void>;
  /** Lists a grant in one store step sent at once, in the record or else in `orElse.setKey` (AccountDirectory.listGrantAtOnce). */
  listGrantAtOnce?(userId: string, grantId: string, orElse: { setKey: string; ttlMs?: number | undefined }): Promise<ListedMember>;
  /** Takes grants that are no longer stored off the list. */
  dropGrants?(userId: string, gone: string[]): Promise<void>;
}

/** Called after a family was revoked here, whichever path revoked it. */
export type FamilyRevokedListener = (familyId: string, reason: string) => Promise<void>;

/** Issues, rotates and revokes refresh tokens. */
export class RefreshTokens {
  private readonly revokedListeners: FamilyRevokedListener[] = [];
  /**
   * When this process last made sure a family's user set outlives it (extendUserSet), or listed the
   * family in an account instead; bounded, and a family forgotten here is simply extended again.
   */
  private readonly userSetKeptAt = new LRUCache<string, number>({ max: 10_000 });

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly policy: RefreshPolicy,
    private readonly log: Logger,
    /** Without it (or for a user it has no record of) a user's grants are listed in a set of their own. */
    private readonly lists?: GrantLists,
  ) {}

  /**
   * Registers a callback run after every family revocation, including the one reuse detection does
   * inside `rotate`; Revocations uses it so a stolen refresh token also ends the family's access tokens.
   */
  onFamilyRevoked(listener: FamilyRevokedListener): void {
    this.revokedListeners.push(listener);
  }

  /** A fresh family id, for a caller that must name the family before it is stored (code redemption). */
  newFamilyId(): string {
    return pooledRandomToken(16);
  }

  /** Starts a new family for a grant and returns its first token. */
  async issue(grant: { userId: string; clientId: string; scope: string }, familyId?: string): Promise<{ token: string; family: RefreshFamily }> {
    const { token, family, stored } = this.begin(grant, familyId);
    await stored;
    return { token, family };
  }

  /**
   * `issue` in two halves: the token and family now, and `stored`, which settles once the family is
   * written and listed among the user's grants (see list), so the caller can sign the access token while
   * the writes travel. The family is only written if its id is free: a family revoked in advance (its
   * code was replayed first, see revokeFamilyRecord) stays revoked.
   */
  begin(grant: { userId: string; clientId: string; scope: string }, familyId = this.newFamilyId()): { token: string; family: RefreshFamily; stored: Promise<void> } {
    const secret = pooledRandomToken(32);
    const now = this.clock.now();
    const family: RefreshFamily = {
      id: familyId,
      userId: grant.userId,
      clientId: grant.clientId,
      scope: grant.scope,
      current: [secretHash(secret)],
      previous: null,
      previousValidUntil: 0,
      createdAt: now,
      lastUsedAt: now,
    };
    const written = this.store.setIfAbsent(familyKey(familyId), this.encode(family), this.ttlMs(family));
    const stored = this.list(family, written).then((wasWritten) => (wasWritten ? undefined : this.keepRevoked(family)));
    return { token: `${familyId}.${secret}`, family, stored };
  }

  /**
   * Lists a family among its user's grants, for revoking them all: in the user's account when there is
   * one, else in the user's own set, which expires with the longest-lived of its families (extended on
   * every rotation). Whoever finds the family listed must find it stored: the listing either goes in
   * one store step applied after the family's own write (Store.listMember, on one Redis node), or,
   * where the store cannot promise that order (a Cluster), is written only once `written` has settled.
   * Listed grants that are gone are dropped. Answers what `written` answered.
   */
  private async list(family: RefreshFamily, written: Promise<boolean>): Promise<boolean> {
    const lists = this.lists;
    if (lists?.listGrantAtOnce) {
      // Sent beside the family's own write and applied after it (Store.listMember), so whoever finds
      // the family listed finds it stored, and a code exchange saves the round trip of a read.
      let listed: ListedMember;
      try {
        listed = await lists.listGrantAtOnce(family.userId, family.id, { setKey: userKey(family.userId), ttlMs: this.ttlMs(family) });
      } catch (error) {
        written.catch(() => undefined); // the caller hears of a failing store once, from here
        throw error;
      }
      if (listed.in !== 'neither') {
        if (listed.in === 'record') {
          this.userSetKeptAt.set(family.id, this.clock.now());
          // The grants listed before that are gone are dropped, as addGrant drops them: one read of the
          // others when there are any, and a write only when one has gone (a failed one leaves the list
          // longer until the next listing).
          const others = listed.members.filter((id) => id !== family.id);
          if (others.length > 0 && lists.dropGrants) {
            const stored = new Set(await this.existing(others).catch(() => others));
            const gone = others.filter((id) => !stored.has(id));
            if (gone.length > 0) await lists.dropGrants(family.userId, gone).catch(() => undefined);
          }
        }
        return written;
      }
    }
    if (lists) {
      let familyWritten: boolean | undefined;
      const listed = await lists.addGrant(family.userId, family.id, async (others) => {
        familyWritten = await written;
        return this.existing(others);
      });
      if (listed) {
        // Listed in the account, not in a set of the user's: no set needs keeping alive (extendUserSet).
        this.userSetKeptAt.set(family.id, this.clock.now());
        return familyWritten ?? written;
      }
    }
    const [wasWritten] = await Promise.all([written, this.store.addToSet(userKey(family.userId), family.id, this.ttlMs(family))]);
    return wasWritten;
  }

  /** Those of the families that are still stored (revoked ones included). */
  private async existing(familyIds: string[]): Promise<string[]> {
    const records = await Promise.all(familyIds.map((id) => this.store.get(familyKey(id))));
    return familyIds.filter((_, i) => records[i] !== null);
  }

  /**
   * Redeems a refresh token for a new one (rotation). The presented token must be current, or the
   * immediately previous one within the grace window; anything older means the token leaked, and
   * the whole family is revoked. `whileWriting` runs once the new state is decided and its write sent
   * (the token endpoint signs the access token there); it runs again if a concurrent rotation makes this
   * one re-read, and what it returns (or throws) counts only once the write has won.
   */
  async rotate<T>(presented: string, clientId: string, whileWriting: (family: RefreshFamily) => T): Promise<{ token: string; family: RefreshFamily; prepared: T }> {
    const parsed = parse(presented);
    if (!parsed) throw invalid('The refresh token is malformed.', 'refresh token malformed');
    const presentedHash = secretHash(parsed.secret);
    const rotated = await this.rotateInOneStep(parsed, presentedHash, clientId, whileWriting);
    if (rotated !== undefined) return rotated;
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const { value: raw, writeBy } = await this.store.readForUpdate(familyKey(parsed.familyId));
      if (raw === null) throw invalid('The refresh token is unknown or has expired.', 'refresh family unknown or expired');
      const family = this.decode(parsed.familyId, raw);
      const now = this.clock.now();
      if (family.clientId !== clientId) throw invalid('The refresh token was issued to another client.', 'refresh token client mismatch');
      if (family.revokedAt !== undefined) throw invalid('The refresh token has been revoked.', `refresh family revoked (${family.revokedReason ?? 'revoked'})`);
      if (this.expired(family, now)) throw invalid('The refresh token has expired.', 'refresh family expired');

      const next: RefreshFamily = { ...family, lastUsedAt: now };
      let secret: string;
      if (family.current.some((hash) => sameHash(hash, presentedHash))) {
        next.successorKey = pooledRandomToken(32);
        secret = successorSecret(next.successorKey, parsed.secret);
        // The presented token stays redeemable through the grace period, recognised by its successor.
        next.previous = null;
        next.previousValidUntil = now + this.policy.graceSec * 1000;
        next.current = [secretHash(secret)];
      } else if (this.isPrevious(family, parsed.secret, presentedHash) && now <= family.previousValidUntil) {
        if (family.successorKey !== undefined && this.isSuccessor(family, parsed.secret)) {
          // A retry of the last rotation (its answer was lost, or several presentations raced): it gets
          // the very successor the first one got, and nothing is written. However many times one token is
          // presented at once, every answer carries the one live token, none pushed out by a sibling; the
          // grace window is no wider than before, so a stolen old token gains nothing it did not have.
          const successor = successorSecret(family.successorKey, parsed.secret);
          return { token: `${family.id}.${successor}`, family, prepared: whileWriting(family) };
        }
        // A family rotated before successors were derived: the siblings stay valid, so whichever
        // answer Alexa kept works, and the one it kept becomes the only valid one once it is used.
        secret = pooledRandomToken(32);
        next.current = [...family.current, secretHash(secret)].slice(-MAX_CURRENT);
      } else {
        await this.revokeFamilyRecord(parsed.familyId, 'refresh token reused');
        const outside = this.isPrevious(family, parsed.secret, presentedHash);
        throw invalid(
          'The refresh token was already used; the grant has been revoked. Link the account again.',
          outside ? 'refresh token reused after the grace window' : 'refresh token reused (older generation)',
        );
      }
      // writeBy: a rotation held up in a stalled Redis past the moment its caller was answered 503 is
      // refused rather than applied later, which would leave the client holding only the consumed token
      // (its retry, after the grace window, would then look like reuse and revoke the grant).
      const ttl = this.ttlMs(next);
      const writing = this.store.compareAndSet(familyKey(family.id), raw, this.encode(next), ttl, writeBy);
      // When due, sent in the same tick (one pipelined round trip): see extendUserSet.
      if (ttl !== undefined) this.extendUserSet(next, ttl);
      let prepared: { value: T } | { error: unknown };
      try {
        prepared = { value: whileWriting(next) };
      } catch (error) {
        prepared = { error };
      }
      if (await writing) {
        if ('error' in prepared) throw prepared.error;
        return { token: `${family.id}.${secret}`, family: next, prepared: prepared.value };
      }
      // Another request rotated the family between our read and write: read again and re-decide.
    }
    throw new OAuthError('temporarily_unavailable', 'The refresh token is being used concurrently; retry.', 503, 'refresh rotation contended');
  }

  /**
   * The common rotation (the presented token is the family's one current token) as one store step:
   * the store checks and rewrites the record itself (Store.updateFields), so a refresh costs one round
   * trip rather than a read and a compare-and-set. Undefined when the record did not pass the guards
   * (a grace retry, reuse, another client, a revoked, expired or JSON family) or the TTL depends on the record
   * (REFRESH_TOKEN_LIFETIME without an idle TTL): `rotate` then reads and decides as it always did.
   */
  private async rotateInOneStep<T>(
    parsed: { familyId: string; secret: string },
    presentedHash: string,
    clientId: string,
    whileWriting: (family: RefreshFamily) => T,
  ): Promise<{ token: string; family: RefreshFamily; prepared: T } | undefined> {
    const { idleTtlSec, lifetimeSec, graceSec } = this.policy;
    if (idleTtlSec === 0 && lifetimeSec > 0) return undefined;
    const now = this.clock.now();
    const successorKey = pooledRandomToken(32);
    const secret = successorSecret(successorKey, parsed.secret);
    const nextHash = secretHash(secret);
    // With a lifetime, only a family that outlives the idle TTL gets the idle TTL (ttlMs' rule then);
    // an idle family (its record outlives that by a day, so it is reported as expired) is never written.
    const createdAtLeast = lifetimeSec > 0 ? now + idleTtlSec * 1000 - lifetimeSec * 1000 : 0;
    const usedAtLeast = idleTtlSec > 0 ? now - idleTtlSec * 1000 + 1 : 0;
    const ttl = idleTtlSec > 0 ? idleTtlSec * 1000 + EXPIRED_KEPT_MS : undefined;
    const update = oneStepRotation({ clientId, presentedHash, now, nextHash, successorKey, createdAtLeast, usedAtLeast, ttlMs: ttl });
    const { previous, written } = await this.store.updateFields(familyKey(parsed.familyId), update);
    if (previous === null) throw invalid('The refresh token is unknown or has expired.', 'refresh family unknown or expired');
    if (written === null) return undefined;
    const family = this.decode(parsed.familyId, previous);
    const next: RefreshFamily = { ...family, lastUsedAt: now, successorKey, previous: null, previousValidUntil: now + graceSec * 1000, current: [nextHash] };
    if (ttl !== undefined) this.extendUserSet(next, ttl);
    return { token: `${family.id}.${secret}`, family: next, prepared: whileWriting(next) };
  }

  /**
   * Keeps a user's own set of grants (a user without an account, or grants listed before accounts held
   * the list) alive as long as this family: the set is extended past the family's TTL by a day, so it
   * need be extended only once a day per family, not at every hourly rotation (a store command saved on
   * nearly every refresh: about 45 µs of this process's CPU at 10 connections). A set that does not
   * list the family is left alone by the store (extendSet), and a lost extension is retried next time.
   */
  private extendUserSet(family: RefreshFamily, ttlMs: number): void {
    const now = this.clock.now();
    const last = this.userSetKeptAt.get(family.id);
    if (last !== undefined && now - last < SET_EXTENSION_INTERVAL_MS) return;
    this.userSetKeptAt.set(family.id, now);
    this.store.extendSet(userKey(family.userId), family.id, ttlMs + SET_EXTENSION_INTERVAL_MS).catch(() => this.userSetKeptAt.delete(family.id));
  }

  /** Whether a presented token is the one redeemed last (by its stored hash, or by its derived successor). */
  private isPrevious(family: RefreshFamily, secret: string, presentedHash: string): boolean {
    return family.previous !== null ? sameHash(family.previous, presentedHash) : this.isSuccessor(family, secret);
  }

  /** Whether the family's current token is the one the last rotation derived from this previous secret. */
  private isSuccessor(family: RefreshFamily, previousSecret: string): boolean {
    if (family.successorKey === undefined || family.current.length !== 1) return false;
    return sameHash(family.current[0] as string, secretHash(successorSecret(family.successorKey, previousSecret)));
  }

  /** The family a refresh token belongs to, if the token is current and the family alive (for revocation). */
  async findLive(presented: string): Promise<RefreshFamily | undefined> {
    const parsed = parse(presented);
    if (!parsed) return undefined;
    const raw = await this.store.get(familyKey(parsed.familyId));
    if (raw === null) return undefined;
    const family = this.decode(parsed.familyId, raw);
    const presentedHash = secretHash(parsed.secret);
    const known = family.current.some((h) => sameHash(h, presentedHash)) || this.isPrevious(family, parsed.secret, presentedHash);
    return known && family.revokedAt === undefined ? family : undefined;
  }

  /** Reads a family by id (revoked ones too, while they are kept). */
  async get(familyId: string): Promise<RefreshFamily | undefined> {
    const raw = await this.store.get(familyKey(familyId));
    return raw === null ? undefined : this.decode(familyId, raw);
  }

  /**
   * The ids of every family a user has been granted (live or recently revoked). Those listed in the
   * user's account are all stored (a grant gone is left out here, and dropped from the list at the
   * user's next grant); those in a user's own set may name a family not stored yet (see revokeUser).
   */
  async familiesOf(userId: string): Promise<string[]> {
    const [inAccount, inSet] = await Promise.all([this.lists ? this.lists.grantsOf(userId).then((ids) => this.existing(ids)) : [], this.store.members(userKey(userId))]);
    return [...new Set([...inAccount, ...inSet])];
  }

  /** Takes a family that is gone off its user's lists. */
  async unlist(userId: string, familyId: string): Promise<void> {
    await Promise.all([this.lists?.removeGrant(userId, familyId), this.store.removeFromSet(userKey(userId), familyId)]);
  }

  /** Lists a stored family again (it was taken off while its write was still on its way). */
  async relist(family: RefreshFamily): Promise<void> {
    await this.list(family, Promise.resolve(true));
  }

  /**
   * Revokes one family; true when it was live. A family not stored (yet) is revoked in advance: a
   * revoked record takes its id, so a redemption still writing it (see AuthorizationCodes) cannot store
   * it live afterwards.
   */
  async revokeFamilyRecord(familyId: string, reason: string): Promise<boolean> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const raw = await this.store.get(familyKey(familyId));
      if (raw === null) {
        const now = this.clock.now();
        const placeholder: RefreshFamily = { id: familyId, clientId: '', userId: '', scope: '', current: [], previous: null, previousValidUntil: 0, createdAt: now, lastUsedAt: now, revokedAt: now, revokedReason: reason };
        if (!(await this.store.setIfAbsent(familyKey(familyId), this.encode(placeholder), REVOKED_IN_ADVANCE_RETENTION_MS))) continue; // stored meanwhile
        for (const listener of this.revokedListeners) await listener(familyId, reason);
        return false;
      }
      const family = this.decode(familyId, raw);
      if (family.revokedAt !== undefined) return false;
      const revoked = revokedRecord(family, this.clock.now(), reason);
      if (await this.store.compareAndSet(familyKey(familyId), raw, this.encode(revoked), REVOKED_RETENTION_MS)) {
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

  private encode(family: RefreshFamily): string {
    return encodeFamily(family, this.policy.graceSec * 1000);
  }

  private decode(id: string, raw: string): RefreshFamily {
    return decodeFamily(id, raw, this.policy.graceSec * 1000);
  }

  /** The store TTL: until the family would expire anyway (plus a day, so expiry is reported as such). */
  private ttlMs(family: RefreshFamily): number | undefined {
    const limits: number[] = [];
    if (this.policy.lifetimeSec > 0) limits.push(family.createdAt + this.policy.lifetimeSec * 1000);
    if (this.policy.idleTtlSec > 0) limits.push(family.lastUsedAt + this.policy.idleTtlSec * 1000);
    if (limits.length === 0) return undefined;
    return Math.max(1000, Math.min(...limits) - this.clock.now() + EXPIRED_KEPT_MS);
  }

  /**
   * A family whose id was revoked before it could be stored (its code was replayed meanwhile) stays
   * revoked; its record gets the grant's details, so later attempts are told "revoked" like any other.
   */
  private async keepRevoked(family: RefreshFamily): Promise<void> {
    const key = familyKey(family.id);
    const raw = await this.store.get(key);
    const advance = raw === null ? undefined : this.decode(family.id, raw);
    const reason = advance?.revokedReason ?? 'revoked before it was stored';
    const revoked = revokedRecord(family, advance?.revokedAt ?? this.clock.now(), reason);
    // A lost write leaves the placeholder, which is revoked as well.
    if (raw === null) await this.store.setIfAbsent(key, this.encode(revoked), REVOKED_RETENTION_MS);
    else await this.store.compareAndSet(key, raw, this.encode(revoked), REVOKED_RETENTION_MS);
    this.log.info({ event: 'refresh.family_revoked', familyId: family.id, userId: family.userId, reason }, 'refresh family revoked before it was stored');
  }
}

/** What a revoked family keeps: who, what and when, and why; no token is redeemable, so no hash or key is kept. */
function revokedRecord(family: RefreshFamily, revokedAt: number, revokedReason: string): RefreshFamily {
  const { successorKey: _dropped, ...rest } = family;
  return { ...rest, current: [], previous: null, previousValidUntil: 0, revokedAt, revokedReason };
}

function invalid(description: string, reason: string): OAuthError {
  return new OAuthError('invalid_grant', description, 400, reason);
}

function parse(token: string): { familyId: string; secret: string } | undefined {
  const match = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(token);
  return match ? { familyId: match[1] as string, secret: match[2] as string } : undefined;
}

/**
 * Whether two stored token hashes are equal, in constant time. Both are SHA-256 digests in base64url,
 * so they have the same public length and comparing them directly reveals nothing about a secret
 * (safeEqual would hash them once more for nothing).
 */
function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** How a refresh secret is stored: SHA-256, base64url (crypto-utils' sha256, in one shot without a Hash object). */
function secretHash(secret: string): string {
  return hash('sha256', secret, 'base64url');
}

/**
 * The secret of the token a rotation hands out for a presented secret: HMAC-SHA256 under a random key
 * kept only in the store, so the same presentation always yields the same successor, and nobody who
 * lacks the stored key can compute one.
 */
function successorSecret(successorKey: string, presentedSecret: string): string {
  return createHmac('sha256', successorKey).update(presentedSecret).digest('base64url');
}

function familyKey(id: string): string {
  return `family:${id}`;
}

function userKey(userId: string): string {
  return `user-families:${userId}`;
}
