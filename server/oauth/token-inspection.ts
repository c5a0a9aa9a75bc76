import { type AccessTokenClaims, type AccessTokens, InvalidAccessTokenError } from './access-tokens';
import type { Revocations } from './revocations';

/** What one of our access tokens is now: live with its claims, or not live and why (for the log). */
export type Inspection = { active: true; claims: AccessTokenClaims } | { active: false; reason: string };

/**
 * Verifies an access token of ours and asks the store, never a cache, whether its family was revoked:
 * introspection and userinfo see a revocation the moment it is written, whichever process wrote it.
 */
export async function inspectAccessToken(
  accessTokens: Pick<AccessTokens, 'verify'>,
  revocations: Pick<Revocations, 'isRevoked'>,
  token: string,
  audiences?: readonly string[],
): Promise<Inspection> {
  let claims: AccessTokenClaims;
  try {
    claims = accessTokens.verify(token, audiences);
  } catch (error) {
    if (error instanceof InvalidAccessTokenError) return { active: false, reason: error.reason };
    throw error;
  }
  if (await revocations.isRevoked(claims)) return { active: false, reason: 'token family revoked' };
  return { active: true, claims };
}
