import type { RequestEnvelope } from 'ask-sdk-model';
import type { ResolvedAccount, ResolveTokenOptions, TokenResolver } from './resolvers/token-resolver';

/** Which link a user was resolved from: a recognized speaker's own (`person`) or the Alexa account's (`user`). */
export type LinkingLevel = 'person' | 'user';

/** The company's user behind a request, and how the kit knows. */
export interface LinkedUser extends ResolvedAccount {
  /** `person` when the recognized speaker's own token named them; `user` for the Alexa account's link. */
  level: LinkingLevel;
  /** The Alexa account (context.System.user.userId) the request came from. */
  alexaUserId: string;
  /** The recognized speaker (context.System.person.personId), when Alexa recognized one. */
  personId?: string;
}

/** The linking tokens an envelope carries, at each level. */
export interface EnvelopeTokens {
  alexaUserId: string;
  /** context.System.user.accessToken, or the session's on older request types. */
  userToken: string | undefined;
  /** context.System.person.personId: a recognized speaker (needs the alexa::person_id:read permission). */
  personId: string | undefined;
  /** context.System.person.accessToken: that person's own link. */
  personToken: string | undefined;
}

const MAX_FIELD = 4096;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' && value.length <= MAX_FIELD ? value : undefined;
}

/** Reads the linking tokens from an envelope without trusting its shape (anything odd counts as absent). */
export function tokensOf(envelope: RequestEnvelope): EnvelopeTokens {
  const system = (envelope as unknown as { context?: { System?: Record<string, unknown> } }).context?.System;
  const user = (system?.user ?? {}) as { userId?: unknown; accessToken?: unknown };
  const person = (typeof system?.person === 'object' && system.person !== null ? system.person : {}) as { personId?: unknown; accessToken?: unknown };
  const session = (envelope as unknown as { session?: { user?: { accessToken?: unknown } } }).session;
  return {
    alexaUserId: text(user.userId) ?? '',
    userToken: text(user.accessToken) ?? text(session?.user?.accessToken),
    personId: text(person.personId),
    personToken: text(person.accessToken),
  };
}

/** How a request's user is looked up. */
export interface ResolveOptions {
  /**
   * Act on the Alexa account's link when Alexa recognized a speaker who has not linked personally.
   * Off by default: in a shared household the account's link may be someone else's.
   */
  allowSharedAccountForPersons?: boolean;
}

/** The outcome of resolving a request's user: the user, or why there is none (for the log). */
export type UserLookup = { user: LinkedUser; token: string } | { user: undefined; reason: string; tokenPresent: boolean };

/**
 * The request's linked user, person first: a recognized speaker's own token when Alexa sent one; the
 * Alexa account's token when no speaker was recognized, or when the skill allows the shared account
 * for persons. A token that does not resolve means "not linked" (never a fallback to another level).
 * A provider that cannot answer throws. `tokenOptions` go to the resolver with the token.
 */
export async function resolveLinkedUser(envelope: RequestEnvelope, resolver: TokenResolver, options: ResolveOptions = {}, tokenOptions?: ResolveTokenOptions): Promise<UserLookup> {
  const tokens = tokensOf(envelope);
  const chosen = tokenToUse(tokens, options);
  if (chosen.token === undefined) return { user: undefined, reason: chosen.reason, tokenPresent: false };
  const resolution = await resolver.resolve(chosen.token, tokenOptions);
  if (!resolution.linked) return { user: undefined, reason: resolution.reason, tokenPresent: true };
  const user: LinkedUser = { ...resolution.user, level: chosen.level, alexaUserId: tokens.alexaUserId, ...(tokens.personId !== undefined ? { personId: tokens.personId } : {}) };
  return { user, token: chosen.token };
}

/** The level the kit acts at for a request, and that level's token (undefined with the reason when none). */
export type TokenChoice = { level: LinkingLevel; token: string } | { level: LinkingLevel; token: undefined; reason: string };

/**
 * Which token speaks for the request: a recognized person's own; for a recognized person without one,
 * none (unless the skill allows the shared account); without a recognized person, the account's.
 */
export function tokenToUse(tokens: EnvelopeTokens, options: ResolveOptions = {}): TokenChoice {
  if (tokens.personId !== undefined && tokens.personToken !== undefined) return { level: 'person', token: tokens.personToken };
  if (tokens.personId !== undefined && options.allowSharedAccountForPersons !== true) {
    // Security: the account's link belongs to whoever linked it, not necessarily to this speaker.
    return { level: 'person', token: undefined, reason: 'recognized person has not linked personally' };
  }
  return tokens.userToken === undefined ? { level: 'user', token: undefined, reason: 'no access token' } : { level: 'user', token: tokens.userToken };
}
