import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import { ServiceError } from '../errors';
import type { ListedMember, Store } from '../store';
import { packId, unpackId } from '../store/packed-id';
import { decodeAccount, encodeAccount, GRANTS_POSITION, type StoredAccount } from './account-record';
import { dummyPasswordHash, hashPassword, hashProblem, needsRehash, verifyPassword } from './passwords';

/** A user of the company, as the skill and the pages see it. */
export interface Account {
  id: string;
  username: string;
  displayName: string;
  createdAt: number;
  /** Kept for imported accounts that brought one. */
  email?: string;
  /** Set for accounts created from another identity provider (e.g. Login with Amazon). */
  external?: { provider: string; subject: string; email?: string };
}

/** What `account import` reads from one line. */
export interface ImportedAccount {
  username: string;
  passwordHash: string;
  displayName?: string | undefined;
  email?: string | undefined;
}

/** Usernames are e-mail-like identifiers compared case-insensitively. */
export function normaliseUsername(username: string): string {
  return username.trim().normalize('NFKC').toLowerCase();
}

/** The company's user directory, kept in the store. */
export class AccountDirectory {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Creates an account with a password; fails with `account_exists` when the name is taken. */
  async create(input: { username: string; password: string; displayName?: string }): Promise<Account> {
    if (input.password.length < 8 || input.password.length > 1024) {
      throw new ServiceError('invalid_password', 400, 'Passwords are 8 to 1024 characters long.');
    }
    return this.insert(input.username, await hashPassword(input.password), input.displayName);
  }

  /**
   * Creates an account from a password hash made elsewhere (bcrypt or scrypt, see hashProblem), so
   * users keep their passwords; the hash is replaced by ours at the first successful sign-in.
   */
  async importAccount(input: ImportedAccount): Promise<Account> {
    const problem = hashProblem(input.passwordHash);
    if (problem) throw new ServiceError('invalid_password_hash', 400, `The password hash is not usable: ${problem}.`);
    if (input.email !== undefined && !/^[^\s@]{1,64}@[^\s@]{1,254}$/.test(input.email)) throw new ServiceError('invalid_email', 400, `"${input.email}" is not an e-mail address.`);
    return this.insert(input.username, input.passwordHash, input.displayName, input.email);
  }

  /** Every account (local and mirrored from a sign-in source), oldest first; reads the whole store (an operator's listing). */
  async list(): Promise<Account[]> {
    const ids = (await this.store.keysStartingWith(ID_PREFIX)).map((key) => key.slice(ID_PREFIX.length));
    const accounts = await Promise.all(ids.map((id) => this.get(id)));
    return accounts.filter((account): account is Account => account !== undefined).sort((a, b) => a.createdAt - b.createdAt || a.username.localeCompare(b.username));
  }

  /** Removes an account and its name (the caller revokes its grants first); false when there is none. */
  async delete(username: string): Promise<boolean> {
    const account = await this.findStoredByName(username);
    if (!account) return false;
    const keys = [idKey(account.id), nameKey(account.username)];
    if (account.external) keys.push(externalKey(account.external.provider, account.external.subject));
    await this.store.delete(...keys);
    return true;
  }

  private async insert(rawUsername: string, passwordHash: string, displayName?: string, email?: string): Promise<Account> {
    const username = normaliseUsername(rawUsername);
    if (!/^[^\s]{1,254}$/.test(username)) throw new ServiceError('invalid_username', 400, 'Usernames are 1–254 characters without spaces.');
    const account: StoredAccount = {
      id: randomUUID(),
      username,
      displayName: displayName?.trim() || username.split('@')[0] || username,
      createdAt: this.clock.now(),
      ...(email ? { email } : {}),
      passwordHash,
    };
    // Claiming the name first, in one step, stops two concurrent sign-ups from sharing it.
    if (!(await this.store.setIfAbsent(nameKey(username), packId(account.id)))) {
      throw new ServiceError('account_exists', 409, `An account named ${username} already exists.`);
    }
    await this.store.set(idKey(account.id), encodeAccount(account));
    return publicView(account);
  }

  /** Replaces an account's password (the CLI's `passwd`). */
  async setPassword(username: string, password: string): Promise<void> {
    const account = await this.findStoredByName(username);
    if (!account) throw new ServiceError('account_unknown', 404, `No account named ${normaliseUsername(username)}.`);
    if (password.length < 8 || password.length > 1024) throw new ServiceError('invalid_password', 400, 'Passwords are 8 to 1024 characters long.');
    const passwordHash = await hashPassword(password);
    // Read again and swapped in one step: a grant recorded meanwhile (addGrant) must not be lost.
    await this.update(account.id, (stored) => ({ ...stored, passwordHash }));
  }

  /** The account whose password matches, or undefined; takes the same time whether or not the name exists. */
  async authenticate(username: string, password: string): Promise<Account | undefined> {
    const account = await this.findStoredByName(username);
    const hash = account?.passwordHash ?? (await dummyPasswordHash());
    const ok = await verifyPassword(password, hash);
    if (!ok || !account?.passwordHash) return undefined;
    if (needsRehash(account.passwordHash)) await this.rehash(account, password);
    return publicView(account);
  }

  /** Replaces an imported (or weaker) hash with ours, unless the password changed meanwhile. */
  private async rehash(account: StoredAccount, password: string): Promise<void> {
    const passwordHash = await hashPassword(password);
    await this.update(account.id, (stored) => (stored.passwordHash === account.passwordHash ? { ...stored, passwordHash } : undefined));
  }

  /** Looks an account up by id. */
  async get(id: string): Promise<Account | undefined> {
    const raw = await this.store.get(idKey(id));
    return raw === null ? undefined : publicView(decodeAccount(id, raw));
  }

  /**
   * Records a grant (a refresh family id) in the user's account, where revoking every grant of the user
   * finds it. Before the record is written, `settle` is given the grants already listed and answers
   * those to keep (the ones that still exist), so the list never holds more than the user's grants
   * still stored; the caller may finish its own writes there too. False when no account has this id
   * (or the record kept changing), so the caller lists the grant elsewhere.
   */
  async addGrant(userId: string, grantId: string, settle: (listed: string[]) => Promise<string[]>): Promise<boolean> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const raw = await this.store.get(idKey(userId));
      if (raw === null) return false;
      const stored = decodeAccount(userId, raw);
      const listed = stored.grants ?? [];
      if (listed.includes(grantId)) return true;
      const kept = await settle(listed);
      if (await this.store.compareAndSet(idKey(userId), raw, encodeAccount({ ...stored, grants: [...listed.filter((id) => kept.includes(id)), grantId] }))) return true;
    }
    return false;
  }

  /**
   * Lists a grant in the user's account in one store step, sent at once (see Store.listMember): when
   * there is no account, in `orElse.setKey` instead. 'neither' when the store cannot, or the record is
   * one it would not rewrite faithfully: the caller then lists the grant with addGrant.
   */
  listGrantAtOnce(userId: string, grantId: string, orElse: { setKey: string; ttlMs?: number | undefined }): Promise<ListedMember> {
    return this.store.listMember ? this.store.listMember(idKey(userId), GRANTS_POSITION, grantId, orElse) : Promise.resolve({ in: 'neither' });
  }

  /** Takes grants off a user's account (they are no longer stored), in one compare-and-set. */
  async dropGrants(userId: string, gone: string[]): Promise<void> {
    const dropped = new Set(gone);
    await this.update(userId, (stored) => (stored.grants?.some((id) => dropped.has(id)) ? { ...stored, grants: stored.grants.filter((id) => !dropped.has(id)) } : undefined));
  }

  /** The grants recorded in a user's account (none when there is no account). */
  async grantsOf(userId: string): Promise<string[]> {
    const raw = await this.store.get(idKey(userId));
    return raw === null ? [] : (decodeAccount(userId, raw).grants ?? []);
  }

  /** Takes a grant off a user's account (it no longer exists). */
  async removeGrant(userId: string, grantId: string): Promise<void> {
    await this.update(userId, (stored) => (stored.grants?.includes(grantId) ? { ...stored, grants: stored.grants.filter((id) => id !== grantId) } : undefined));
  }

  /**
   * Rewrites an account record from what is stored now, in one compare-and-set (retried when another
   * write came between): `change` answers the new record, or undefined to leave it. Every write of an
   * existing record goes through here, so none undoes another (a grant recorded meanwhile stays).
   */
  private async update(id: string, change: (stored: StoredAccount) => StoredAccount | undefined): Promise<StoredAccount | undefined> {
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const raw = await this.store.get(idKey(id));
      if (raw === null) return undefined;
      const next = change(decodeAccount(id, raw));
      if (next === undefined) return undefined;
      if (await this.store.compareAndSet(idKey(id), raw, encodeAccount(next))) return next;
    }
    throw new ServiceError('account_conflict', 503, 'The account is being changed; try again.');
  }

  /** Looks an account up by username. */
  async findByName(username: string): Promise<Account | undefined> {
    const account = await this.findStoredByName(username);
    return account ? publicView(account) : undefined;
  }

  /** The local account for an identity at another provider, created on first sight. */
  async findOrCreateExternal(provider: string, subject: string, profile: { name?: string; email?: string }): Promise<Account> {
    const linkKey = externalKey(provider, subject);
    const existing = await this.store.get(linkKey);
    if (existing !== null) {
      const account = await this.get(unpackId(existing));
      if (account) return account;
    }
    const account: StoredAccount = {
      id: randomUUID(),
      username: `${provider}:${subject}`,
      displayName: profile.name?.trim() || profile.email?.split('@')[0] || 'there',
      createdAt: this.clock.now(),
      external: { provider, subject, ...(profile.email ? { email: profile.email } : {}) },
    };
    await this.store.set(idKey(account.id), encodeAccount(account));
    // Two first requests at once: the one that claims the link wins, the other adopts its account.
    if (await this.store.setIfAbsent(linkKey, packId(account.id))) return publicView(account);
    await this.store.delete(idKey(account.id));
    const winner = await this.store.get(linkKey);
    const found = winner === null ? undefined : await this.get(unpackId(winner));
    if (!found) throw new ServiceError('account_conflict', 503, 'The account is being created; try again.');
    return found;
  }

  /**
   * The local record of a user a sign-in source vouched for (upstream `sub`, company API `user_id`),
   * created on first sight, its name and e-mail refreshed at each sign-in.
   */
  async syncExternal(provider: string, subject: string, profile: { name?: string | undefined; email?: string | undefined }): Promise<Account> {
    const account = await this.findOrCreateExternal(provider, subject, { ...(profile.name ? { name: profile.name } : {}), ...(profile.email ? { email: profile.email } : {}) });
    const displayName = profile.name?.trim() || account.displayName;
    const email = profile.email ?? account.external?.email;
    if (displayName === account.displayName && email === account.external?.email) return account;
    const next = await this.update(account.id, (stored) => ({ ...stored, displayName, external: { provider, subject, ...(email ? { email } : {}) } }));
    return next ? publicView(next) : account;
  }

  /** The local record of a user of a sign-in source, if they signed in before. */
  async findExternal(provider: string, subject: string): Promise<Account | undefined> {
    const id = await this.store.get(externalKey(provider, subject));
    return id === null ? undefined : this.get(unpackId(id));
  }

  private async findStoredByName(username: string): Promise<StoredAccount | undefined> {
    let id = await this.store.get(nameKey(normaliseUsername(username)));
    // Mirrored accounts are named provider:subject (e.g. upstream:248289761001) and have no name key.
    const external = /^([a-z]+):(.+)$/.exec(username.trim());
    if (id === null && external) id = await this.store.get(externalKey(external[1] as string, external[2] as string));
    if (id === null) return undefined;
    const accountId = unpackId(id);
    const raw = await this.store.get(idKey(accountId));
    return raw === null ? undefined : decodeAccount(accountId, raw);
  }
}

function publicView(account: StoredAccount): Account {
  const { passwordHash: _hash, grants: _grants, ...rest } = account;
  return rest;
}

/**
 * Account records are `account:<id>`; `account list` finds them by this prefix. (Deployments before
 * this kept every id in a set, `accounts`, as well; it is no longer read or written.)
 */
const ID_PREFIX = 'account:';

function externalKey(provider: string, subject: string): string {
  return `account-ext:${provider}:${subject}`;
}

function nameKey(username: string): string {
  return `account-name:${username}`;
}

function idKey(id: string): string {
  return `${ID_PREFIX}${id}`;
}
