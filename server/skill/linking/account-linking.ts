import type { HandlerInput } from 'ask-sdk-core';
import type { RequestEnvelope } from 'ask-sdk-model';
import { LRUCache } from 'lru-cache';
import type { AccountDirectory } from '../../accounts/directory';
import type { Clock } from '../../clock';
import type { Logger } from '../../log';
import type { SkillUserLinks } from './skill-user-links';
import type { LinkedUser, Resolution, TokenResolver } from '../../identity/token-resolver';

const RESOLVED = 'linkwright.linkedUser';
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

/** The access token Alexa sent: context.System.user on every request type, the session's as a fallback. */
export function accessTokenOf(envelope: RequestEnvelope): string | undefined {
  const token = envelope.context?.System?.user?.accessToken ?? envelope.session?.user?.accessToken;
  return typeof token === 'string' && token !== '' ? token : undefined;
}

/**
 * The skill's view of account linking for one request: whose token it is (resolved at most once per
 * request, only when a handler asks), with the Alexa user id mapping recorded for valid tokens.
 */
export class AccountLinking {
  private readonly displayNames: LRUCache<string, { name: string; until: number }>;

  constructor(
    readonly resolver: TokenResolver,
    readonly links: SkillUserLinks,
    private readonly accounts: Pick<AccountDirectory, 'get'>,
    private readonly clock: Clock,
    displayNamesMax = DISPLAY_NAMES_MAX,
  ) {
    this.displayNames = new LRUCache({ max: displayNamesMax });
  }

  /** The linked user of this request, or undefined when there is no usable token (reason logged). */
  async userOf(input: HandlerInput, log: Logger): Promise<LinkedUser | undefined> {
    const attributes = input.attributesManager.getRequestAttributes();
    if (RESOLVED in attributes) return attributes[RESOLVED] as LinkedUser | undefined;
    const envelope = input.requestEnvelope;
    const token = accessTokenOf(envelope);
    let user: LinkedUser | undefined;
    if (token !== undefined) {
      const resolution: Resolution = await this.resolver.resolve(token);
      if (resolution.linked) {
        user = resolution.user;
        await this.links.remember(envelope.context.System.user.userId, user.userId, log);
      } else {
        log.info({ event: 'skill.token_not_linked', provider: this.resolver.provider, reason: resolution.reason }, 'access token not usable; treating the user as not linked');
      }
    }
    attributes[RESOLVED] = user;
    return user;
  }

  /**
   * The linked user's profile; undefined when the account is gone (then the user must link again).
   * A name read from the directory is reused for DISPLAY_NAME_TTL_MS (see there for the staleness).
   */
  async profileOf(user: LinkedUser, log: Logger): Promise<LinkedProfile | undefined> {
    if (user.displayName !== undefined) return { userId: user.userId, displayName: user.displayName };
    const now = this.clock.now();
    const remembered = this.displayNames.get(user.userId);
    if (remembered !== undefined && now < remembered.until) return { userId: user.userId, displayName: remembered.name };
    const account = await this.accounts.get(user.userId);
    if (!account) {
      this.displayNames.delete(user.userId);
      log.info({ event: 'skill.account_missing', userId: user.userId }, 'token names an account that no longer exists');
      return undefined;
    }
    this.displayNames.set(account.id, { name: account.displayName, until: now + DISPLAY_NAME_TTL_MS });
    return { userId: account.id, displayName: account.displayName };
  }
}
