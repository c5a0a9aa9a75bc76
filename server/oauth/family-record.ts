import { packId, unpackId } from '../store/packed-id';
import type { FieldUpdate } from '../store';
import type { RefreshFamily } from './refresh-tokens';

/**
 * How a refresh family is stored. A family is the largest record a linked user keeps, so it is written
 * compactly: `|`-separated fields in a fixed order, times in base 36, the user id packed (packId),
 * nothing the key already says (the id) and nothing derivable (see below), trailing empty fields left
 * out. Families written as JSON (before this format) are read as well and rewritten at their next
 * change. The first character tells the formats apart: a base-36 digit here, `{` for JSON.
 *
 * Fields: createdAt | lastUsedAt (empty: createdAt) | userId | clientId | scope | current hashes
 * (comma-separated) | successorKey | previous | previousValidUntil | revokedAt | revokedReason.
 *
 * previousValidUntil is left out when it is what a rotation sets (lastUsedAt + the grace period) or 0:
 * a family with a successorKey ends the previous token's grace `graceMs` after it was last rotated.
 */
export function encodeFamily(family: RefreshFamily, graceMs: number): string {
  const derivedUntil = family.successorKey === undefined ? 0 : family.lastUsedAt + graceMs;
  const fields = [
    time(family.createdAt),
    family.lastUsedAt === family.createdAt ? '' : time(family.lastUsedAt),
    escape(packId(family.userId)),
    escape(family.clientId),
    escape(family.scope),
    family.current.join(','),
    family.successorKey ?? '',
    family.previous ?? '',
    family.previousValidUntil === derivedUntil ? '' : time(family.previousValidUntil),
    family.revokedAt === undefined ? '' : time(family.revokedAt),
    family.revokedReason === undefined ? '' : escape(family.revokedReason),
  ];
  while (fields.length > 0 && fields[fields.length - 1] === '') fields.pop();
  return fields.join('|');
}

/** Where each field sits in the compact format (see encodeFamily), for Store.updateFields. */
const FIELD = { createdAt: 0, lastUsedAt: 1, clientId: 3, current: 5, successorKey: 6, previous: 7, previousValidUntil: 8, revokedAt: 9 } as const;

/** What a rotation of a family's current token writes, when the store applies it in one step. */
export interface OneStepRotation {
  clientId: string;
  /** The hash of the presented token: the family's only current one. */
  presentedHash: string;
  now: number;
  /** The hash of the token handed out, derived with `successorKey` from the presented one. */
  nextHash: string;
  successorKey: string;
  /** The family must have been created at this time or later (0: any compact family). */
  createdAtLeast: number;
  /** The family must have been used (or created) at this time or later: it has not been idle too long (0: any). */
  usedAtLeast: number;
  ttlMs: number | undefined;
}

/**
 * The field update (Store.updateFields) that rotates a compact family whose one current token is the
 * presented one, issued to the same client, not revoked and not expired: exactly what `rotate` would write for it
 * (lastUsedAt now, the successor as the only current token, no stored previous token and the derived
 * end of its grace). Anything else (a JSON family, a grace retry, reuse, another client, a revoked
 * family) fails a guard and is decided from the record the store answers with.
 */
export function oneStepRotation(rotation: OneStepRotation): FieldUpdate {
  return {
    guards: [
      { field: FIELD.createdAt, atLeastBase36: time(Math.max(0, rotation.createdAtLeast)) },
      { field: FIELD.lastUsedAt, orElse: FIELD.createdAt, atLeastBase36: time(Math.max(0, rotation.usedAtLeast)) },
      { field: FIELD.clientId, equals: escape(rotation.clientId) },
      { field: FIELD.current, equals: rotation.presentedHash },
      { field: FIELD.revokedAt, equals: '' },
    ],
    changes: [
      [FIELD.lastUsedAt, time(rotation.now)],
      [FIELD.current, rotation.nextHash],
      [FIELD.successorKey, rotation.successorKey],
      [FIELD.previous, ''],
      [FIELD.previousValidUntil, ''],
    ],
    ttlMs: rotation.ttlMs,
  };
}

/** Reads a stored family (either format); `id` is the one its key names. */
export function decodeFamily(id: string, raw: string, graceMs: number): RefreshFamily {
  if (raw.startsWith('{')) return { ...(JSON.parse(raw) as RefreshFamily), id };
  const [created = '', lastUsed = '', userId = '', clientId = '', scope = '', current = '', successorKey = '', previous = '', previousUntil = '', revokedAt = '', revokedReason = ''] = raw.split('|');
  const createdAt = parseTime(created);
  const lastUsedAt = lastUsed === '' ? createdAt : parseTime(lastUsed);
  const family: RefreshFamily = {
    id,
    userId: unpackId(unescape(userId)),
    clientId: unescape(clientId),
    scope: unescape(scope),
    current: current === '' ? [] : current.split(','),
    previous: previous === '' ? null : previous,
    previousValidUntil: previousUntil !== '' ? parseTime(previousUntil) : successorKey === '' ? 0 : lastUsedAt + graceMs,
    createdAt,
    lastUsedAt,
  };
  if (successorKey !== '') family.successorKey = successorKey;
  if (revokedAt !== '') family.revokedAt = parseTime(revokedAt);
  if (revokedReason !== '') family.revokedReason = unescape(revokedReason);
  return family;
}

function time(ms: number): string {
  return Math.trunc(ms).toString(36);
}

function parseTime(text: string): number {
  const value = parseInt(text, 36);
  if (!Number.isFinite(value)) throw new Error('a stored refresh family has an unreadable time');
  return value;
}

/** Free-text fields (ids, scope, reason) keep `|` and `%` out of the separators' way. */
function escape(text: string): string {
  return text.includes('%') || text.includes('|') ? text.replace(/[%|]/g, (c) => (c === '%' ? '%25' : '%7C')) : text;
}

function unescape(text: string): string {
  return text.includes('%') ? text.replace(/%25|%7C/g, (c) => (c === '%25' ? '%' : '|')) : text;
}
