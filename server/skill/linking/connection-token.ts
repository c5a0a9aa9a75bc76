/**
 * The token the skill puts on Connections.StartConnection and gets back in SessionResumedRequest: what
 * the user wanted when linking started, so the skill can carry on once the account is linked.
 */
export type PendingAction = { then: 'welcome' } | { then: 'order'; destination?: string };

const PREFIX = 'linkwright.link.v1.';
const MAX_TOKEN_LENGTH = 1024;

/** Encodes a pending action as a connection token. */
export function encodeConnectionToken(action: PendingAction): string {
  return PREFIX + Buffer.from(JSON.stringify(action), 'utf8').toString('base64url');
}

/** Decodes a connection token of ours; undefined for anything else (another skill's, tampered, absent). */
export function decodeConnectionToken(token: unknown): PendingAction | undefined {
  if (typeof token !== 'string' || !token.startsWith(PREFIX) || token.length > MAX_TOKEN_LENGTH) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token.slice(PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { then, destination } = value as { then?: unknown; destination?: unknown };
  if (then === 'welcome') return { then };
  if (then === 'order') return typeof destination === 'string' && destination.length <= 100 ? { then, destination } : { then };
  return undefined;
}
