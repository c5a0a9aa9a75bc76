/**
 * The token a skill puts on Connections.StartConnection and gets back in SessionResumedRequest: what the
 * user wanted when linking started (any small JSON value the skill chooses), so the skill can carry on
 * once the account is linked. Not a secret and not trusted: the skill validates what it decodes.
 */
const PREFIX = 'linkwright.link.v1.';
/** Alexa limits connection tokens; a state must stay small. */
export const MAX_CONNECTION_TOKEN_LENGTH = 1024;

/** Encodes a state as a connection token; throws when it would be longer than Alexa carries. */
export function encodeConnectionToken(state: unknown): string {
  const token = PREFIX + Buffer.from(JSON.stringify(state ?? null), 'utf8').toString('base64url');
  if (token.length > MAX_CONNECTION_TOKEN_LENGTH) throw new RangeError(`connection token state is too large (${token.length} characters)`);
  return token;
}

/**
 * Decodes a connection token of ours to the state it carries; undefined for anything else (another
 * skill's, tampered, absent). The state is whatever JSON came back: validate it before use.
 */
export function decodeConnectionToken(token: unknown): unknown {
  if (typeof token !== 'string' || !token.startsWith(PREFIX) || token.length > MAX_CONNECTION_TOKEN_LENGTH) return undefined;
  try {
    return JSON.parse(Buffer.from(token.slice(PREFIX.length), 'base64url').toString('utf8')) ?? undefined;
  } catch {
    return undefined;
  }
}

/** True when a connection token is one of ours (whatever its state). */
export function isOurConnectionToken(token: unknown): boolean {
  return decodeConnectionToken(token) !== undefined;
}
