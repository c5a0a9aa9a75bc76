import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import { ServiceError } from '../errors';
import type { Store } from '../store';
import { dummyPasswordHash, hashPassword, verifyPassword } from './passwords';

/** A user of the company, as the skill and the pages see it. */
export interface Account {
  id: string;
  username: string;
  displayName: string;
  createdAt: number;
  /** Set for accounts created from another identity provider (e.g. Login with Amazon). */
  external?: { provider: string; subject: string; email?: string };
}

interface StoredAccount extends Account {
  passwordHash?: string;
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
    const username = normaliseUsername(input.username);
    if (!/^[^\s]{1,254}$/.test(username)) throw new ServiceError('invalid_username', 400, 'Usernames are 1–254 characters without spaces.');
    if (input.password.length < 8 || input.password.length > 1024) {
      throw new ServiceError('invalid_password', 400, 'Passwords are 8 to 1024 characters long.');
    }
    const account: StoredAccount = {
      id: randomUUID(),
      username,
      displayName: input.displayName?.trim() || username.split('@')[0] || username,
      createdAt: this.clock.now(),
      passwordHash: await hashPassword(input.password),
    };
    // Claiming the name first, in one step, stops two concurrent sign-ups from sharing it.
    if (!(await this.store.setIfAbsent(nameKey(username), account.id))) {
      throw new ServiceError('account_exists', 409, `An account named ${username} already exists.`);
    }
    await this.store.set(idKey(account.id), JSON.stringify(account));
    return publicView(account);
  }

  /** Replaces an account's password (the CLI's `passwd`). */
  async setPassword(username: string, password: string): Promise<void> {
    const account = await this.findStoredByName(username);
    if (!account) throw new ServiceError('account_unknown', 404, `No account named ${normaliseUsername(username)}.`);
    if (password.length < 8 || password.length > 1024) throw new ServiceError('invalid_password', 400, 'Passwords are 8 to 1024 characters long.');
    await this.store.set(idKey(account.id), JSON.stringify({ ...account, passwordHash: await hashPassword(password) }));
  }

  /** The account whose password matches, or undefined; takes the same time whether or not the name exists. */
  async authenticate(username: string, password: string): Promise<Account | undefined> {
    const account = await this.findStoredByName(username);
    const hash = account?.passwordHash ?? (await dummyPasswordHash());
    const ok = await verifyPassword(password, hash);
    return ok && account?.passwordHash ? publicView(account) : undefined;
  }

  /** Looks an account up by id. */
  async get(id: string): Promise<Account | undefined> {
    const raw = await this.store.get(idKey(id));
    return raw === null ? undefined : publicView(JSON.parse(raw) as StoredAccount);
  }

  /** Looks an account up by username. */
  async findByName(username: string): Promise<Account | undefined> {
    const account = await this.findStoredByName(username);
    return account ? publicView(account) : undefined;
  }

  /** The local account for an identity at another provider, created on first sight. */
  async findOrCreateExternal(provider: string, subject: string, profile: { name?: string; email?: string }): Promise<Account> {
    const linkKey = `account-ext:${provider}:${subject}`;
    const existing = await this.store.get(linkKey);
    if (existing !== null) {
      const account = await this.get(existing);
      if (account) return account;
    }
    const account: StoredAccount = {
      id: randomUUID(),
      username: `${provider}:${subject}`,
      displayName: profile.name?.trim() || profile.email?.split('@')[0] || 'there',
      createdAt: this.clock.now(),
      external: { provider, subject, ...(profile.email ? { email: profile.email } : {}) },
    };
    await this.store.set(idKey(account.id), JSON.stringify(account));
    // Two first requests at once: the one that claims the link wins, the other adopts its account.
    if (await this.store.setIfAbsent(linkKey, account.id)) return publicView(account);
    await this.store.delete(idKey(account.id));
    const winner = await this.store.get(linkKey);
    const found = winner === null ? undefined : await this.get(winner);
    if (!found) throw new ServiceError('account_conflict', 503, 'The account is being created; try again.');
    return found;
  }

  private async findStoredByName(username: string): Promise<StoredAccount | undefined> {
    const id = await this.store.get(nameKey(normaliseUsername(username)));
    if (id === null) return undefined;
    const raw = await this.store.get(idKey(id));
    return raw === null ? undefined : (JSON.parse(raw) as StoredAccount);
  }
}

function publicView(account: StoredAccount): Account {
  const { passwordHash: _omit, ...rest } = account;
  return rest;
}

function nameKey(username: string): string {
  return `account-name:${username}`;
}

function idKey(id: string): string {
  return `account:${id}`;
}
