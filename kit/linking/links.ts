/**
 * Which company user an Alexa account (and a recognized person in it) belongs to, so a SkillDisabled
 * event, which may arrive without a token, can revoke the right users. Pluggable: the service keeps it
 * in Redis; by default the kit keeps it in memory (one process, bounded).
 */
export interface LinkStore {
  /**
   * Records that (alexaUserId, personId) is the company's userId (personId undefined: the account's own
   * link), under `grantId` when the resolver named the grant (a store may then revoke the grant it replaces).
   */
  remember(alexaUserId: string, personId: string | undefined, userId: string, grantId?: string, prepared?: unknown): Promise<void>;
  /**
   * Optional: starts reading what `remember` will need for (alexaUserId, personId), before the user is
   * known. The kit calls it while the token is being resolved (TokenResolver's `alongside`), so a store
   * kept in Redis reads the mapping in the same round trip as the resolver's own reads, and hands what
   * it returns to `remember` as `prepared`. A store that needs nothing leaves it out.
   */
  prepare?(alexaUserId: string, personId: string | undefined): unknown;
  /** Every company user recorded for an Alexa account, at every level. */
  usersOf(alexaUserId: string): Promise<string[]>;
  /** Forgets every mapping of an Alexa account (the skill was disabled). */
  forget(alexaUserId: string): Promise<void>;
}

/** A {@link LinkStore} in this process's memory, bounded to `max` Alexa accounts (oldest forgotten first). */
export class MemoryLinkStore implements LinkStore {
  private readonly accounts = new Map<string, Map<string, string>>();

  constructor(private readonly max = 10_000) {}

  async remember(alexaUserId: string, personId: string | undefined, userId: string): Promise<void> {
    const levels = this.accounts.get(alexaUserId) ?? new Map<string, string>();
    this.accounts.delete(alexaUserId);
    levels.set(personId ?? '', userId);
    // Persons per account are few (a household), but bounded all the same.
    if (levels.size > 32) levels.delete(levels.keys().next().value as string);
    this.accounts.set(alexaUserId, levels);
    if (this.accounts.size > this.max) this.accounts.delete(this.accounts.keys().next().value as string);
  }

  async usersOf(alexaUserId: string): Promise<string[]> {
    return [...new Set(this.accounts.get(alexaUserId)?.values() ?? [])];
  }

  async forget(alexaUserId: string): Promise<void> {
    this.accounts.delete(alexaUserId);
  }
}
