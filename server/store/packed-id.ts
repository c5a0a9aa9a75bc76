/**
 * Ids as the store holds them inside values. Account ids are UUIDs (36 characters, the `sub` of every
 * token); their 16 bytes in base64url take 22, and every record that names a user carries one, so the
 * store keeps them packed and callers see the UUID. Any other id is kept as it is, marked with `=` when
 * it could be mistaken for a packed one, so every string reads back unchanged.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PACKED = /^[A-Za-z0-9_-]{21}[AQgw]$/;
const LITERAL_MARK = '=';

/** The stored form of an id: 22 characters for a lowercase UUID, the id itself (or `=id`) otherwise. */
export function packId(id: string): string {
  if (UUID.test(id)) return Buffer.from(id.replaceAll('-', ''), 'hex').toString('base64url');
  return PACKED.test(id) || id.startsWith(LITERAL_MARK) ? LITERAL_MARK + id : id;
}

/** The id a stored form stands for (the inverse of packId; a UUID stored unpacked reads as itself). */
export function unpackId(stored: string): string {
  if (stored.startsWith(LITERAL_MARK)) return stored.slice(1);
  if (!PACKED.test(stored)) return stored;
  const hex = Buffer.from(stored, 'base64url').toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
