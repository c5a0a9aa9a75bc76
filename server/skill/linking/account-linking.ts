import type { HandlerInput } from 'ask-sdk-core';
import type { RequestEnvelope } from 'ask-sdk-model';
import type { AccountDirectory } from '../../accounts/directory';
import type { Logger } from '../../log';
import type { SkillUserLinks } from './skill-user-links';
import type { LinkedUser, Resolution, TokenResolver } from './token-resolver';

const RESOLVED = 'linkwright.linkedUser';

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
  constructor(
    readonly resolver: TokenResolver,
    readonly links: SkillUserLinks,
    private readonly accounts: Pick<AccountDirectory, 'get'>,
  ) {}

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

  /** The linked user's profile; undefined when the account is gone (then the user must link again). */
  async profileOf(user: LinkedUser, log: Logger): Promise<LinkedProfile | undefined> {
    if (user.displayName !== undefined) return { userId: user.userId, displayName: user.displayName };
    const account = await this.accounts.get(user.userId);
    if (!account) {
      log.info({ event: 'skill.account_missing', userId: user.userId }, 'token names an account that no longer exists');
      return undefined;
    }
    return { userId: account.id, displayName: account.displayName };
  }
}
