import type { Clock } from '../clock';
import { randomToken, sha256 } from '../crypto-utils';
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
 * record for a "spent" marker in one compare-and-set, so of two racing requests exactly one wins, and
 * a later replay finds the marker and revokes the tokens the first redemption produced.
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
   * Consumes a code and checks it against the token request; returns the grant it carried.
   * Every failure is an `invalid_grant` whose reason names the check that failed.
   */
  async redeem(code: string, request: RedeemRequest): Promise<CodeGrant> {
    const k = key(code);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const raw = await this.store.get(k);
      if (raw === null) throw new OAuthError('invalid_grant', 'The authorization code is unknown or has expired.', 400, 'code unknown or expired');
      const stored = JSON.parse(raw) as CodeRecord | SpentCode;
      if (stored.kind === 'spent') {
        await this.onReplay(k, raw, stored);
        throw new OAuthError('invalid_grant', 'The authorization code was already used; tokens issued with it have been revoked.', 400, 'code replayed');
      }
      const spent: SpentCode = { kind: 'spent' };
      if (!(await this.store.compareAndSet(k, raw, JSON.stringify(spent), SPENT_TTL_MS))) continue; // lost a race: re-read
      return this.check(stored, request);
    }
    throw new OAuthError('invalid_grant', 'The authorization code was already used.', 400, 'code redemption contended');
  }

  /**
   * Records which refresh family a redeemed code produced. If a replay slipped in between redemption
   * and this call, the new family is revoked at once, exactly as a replay arriving a moment later
   * would revoke it. The redeeming request itself still completes: of two requests racing on one code
   * exactly one succeeds (the other was already refused), whichever order their steps interleave in.
   */
  async recordIssued(code: string, familyId: string): Promise<void> {
    const k = key(code);
    const fresh = JSON.stringify({ kind: 'spent' } satisfies SpentCode);
    if (await this.store.compareAndSet(k, fresh, JSON.stringify({ kind: 'spent', familyId } satisfies SpentCode), SPENT_TTL_MS)) return;
    await this.store.set(k, JSON.stringify({ kind: 'spent', familyId, replayed: true } satisfies SpentCode), SPENT_TTL_MS);
    await this.revokeFamily(familyId, 'authorization code replayed during redemption');
  }

  /**
   * Marks a spent code as replayed and revokes what it issued. The marker may change under us (the
   * first redemption records its family between our read and our write), so a lost write re-reads:
   * otherwise a replay that read the marker a moment too early would leave the new grant alive.
   */
  private async onReplay(k: string, raw: string, spent: SpentCode): Promise<void> {
    let currentRaw = raw;
    let current = spent;
    for (let attempt = 0; attempt < 5; attempt += 1) {
      if (current.familyId) await this.revokeFamily(current.familyId, 'authorization code replayed');
      if (current.replayed) return;
      if (await this.store.compareAndSet(k, currentRaw, JSON.stringify({ ...current, replayed: true }), SPENT_TTL_MS)) return;
      const next = await this.store.get(k);
      if (next === null) return;
      currentRaw = next;
      current = JSON.parse(next) as SpentCode;
    }
  }

  private check(record: CodeRecord, request: RedeemRequest): CodeGrant {
    const fail = (description: string, reason: string): never => {
      throw new OAuthError('invalid_grant', description, 400, reason);
    };
    if (record.expiresAt <= this.clock.now()) fail('The authorization code has expired.', 'code expired');
    if (record.clientId !== request.clientId) fail('The authorization code was issued to another client.', 'code client mismatch');
    if (request.redirectUri === undefined && !record.redirectUriOptional) fail('redirect_uri is required: send the one used in the authorization request.', 'redirect_uri missing on token request');
    if (request.redirectUri !== undefined && record.redirectUri !== request.redirectUri) {
      fail('redirect_uri does not match the one used in the authorization request.', `redirect mismatch: token request "${request.redirectUri}", code bound to "${record.redirectUri}"`);
    }
    if (record.codeChallenge) {
      if (!request.codeVerifier) fail('code_verifier is required: the authorization request used PKCE.', 'code_verifier missing');
      if (!verifierMatches(request.codeVerifier as string, record.codeChallenge)) fail('code_verifier does not match the code_challenge.', 'PKCE verifier mismatch');
    } else if (request.codeVerifier) {
      // RFC 9700 §2.1.1: a verifier without a challenge signals a downgrade attempt.
      fail('code_verifier was sent but the authorization request had no code_challenge.', 'PKCE verifier without challenge');
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

function key(code: string): string {
  return `code:${sha256(code)}`;
}
