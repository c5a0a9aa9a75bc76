import { hash } from 'node:crypto';
import type { Clock } from '../clock';
import { randomToken } from '../crypto-utils';
import { OAuthError } from '../errors';
import type { Store } from '../store';
import { verifierMatches } from './pkce';

/** What an authorization code is bound to; all of it is checked when the code is redeemed. */
export interface CodeGrant {
  clientId: string;
  redirectUri: string;
  userId: string;
  scope: string;
  codeChallenge?: string | undefined;
  /**
   * True for codes minted without an authorization request (app-to-app linking hands ours to Alexa
   * through the Skill Enablement API): RFC 6749 §4.1.3 requires redirect_uri on the token request only
   * when the authorization request carried one. When sent, it must still match exactly.
   */
  redirectUriOptional?: boolean;
}

interface CodeRecord extends CodeGrant {
  kind: 'code';
  expiresAt: number;
}

/** What a redeemed code leaves behind, so a replay can find and revoke what it issued. */
interface SpentCode {
  kind: 'spent';
  familyId?: string;
  replayed?: boolean;
}

/** How long a spent code is remembered: long enough to catch a replay of a leaked code. */
const SPENT_TTL_MS = 15 * 60_000;

export interface RedeemRequest {
  clientId: string;
  redirectUri: string | undefined;
  codeVerifier: string | undefined;
}

/**
 * Authorization codes: random, stored only as a hash, short-lived, and single use. Redeeming swaps the
 * record for a "spent" marker in one atomic step that also reads it, so of two racing requests exactly
 * one gets the record, and each later one gets the marker left before it. The marker names the refresh
 * family the redemption is about to start, so the first replay (or the loser of a race) revokes it at
 * whatever moment it comes, even before the family is stored: RefreshTokens will not store a family
 * that was revoked in advance.
 */
export class AuthorizationCodes {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly ttlSec: number,
    private readonly revokeFamily: (familyId: string, reason: string) => Promise<void>,
  ) {}

  /** Mints a code for a grant. */
  async issue(grant: CodeGrant): Promise<string> {
    const code = randomToken(32);
    const record: CodeRecord = { kind: 'code', ...grant, expiresAt: this.clock.now() + this.ttlSec * 1000 };
    // The store's TTL outlives the logical expiry a little, so an expired code is reported as
    // expired (a clearer message) rather than unknown.
    await this.store.set(key(code), JSON.stringify(record), this.ttlSec * 1000 + 60_000);
    return code;
  }

  /**
   * Consumes a code and checks it against the token request; returns the grant it carried. `familyId`
   * is the refresh family the caller will start with it (none when the caller only withdraws the code):
   * the spent marker records it in the same step, so no later step has to. Every failure is an
   * `invalid_grant` whose reason names the check that failed, and spends the code all the same (a
   * corrected retry is a replay; the family named is then never started).
   */
  async redeem(code: string, request: RedeemRequest, familyId?: string): Promise<CodeGrant> {
    const k = key(code);
    const spent: SpentCode = familyId === undefined ? { kind: 'spent' } : { kind: 'spent', familyId };
    const raw = await this.store.getAndSet(k, JSON.stringify(spent), SPENT_TTL_MS);
    if (raw === null) {
      // No such code: take back the marker the swap wrote (codes are random, so none can appear meanwhile).
      await this.store.delete(k);
      throw new OAuthError('invalid_grant', 'The authorization code is unknown or has expired.', 400, 'code unknown or expired');
    }
    const stored = JSON.parse(raw) as CodeRecord | SpentCode;
    if (stored.kind === 'spent') {
      await this.onReplay(k, stored);
      throw new OAuthError('invalid_grant', 'The authorization code was already used; tokens issued with it have been revoked.', 400, 'code replayed');
    }
    const outcome = this.check(stored, request);
    if (outcome instanceof OAuthError) throw outcome;
    return outcome;
  }

  /**
   * Revokes what a replayed code issued. The swap has just replaced the marker it found, so that
   * marker is put back first (marked replayed): a later replay, or a retry after a failed revocation,
   * still finds the family.
   */
  private async onReplay(k: string, found: SpentCode): Promise<void> {
    await this.store.set(k, JSON.stringify({ ...found, replayed: true } satisfies SpentCode), SPENT_TTL_MS);
    if (found.familyId) await this.revokeFamily(found.familyId, 'authorization code replayed');
  }

  /** The grant, or the invalid_grant naming the first check the request failed. */
  private check(record: CodeRecord, request: RedeemRequest): CodeGrant | OAuthError {
    const fail = (description: string, reason: string): OAuthError => new OAuthError('invalid_grant', description, 400, reason);
    if (record.expiresAt <= this.clock.now()) return fail('The authorization code has expired.', 'code expired');
    if (record.clientId !== request.clientId) return fail('The authorization code was issued to another client.', 'code client mismatch');
    if (request.redirectUri === undefined && !record.redirectUriOptional) return fail('redirect_uri is required: send the one used in the authorization request.', 'redirect_uri missing on token request');
    if (request.redirectUri !== undefined && record.redirectUri !== request.redirectUri) {
      return fail('redirect_uri does not match the one used in the authorization request.', `redirect mismatch: token request "${request.redirectUri}", code bound to "${record.redirectUri}"`);
    }
    if (record.codeChallenge) {
      if (!request.codeVerifier) return fail('code_verifier is required: the authorization request used PKCE.', 'code_verifier missing');
      if (!verifierMatches(request.codeVerifier, record.codeChallenge)) return fail('code_verifier does not match the code_challenge.', 'PKCE verifier mismatch');
    } else if (request.codeVerifier) {
      // RFC 9700 §2.1.1: a verifier without a challenge signals a downgrade attempt.
      return fail('code_verifier was sent but the authorization request had no code_challenge.', 'PKCE verifier without challenge');
    }
    return {
      clientId: record.clientId,
      redirectUri: record.redirectUri,
      userId: record.userId,
      scope: record.scope,
      codeChallenge: record.codeChallenge,
      redirectUriOptional: record.redirectUriOptional,
    };
  }
}

/** A code's key: its SHA-256 (as crypto-utils' sha256 writes it, hashed in one shot), so the store never holds the code. */
function key(code: string): string {
  return `code:${hash('sha256', code, 'base64url')}`;
}
