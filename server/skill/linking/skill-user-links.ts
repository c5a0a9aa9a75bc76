import { LRUCache } from 'lru-cache';
import type { Clock } from '../../clock';
import { sha256 } from '../../crypto-utils';
import type { Logger } from '../../log';
import type { Store } from '../../store';

/** How long this process trusts that a mapping it wrote is still in the store. */
const REMEMBERED_MS = 10 * 60_000;

/**
 * Which of our users an Alexa user id belongs to, kept in the store so `AlexaSkillEvent.SkillDisabled`
 * (which may arrive without a token) can revoke the right user's grants. Alexa user ids change when a
 * skill is disabled and enabled again, so a mapping is written when first seen and removed on disable.
 */
export class SkillUserLinks {
  private readonly written: LRUCache<string, string>;

  constructor(
    private readonly store: Pick<Store, 'get' | 'set' | 'take'>,
    clock: Clock,
  ) {
    this.written = new LRUCache<string, string>({ max: 10_000, ttl: REMEMBERED_MS, ttlResolution: 0, perf: { now: () => clock.now() } });
  }

  /**
   * Records the mapping on a request with a valid token; writes only when this process has not written
   * the same pair recently, so the hot path stays free of store writes. A failed write is logged and
   * retried on the next request rather than failing the user's request.
   */
  async remember(alexaUserId: string, userId: string, log: Logger): Promise<void> {
    // Looked up by the Alexa user id itself (an identifier, not a credential): no hash on the hot path.
    if (this.written.get(alexaUserId) === userId) return;
    try {
      await this.store.set(keyOf(alexaUserId), userId);
      this.written.set(alexaUserId, userId);
    } catch (error) {
      log.warn({ event: 'skill.user_link_write_failed', reason: (error as Error).message }, 'could not record the Alexa user mapping');
    }
  }

  /** Records the mapping unconditionally (SkillAccountLinked); a failure propagates. */
  async record(alexaUserId: string, userId: string): Promise<void> {
    await this.store.set(keyOf(alexaUserId), userId);
    this.written.set(alexaUserId, userId);
  }

  /** Our user id for an Alexa user id, if recorded. */
  async userOf(alexaUserId: string): Promise<string | undefined> {
    return (await this.store.get(keyOf(alexaUserId))) ?? undefined;
  }

  /** Removes and returns the mapping (the skill was disabled). */
  async forget(alexaUserId: string): Promise<string | undefined> {
    this.written.delete(alexaUserId);
    return (await this.store.take(keyOf(alexaUserId))) ?? undefined;
  }
}

/** Alexa user ids are long; the store key holds a fixed-size hash of one. */
function keyOf(alexaUserId: string): string {
  return `skill-user:${sha256(alexaUserId)}`;
}
