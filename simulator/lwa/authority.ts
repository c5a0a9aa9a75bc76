import type { Clock } from '../../server/clock';
import { safeEqual } from '../../server/crypto-utils';
import { s256 } from '../../server/oauth/pkce';
import type { ConsentDecision, Customer, Customers } from '../customers';
import { lwaAccessToken, lwaCode, lwaRefreshToken } from '../ids';

/** An application registered with Login with Amazon (for Alexa: the skill's "Alexa Client Id"). */
export interface LwaClientConfig {
  id: string;
  secret: string;
  /** Redirect URLs, matched exactly. */
  redirectUris: string[];
  /** Scopes the client may ask for; every LWA scope when absent. */
  scopes?: string[];
}

/** The scopes this Login with Amazon knows. */
export const LWA_SCOPES = ['profile', 'profile:user_id', 'postal_code', 'alexa::skills:account_linking'] as const;
export const ACCOUNT_LINKING_SCOPE = 'alexa::skills:account_linking';

/** Amazon authorization codes are valid 5 minutes; access tokens 1 hour (Amazon's documented values). */
export const LWA_CODE_TTL_MS = 5 * 60_000;
export const LWA_ACCESS_TOKEN_TTL_SEC = 3600;

/** A Login with Amazon token endpoint error, answered as 400 {error, error_description}. */
export class LwaTokenError extends Error {
  constructor(
    readonly error: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unauthorized_client' | 'unsupported_grant_type' | 'invalid_scope',
    readonly description: string,
  ) {
    super(`${error}: ${description}`);
  }
}

/** What an authorization request leads to: a redirect to the client, or an error page (no redirect). */
export type AuthorizeOutcome = { kind: 'redirect'; location: string; note: string } | { kind: 'page'; status: number; message: string };

/** A valid Amazon access token's grant. */
export interface LwaGrant {
  clientId: string;
  customerId: string;
  scope: string[];
  expiresAt: number;
}

interface CodeRecord {
  clientId: string;
  redirectUri: string;
  scope: string[];
  challenge: string | undefined;
  method: 'S256' | 'plain' | undefined;
  customerId: string;
  expiresAt: number;
  redeemed: boolean;
  /** The refresh token minted from this code: revoked, with its access tokens, on a replay (RFC 6749 §4.1.2). */
  refreshToken: string | undefined;
}

interface RefreshRecord {
  clientId: string;
  customerId: string;
  scope: string[];
}

export interface LwaTokenResponse {
  access_token: string;
  refresh_token: string;
  token_type: 'bearer';
  expires_in: number;
}

/**
 * Login with Amazon's authorization server, in memory: codes bound to client, redirect URI, customer
 * and PKCE challenge, single use, 5 minutes; opaque 1-hour access tokens; refresh tokens that stay the
 * same on refresh (as LWA's do). Tokens live only in this process's memory, so they are kept as-is.
 */
export class LoginWithAmazon {
  private readonly clients = new Map<string, LwaClientConfig>();
  private readonly codes = new Map<string, CodeRecord>();
  private readonly accessTokens = new Map<string, LwaGrant & { refreshToken: string }>();
  private readonly refreshTokens = new Map<string, RefreshRecord>();

  constructor(
    private readonly clock: Clock,
    private readonly customers: Customers,
    clients: LwaClientConfig[],
  ) {
    for (const client of clients) this.clients.set(client.id, client);
  }

  /** The registered client with this id, or undefined. */
  client(id: string): LwaClientConfig | undefined {
    return this.clients.get(id);
  }

  /**
   * Handles an authorization request (`/ap/oa` or the Alexa app consent) for the signed-in customer.
   * Requests that cannot be trusted to redirect (unknown client, unregistered redirect URI) get an
   * error page; every other problem is redirected to the client with an OAuth error and the state.
   */
  authorize(query: Record<string, unknown>, customer: Customer, decision: ConsentDecision, requiredScope?: string): AuthorizeOutcome {
    const param = (name: string) => (typeof query[name] === 'string' ? (query[name] as string) : undefined);
    const clientId = param('client_id');
    const client = clientId ? this.clients.get(clientId) : undefined;
    if (!client) return { kind: 'page', status: 400, message: 'An unknown client_id was sent to Login with Amazon.' };
    const redirectUri = param('redirect_uri');
    // Exact match only: a redirect URI that is merely similar could deliver the code to someone else.
    if (!redirectUri || !client.redirectUris.includes(redirectUri)) {
      return { kind: 'page', status: 400, message: 'The redirect_uri is not one of the URLs registered for this client.' };
    }
    const state = param('state');
    const fail = (error: string, description: string): AuthorizeOutcome => ({
      kind: 'redirect',
      location: withParams(redirectUri, { error, error_description: description, state }),
      note: `${error}: ${description}`,
    });
    if (param('response_type') !== 'code') return fail('unsupported_response_type', 'response_type must be code.');
    const scope = (param('scope') ?? '').split(/\s+/).filter(Boolean);
    if (scope.length === 0) return fail('invalid_scope', 'scope is required.');
    const unknown = scope.filter((s) => !(LWA_SCOPES as readonly string[]).includes(s) || (client.scopes && !client.scopes.includes(s)));
    if (unknown.length > 0) return fail('invalid_scope', `The scope ${unknown.join(' ')} is unknown or not allowed for this client.`);
    if (requiredScope && !scope.includes(requiredScope)) return fail('invalid_scope', `scope must include ${requiredScope}.`);
    const challenge = param('code_challenge');
    const method = param('code_challenge_method');
    if (method !== undefined && challenge === undefined) return fail('invalid_request', 'code_challenge_method was sent without code_challenge.');
    if (method !== undefined && method !== 'S256' && method !== 'plain') return fail('invalid_request', 'code_challenge_method must be S256 or plain.');
    if (challenge !== undefined && !/^[A-Za-z0-9\-._~]{43,128}$/.test(challenge)) return fail('invalid_request', 'code_challenge is malformed.');
    if (decision === 'deny') return fail('access_denied', 'The customer declined.');

    // LWA (like RFC 7636) treats a challenge without a method as plain.
    const pkce = challenge === undefined ? undefined : { challenge, method: method === 'S256' ? ('S256' as const) : ('plain' as const) };
    const code = this.issueCode(client.id, redirectUri, scope, customer, pkce);
    return { kind: 'redirect', location: withParams(redirectUri, { code, scope: scope.join(' '), state }), note: `code issued to ${customer.name}` };
  }

  /**
   * Mints a code for a customer who has consented (the authorization page does this; so does Alexa's
   * voice-forward linking, where the customer consents by voice).
   */
  issueCode(clientId: string, redirectUri: string, scope: string[], customer: Customer, pkce?: { challenge: string; method: 'S256' | 'plain' }): string {
    this.pruneCodes();
    const code = lwaCode();
    this.codes.set(code, {
      clientId,
      redirectUri,
      scope,
      challenge: pkce?.challenge,
      method: pkce?.method,
      customerId: customer.id,
      expiresAt: this.clock.now() + LWA_CODE_TTL_MS,
      redeemed: false,
      refreshToken: undefined,
    });
    return code;
  }

  /** Registers another LWA client (ids are unique). */
  register(client: LwaClientConfig): void {
    if (this.clients.has(client.id)) throw new Error(`LWA client ${client.id} is already registered`);
    this.clients.set(client.id, client);
  }

  /** The token endpoint: authorization_code and refresh_token grants. Throws LwaTokenError. */
  token(form: Record<string, unknown>, authorization: string | undefined): LwaTokenResponse {
    const field = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : undefined);
    const client = this.authenticate(field('client_id'), field('client_secret'), authorization);
    const grantType = field('grant_type');
    if (grantType === undefined) throw new LwaTokenError('invalid_request', 'grant_type is required.');
    if (grantType === 'authorization_code') return this.redeem(client, field('code'), field('redirect_uri'), field('code_verifier'));
    if (grantType === 'refresh_token') return this.refresh(client, field('refresh_token'));
    throw new LwaTokenError('unsupported_grant_type', `grant_type ${grantType} is not supported.`);
  }

  /** The grant behind a live access token; 'expired' or undefined (unknown or revoked) otherwise. */
  verify(accessToken: string): LwaGrant | 'expired' | undefined {
    const grant = this.accessTokens.get(accessToken);
    if (!grant) return undefined;
    if (this.clock.now() >= grant.expiresAt) return 'expired';
    return { clientId: grant.clientId, customerId: grant.customerId, scope: grant.scope, expiresAt: grant.expiresAt };
  }

  /** Revokes every token a client holds for a customer (Amazon does so when the skill is disabled). */
  revokeCustomer(customerId: string, clientId: string): number {
    let revoked = 0;
    for (const map of [this.accessTokens, this.refreshTokens] as Array<Map<string, { clientId: string; customerId: string }>>) {
      for (const [token, grant] of map) {
        if (grant.customerId === customerId && grant.clientId === clientId) {
          map.delete(token);
          revoked += 1;
        }
      }
    }
    return revoked;
  }

  /** The customer a grant belongs to (undefined if the customer was removed). */
  customerOf(grant: LwaGrant): Customer | undefined {
    return this.customers.find(grant.customerId);
  }

  private authenticate(bodyId: string | undefined, bodySecret: string | undefined, authorization: string | undefined): LwaClientConfig {
    let id = bodyId;
    let secret = bodySecret;
    if (authorization !== undefined) {
      const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization.trim());
      if (!basic) throw new LwaTokenError('invalid_client', 'The Authorization header is not HTTP Basic.');
      if (bodySecret !== undefined) throw new LwaTokenError('invalid_request', 'Send client credentials in the header or in the body, not both.');
      const decoded = Buffer.from(basic[1] ?? '', 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) throw new LwaTokenError('invalid_client', 'The Basic credentials are malformed.');
      try {
        id = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
        secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
      } catch {
        throw new LwaTokenError('invalid_client', 'The Basic credentials are malformed.');
      }
      if (bodyId !== undefined && bodyId !== id) throw new LwaTokenError('invalid_request', 'client_id in the body differs from the Basic credentials.');
    }
    if (!id || secret === undefined) throw new LwaTokenError('invalid_client', 'Client authentication is required.');
    const client = this.clients.get(id);
    // Compare against a dummy for unknown clients too, so timing does not tell which ids exist.
    const matches = safeEqual(client?.secret ?? '\u0000unknown', secret);
    if (!client || !matches) throw new LwaTokenError('invalid_client', 'Client authentication failed.');
    return client;
  }

  private redeem(client: LwaClientConfig, code: string | undefined, redirectUri: string | undefined, verifier: string | undefined): LwaTokenResponse {
    if (!code) throw new LwaTokenError('invalid_request', 'code is required.');
    const record = this.codes.get(code);
    if (!record) throw new LwaTokenError('invalid_grant', 'The authorization code is invalid.');
    if (record.redeemed) {
      // A replayed code may be a stolen one: revoke what the first redemption produced.
      if (record.refreshToken !== undefined) this.revokeRefreshToken(record.refreshToken);
      throw new LwaTokenError('invalid_grant', 'The authorization code has already been used.');
    }
    if (this.clock.now() >= record.expiresAt) throw new LwaTokenError('invalid_grant', 'The authorization code has expired.');
    if (record.clientId !== client.id) throw new LwaTokenError('invalid_grant', 'The authorization code was issued to another client.');
    if (redirectUri !== record.redirectUri) throw new LwaTokenError('invalid_grant', 'redirect_uri does not match the authorization request.');
    if (record.challenge !== undefined) {
      if (verifier === undefined) throw new LwaTokenError('invalid_grant', 'code_verifier is required for this code.');
      const computed = record.method === 'S256' ? s256(verifier) : verifier;
      if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier) || !safeEqual(computed, record.challenge)) {
        throw new LwaTokenError('invalid_grant', 'code_verifier does not match the code_challenge.');
      }
    } else if (verifier !== undefined) {
      throw new LwaTokenError('invalid_grant', 'code_verifier was sent for a code issued without code_challenge.');
    }
    record.redeemed = true;
    const refreshToken = lwaRefreshToken();
    this.refreshTokens.set(refreshToken, { clientId: client.id, customerId: record.customerId, scope: record.scope });
    record.refreshToken = refreshToken;
    return this.mintAccess(client.id, record.customerId, record.scope, refreshToken);
  }

  private refresh(client: LwaClientConfig, refreshToken: string | undefined): LwaTokenResponse {
    if (!refreshToken) throw new LwaTokenError('invalid_request', 'refresh_token is required.');
    const record = this.refreshTokens.get(refreshToken);
    if (!record) throw new LwaTokenError('invalid_grant', 'The refresh token is invalid or revoked.');
    if (record.clientId !== client.id) throw new LwaTokenError('invalid_grant', 'The refresh token was issued to another client.');
    return this.mintAccess(client.id, record.customerId, record.scope, refreshToken);
  }

  /** Forgets codes long past expiry; redeemed ones are kept a while so a replay is still recognised. */
  private pruneCodes(): void {
    const horizon = this.clock.now() - 3 * LWA_CODE_TTL_MS;
    for (const [code, record] of this.codes) if (record.expiresAt < horizon) this.codes.delete(code);
  }

  private revokeRefreshToken(refreshToken: string): void {
    this.refreshTokens.delete(refreshToken);
    for (const [token, grant] of this.accessTokens) if (grant.refreshToken === refreshToken) this.accessTokens.delete(token);
  }

  private mintAccess(clientId: string, customerId: string, scope: string[], refreshToken: string): LwaTokenResponse {
    const accessToken = lwaAccessToken();
    this.accessTokens.set(accessToken, { clientId, customerId, scope, expiresAt: this.clock.now() + LWA_ACCESS_TOKEN_TTL_SEC * 1000, refreshToken });
    return { access_token: accessToken, refresh_token: refreshToken, token_type: 'bearer', expires_in: LWA_ACCESS_TOKEN_TTL_SEC };
  }
}

/** `base` with query parameters added (existing ones kept); undefined values are left out. */
export function withParams(base: string, params: Record<string, string | undefined>): string {
  const url = new URL(base);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.append(key, value);
  return url.toString();
}
