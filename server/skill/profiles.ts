import { LRUCache } from 'lru-cache';
import type { LinkedUser } from '../../kit/ask-sdk';
import type { AccountDirectory } from '../accounts/directory';
import type { Clock } from '../clock';
import type { Logger } from '../log';

/**
 * How long a profile read from the account directory is reused. Staleness: a display name changed in the
 * store is still spoken for up to this long, and an account removed from the store still counts as
 * present for as long (the directory offers no removal today). The token, its client and revocation are
 * still checked on every request, so a revoked link is refused at once.
 */
export const DISPLAY_NAME_TTL_MS = 60_000;
/** How many users' names are remembered (about one per active Alexa user of this process). */
export const DISPLAY_NAMES_MAX = 10_000;

/** A linked user whose account still exists, with the name to greet them by. */
export interface LinkedProfile {
  userId: string;
  displayName: string;
}

/** The demo's greeting names: the linked user's account in the directory, remembered briefly. */
export class Profiles {
  private readonly displayNames: LRUCache<string, { name: string; until: number }>;
  /** Reads on their way: requests arriving together for one user (a household's devices, a retry) share one. */
  private readonly reading = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly accounts: Pick<AccountDirectory, 'get'>,
    private readonly clock: Clock,
    displayNamesMax = DISPLAY_NAMES_MAX,
  ) {
    this.displayNames = new LRUCache({ max: displayNamesMax });
  }

  /**
   * The display name of a user, from the remembered names or the directory (remembered in turn);
   * undefined when the account is gone. For the token resolver, which reads it beside the revocation
   * check so that profileOf finds it in the user and asks the store no more.
   */
  async displayNameOf(userId: string): Promise<string | undefined> {
    const now = this.clock.now();
    const remembered = this.displayNames.get(userId);
    if (remembered !== undefined && now < remembered.until) return remembered.name;
    let read = this.reading.get(userId);
    if (read === undefined) {
      read = this.read(userId, now).finally(() => this.reading.delete(userId));
      this.reading.set(userId, read);
    }
    return read;
  }

  private async read(userId: string, now: number): Promise<string | undefined> {
    const account = await this.accounts.get(userId);
    if (!account) {
      this.displayNames.delete(userId);
      return undefined;
    }
    this.displayNames.set(account.id, { name: account.displayName, until: now + DISPLAY_NAME_TTL_MS });
    return account.displayName;
  }

  /**
   * The linked user's profile; undefined when the account is gone (then the user must link again).
   * A name read from the directory is reused for DISPLAY_NAME_TTL_MS (see there for the staleness).
   */
  async profileOf(user: Pick<LinkedUser, 'userId' | 'displayName'>, log: Logger): Promise<LinkedProfile | undefined> {
    if (user.displayName !== undefined) return { userId: user.userId, displayName: user.displayName };
    const displayName = await this.displayNameOf(user.userId);
    if (displayName === undefined) {
      log.info({ event: 'skill.account_missing', userId: user.userId }, 'token names an account that no longer exists');
      return undefined;
    }
    return { userId: user.userId, displayName };
  }
}
