import type { Account } from './directory';

/** An account as the store keeps it: what callers see, its password hash, and the ids of its grants. */
export interface StoredAccount extends Account {
  passwordHash?: string;
  /** The user's grants (refresh family ids), for revoking them all; see AccountDirectory.addGrant. */
  grants?: string[];
}

/**
 * The stored JSON: an array in a fixed order, so no field name is stored, and no id (the key has it):
 * [username, displayName, createdAt, passwordHash ('' for none), grants, email (0 for none),
 * external as [provider, subject, email?]], the trailing ones left out when empty.
 */
type CompactAccount = [string, string, number, string, string[]?, (string | 0)?, ([string, string] | [string, string, string])?];

/** Where a compact record keeps the grants' ids (from 0), for Store.listMember. */
export const GRANTS_POSITION = 4;

/**
 * Writes an account record. Every linked user has one, so it is kept compact; records written before
 * this format (a JSON object with field names and the id) are read as well and take this form at their
 * next write.
 */
export function encodeAccount(account: StoredAccount): string {
  const { external } = account;
  const fields: unknown[] = [account.username, account.displayName, account.createdAt, account.passwordHash ?? '', account.grants ?? [], account.email ?? 0];
  if (external) fields.push(external.email === undefined ? [external.provider, external.subject] : [external.provider, external.subject, external.email]);
  // Trailing defaults are left out; an earlier one stays when a later field is set.
  while (fields.length > 4 && isEmpty(fields[fields.length - 1])) fields.pop();
  return JSON.stringify(fields);
}

/** Reads an account record of either form; `id` is the one its key names. */
export function decodeAccount(id: string, raw: string): StoredAccount {
  const parsed = JSON.parse(raw) as CompactAccount | StoredAccount;
  if (!Array.isArray(parsed)) return { ...parsed, id };
  const [username, displayName, createdAt, passwordHash, grants, email, external] = parsed;
  const account: StoredAccount = { id, username, displayName, createdAt };
  if (passwordHash !== '') account.passwordHash = passwordHash;
  if (grants !== undefined && grants.length > 0) account.grants = grants;
  if (email !== undefined && email !== 0) account.email = email;
  if (external) {
    const [provider, subject, externalEmail] = external;
    account.external = externalEmail === undefined ? { provider, subject } : { provider, subject, email: externalEmail };
  }
  return account;
}

function isEmpty(value: unknown): boolean {
  return value === 0 || (Array.isArray(value) && value.length === 0);
}
