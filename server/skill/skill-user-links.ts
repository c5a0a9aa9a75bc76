import { LRUCache } from 'lru-cache';
import type { LinkStore } from '../../kit/ask-sdk';
import type { Clock } from '../clock';
import { sha256 } from '../crypto-utils';
import type { Store } from '../store';
import { packId, unpackId } from '../store/packed-id';
import type { GrantReplacement } from './grant-replacement';

/** What the mappings need besides the store: how long they live, and who settles a replaced grant. */
export interface SkillUserLinksOptions {
  /**
   * Every mapping expires this long after it was last renewed (the refresh idle TTL: what it points at);
   * an account's own mapping a day later still, so that it need be rewritten at most once a day.
   */
  ttlMs?: number | undefined;
  /** Called when an Alexa link (account or person) is seen under a grant other than the one recorded. */
  replaceGrant?: GrantReplacement | undefined;
}

/** How far past its renewal an account's mapping lives (remember skips rewriting a mapping renewed within this). */
const MAPPING_RENEWAL_MS = 86_400_000;

/** What SkillUserLinks.prepare read, for remember. */
class PreparedLink {
  constructor(readonly read: Promise<{ value: string | null; ttlMs: number | undefined }>) {}
}

/** How long this process trusts that a mapping it wrote is still in the store. */
const REMEMBERED_MS = 10 * 60_000;

/**
 * Which of our users an Alexa account (and each recognized person in it) belongs to, kept in the store so
 * `AlexaSkillEvent.SkillDisabled` (which may arrive without a token) can revoke the right users' grants.
 * Alexa user ids change when a skill is disabled and enabled again, so a mapping is written when first
 * seen and removed on disable. Written only after a token resolved, so no unauthenticated request adds to it.
 */
export class SkillUserLinks implements LinkStore {
  private readonly written: LRUCache<string, string>;
  /** Mapping reads on their way, by Alexa user id: requests arriving together share one (see prepare). */
  private readonly reading = new Map<string, PreparedLink>();
  /** Mapping writes on their way, by link and what it is recorded as (see remember). */
  private readonly recording = new Map<string, Promise<void>>();

  constructor(
    private readonly store: Pick<Store, 'get' | 'getWithTtl' | 'set' | 'getAndSet' | 'take' | 'addToSet' | 'members' | 'delete'>,
    clock: Clock,
    private readonly options: SkillUserLinksOptions = {},
  ) {
    this.written = new LRUCache<string, string>({ max: 10_000, ttl: REMEMBERED_MS, ttlResolution: 0, perf: { now: () => clock.now() } });
  }

  /**
   * Records a mapping; writes only when this process has not written the same one recently, so the hot
   * path stays free of store writes. A failed write throws (the kit logs it and retries next request).
   */
  async remember(alexaUserId: string, personId: string | undefined, userId: string, grantId?: string, prepared?: unknown): Promise<void> {
    // Looked up by the ids themselves (identifiers, not credentials): no hash on the hot path.
    const seen = personId === undefined ? alexaUserId : `${alexaUserId}\n${personId}`;
    // What this process last recorded, kept as the ids themselves: the hot path packs nothing.
    const recorded = grantId === undefined ? userId : `${userId}\n${grantId}`;
    if (this.written.get(seen) === recorded) return;
    // Requests of one link arriving together write it once: the others wait for that write.
    const recording = `${seen}\u0000${recorded}`;
    const pending = this.recording.get(recording);
    if (pending !== undefined) return pending;
    const write = this.record(alexaUserId, personId, seen, recorded, userId, grantId, prepared).finally(() => this.recording.delete(recording));
    this.recording.set(recording, write);
    return write;
  }

  private async record(alexaUserId: string, personId: string | undefined, seen: string, recorded: string, userId: string, grantId: string | undefined, prepared: unknown): Promise<void> {
    const value = encodeLink(userId, grantId);
    const renewal = this.options.ttlMs;
    if (personId === undefined && prepared instanceof PreparedLink) {
      const stored = await prepared.read.catch(() => undefined);
      if (stored !== undefined && stored.value === value && (renewal === undefined ? stored.ttlMs === undefined : stored.ttlMs !== undefined && stored.ttlMs > renewal)) {
        this.written.set(seen, recorded);
        return;
      }
    }
    // An account's mapping lives a day past the renewal it is due, so it is rewritten once a day at most.
    const ttl = renewal !== undefined && personId === undefined ? renewal + MAPPING_RENEWAL_MS : renewal;
    const replace = grantId !== undefined ? this.options.replaceGrant : undefined;
    if (personId === undefined) {
      // The account's own link carries its grant in the same key (see encodeLink): one key per link.
      if (replace === undefined) await this.store.set(userKey(alexaUserId), value, ttl);
      else await this.settle(userKey(alexaUserId), value, grantId as string, (previous) => decodeLink(previous).grantId, replace, ttl);
    } else {
      if (replace !== undefined) await this.settle(grantKey(seen), grantId as string, grantId as string, (previous) => previous, replace, ttl);
      await this.store.addToSet(personsKey(alexaUserId), userId, ttl);
    }
    this.written.set(seen, recorded);
  }

  /**
   * Reads an account's mapping (and what is left of its TTL) while the token is resolved, so that a
   * mapping already recorded costs no round trip of its own: `remember` then writes only a new or
   * changed link, or one due for renewal. Nothing is read for a person's link, or for an account this
   * process recorded recently (remember answers those from memory), and requests of one Alexa account
   * arriving while its mapping is being read share that read.
   */
  prepare(alexaUserId: string, personId: string | undefined): PreparedLink | undefined {
    if (personId !== undefined || this.written.has(alexaUserId)) return undefined;
    const pending = this.reading.get(alexaUserId);
    if (pending !== undefined) return pending;
    const read = this.store.getWithTtl(userKey(alexaUserId));
    const prepared = new PreparedLink(read);
    this.reading.set(alexaUserId, prepared);
    // Awaited by remember, if the token resolves; a read settled is forgotten, so the next one is fresh.
    read.catch(() => undefined).finally(() => {
      if (this.reading.get(alexaUserId) === prepared) this.reading.delete(alexaUserId);
    });
    return prepared;
  }

  /**
   * Writes a link's record and, when it was last seen under another grant, lets `replace` settle which
   * grant stays: when the presented one is the older, the record goes back to the newer one.
   */
  private async settle(key: string, value: string, grantId: string, grantOf: (stored: string) => string | undefined, replace: GrantReplacement, ttl: number | undefined): Promise<void> {
    const previous = await this.store.getAndSet(key, value, ttl);
    const previousGrant = previous === null ? undefined : grantOf(previous);
    if (previous === null || previousGrant === undefined || previousGrant === grantId) return;
    if ((await replace(previousGrant, grantId)) === 'stale') await this.store.set(key, previous, ttl);
  }

  /** Our users recorded for an Alexa account: its own link and its persons'. */
  async usersOf(alexaUserId: string): Promise<string[]> {
    const [own, persons] = await Promise.all([this.store.get(userKey(alexaUserId)), this.store.members(personsKey(alexaUserId))]);
    const ownUser = own === null ? undefined : decodeLink(own).userId;
    return [...new Set([...(ownUser === undefined ? [] : [ownUser]), ...persons])];
  }

  /** Removes every mapping of the Alexa account (the skill was disabled); persons' grant records expire on their own. */
  async forget(alexaUserId: string): Promise<void> {
    for (const key of this.written.keys()) if (key === alexaUserId || key.startsWith(`${alexaUserId}\n`)) this.written.delete(key);
    // A read on its way may predate the removal: the next request reads afresh.
    this.reading.delete(alexaUserId);
    await this.store.delete(userKey(alexaUserId), personsKey(alexaUserId));
  }
}

const GRANT_ID = /^[A-Za-z0-9_-]{22}$/;
const COMPACT_LINK = /^[A-Za-z0-9_-]{44}$/;

/**
 * An account-level mapping's value: the grant id (22 characters, a refresh family's) followed by the
 * packed user id (a UUID in 22, see packId), 44 characters in all, which Redis keeps inside the key's
 * own allocation; any other pair as `userId\ngrantId` (or `userId` alone), as every mapping was written
 * before, with a newline added to a lone id that would look like the compact form.
 */
function encodeLink(userId: string, grantId: string | undefined): string {
  const packed = packId(userId);
  if (grantId !== undefined && GRANT_ID.test(grantId) && GRANT_ID.test(packed)) return grantId + packed;
  const value = grantId === undefined ? userId : `${userId}\n${grantId}`;
  return COMPACT_LINK.test(value) ? `${value}\n` : value;
}

function decodeLink(value: string): { userId: string; grantId: string | undefined } {
  if (COMPACT_LINK.test(value)) return { grantId: value.slice(0, 22), userId: unpackId(value.slice(22)) };
  const newline = value.indexOf('\n');
  if (newline === -1) return { userId: value, grantId: undefined };
  return { userId: value.slice(0, newline), grantId: value.slice(newline + 1) || undefined };
}

/** Alexa user ids are long; the store keys hold a fixed-size hash of one. */
function userKey(alexaUserId: string): string {
  return `skill-user:${sha256(alexaUserId)}`;
}

function personsKey(alexaUserId: string): string {
  return `skill-user-persons:${sha256(alexaUserId)}`;
}

/** The grant a recognized person's link (`account\nperson`) was last seen under (the account's own is in its mapping). */
function grantKey(link: string): string {
  return `skill-grant:${sha256(link)}`;
}
