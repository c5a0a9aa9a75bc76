import * as oidc from 'openid-client';
import { safeEqual } from '../../crypto-utils';
import type { UpstreamLoginSource } from './settings';

/** Why an upstream sign-in failed; each has its own page and log line. */
export type UpstreamFailureKind =
  | 'unavailable'
  | 'state_mismatch'
  | 'nonce_mismatch'
  | 'access_denied'
  | 'provider_error'
  | 'bad_answer'
  | 'id_token_invalid'
  | 'no_pkce'
  | 'expired';

/** An upstream sign-in that cannot go on; `reason` is for the log (never a token or a secret). */
export class UpstreamFailure extends Error {
  constructor(
    readonly kind: UpstreamFailureKind,
    readonly reason: string,
  ) {
    super(`${kind}: ${reason}`);
    this.name = 'UpstreamFailure';
  }
}

/** What must survive the trip to the provider and back (kept sealed in the browser). */
export interface UpstreamChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** Who the provider says signed in. */
export interface UpstreamIdentity {
  sub: string;
  name: string | undefined;
  email: string | undefined;
}

/**
 * Linkwright as a client of the company's OpenID Connect provider, through openid-client: discovery
 * (once, then cached; retried after a failure), the authorization URL with PKCE S256, state and nonce,
 * and the code exchange with the ID token validated (issuer, audience, signature with the one pinned
 * algorithm LOGIN_UPSTREAM_ID_TOKEN_ALG, expiry, nonce).
 */
export class UpstreamProvider {
  private discovered: Promise<oidc.Configuration> | undefined;

  constructor(
    readonly source: UpstreamLoginSource,
    private readonly allowHttp: boolean,
  ) {}

  /**
   * Runs discovery ahead of the first sign-in, so a provider that is unreachable or does not do PKCE
   * is named in the log at start; undefined when it is usable. A failure is not cached.
   */
  async check(): Promise<UpstreamFailure | undefined> {
    try {
      await this.configuration();
      return undefined;
    } catch (error) {
      if (error instanceof UpstreamFailure) return error;
      throw error;
    }
  }

  /** The provider's authorization URL for a new sign-in, and the checks to keep for its return. */
  async begin(): Promise<{ url: URL; checks: UpstreamChecks }> {
    const config = await this.configuration();
    const checks: UpstreamChecks = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.source.redirectUri,
      scope: this.source.scopes.join(' '),
      code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
      state: checks.state,
      nonce: checks.nonce,
    });
    return { url, checks };
  }

  /** Completes a sign-in from the callback's query; throws UpstreamFailure. */
  async finish(query: URLSearchParams, checks: UpstreamChecks): Promise<UpstreamIdentity> {
    // Checked here first (openid-client checks again) so a mismatch is told apart from other failures.
    const state = query.get('state');
    if (state === null || !safeEqual(state, checks.state)) throw new UpstreamFailure('state_mismatch', state === null ? 'the callback has no state' : 'the callback state is not the one this browser was sent with');
    const config = await this.configuration();
    const callback = new URL(this.source.redirectUri);
    callback.search = query.toString();
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: checks.codeVerifier, expectedState: checks.state, expectedNonce: checks.nonce, idTokenExpected: true });
    } catch (error) {
      throw classify(error, 'token');
    }
    const claims = tokens.claims();
    if (!claims) throw new UpstreamFailure('id_token_invalid', 'the token response has no ID token');
    let name = typeof claims.name === 'string' ? claims.name : undefined;
    let email = typeof claims.email === 'string' ? claims.email : undefined;
    if ((name === undefined || email === undefined) && config.serverMetadata().userinfo_endpoint) {
      // Many providers put the profile in userinfo only; without it the user still signs in.
      try {
        const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
        name ??= typeof info.name === 'string' ? info.name : undefined;
        email ??= typeof info.email === 'string' ? info.email : undefined;
      } catch {
        // a profile is a nicety; the ID token already proved who signed in
      }
    }
    return { sub: claims.sub, name, email };
  }

  private configuration(): Promise<oidc.Configuration> {
    this.discovered ??= this.discover().catch((error: unknown) => {
      this.discovered = undefined; // the next sign-in tries again
      throw error;
    });
    return this.discovered;
  }

  private async discover(): Promise<oidc.Configuration> {
    const { issuer, clientId, clientSecret, timeoutMs } = this.source;
    let config: oidc.Configuration;
    try {
      const metadata = { id_token_signed_response_alg: this.source.idTokenAlg, ...(clientSecret === undefined ? {} : { client_secret: clientSecret }) };
      config = await oidc.discovery(new URL(issuer), clientId, metadata, clientSecret === undefined ? oidc.None() : undefined, {
        timeout: timeoutMs / 1000,
        ...(this.allowHttp ? { execute: [oidc.allowInsecureRequests] } : {}),
      });
    } catch (error) {
      throw classify(error, 'discovery');
    }
    config.timeout = timeoutMs / 1000;
    // PKCE is not optional here: without S256 a stolen code could be redeemed by whoever holds it.
    if (!config.serverMetadata().supportsPKCE('S256')) {
      throw new UpstreamFailure('no_pkce', `${issuer} does not list S256 in code_challenge_methods_supported; Linkwright signs in only with PKCE (enable PKCE for the client at the provider)`);
    }
    return config;
  }
}

/** Maps openid-client's errors onto the failures the pages tell apart. */
function classify(error: unknown, step: 'discovery' | 'token'): UpstreamFailure {
  if (error instanceof UpstreamFailure) return error;
  if (error instanceof oidc.AuthorizationResponseError) {
    // Anyone can bring a callback with an error in it (with their own pending sign-in), so it is a bad
    // request, not a failing provider, unless it says the provider is down.
    const kind = error.error === 'access_denied' ? 'access_denied' : error.error === 'server_error' || error.error === 'temporarily_unavailable' ? 'unavailable' : 'bad_answer';
    return new UpstreamFailure(kind, `the provider answered error=${error.error}${error.error_description ? ` (${error.error_description.slice(0, 200)})` : ''}`);
  }
  if (error instanceof oidc.ResponseBodyError) {
    // invalid_grant: the code the browser brought back is not one the provider issued (or it was spent).
    const kind = error.status >= 500 ? 'unavailable' : error.error === 'invalid_grant' ? 'bad_answer' : 'provider_error';
    return new UpstreamFailure(kind, `${step} endpoint answered HTTP ${error.status} error=${error.error}`);
  }
  if (error instanceof oidc.ClientError) {
    const detail = error.cause instanceof Error ? error.cause.message : error.message;
    switch (error.code) {
      case 'OAUTH_TIMEOUT':
      case 'OAUTH_ABORT':
        return new UpstreamFailure('unavailable', `${step} request timed out`);
      case 'OAUTH_RESPONSE_IS_NOT_CONFORM':
      case 'OAUTH_RESPONSE_IS_NOT_JSON':
        return new UpstreamFailure(step === 'discovery' ? 'unavailable' : 'provider_error', `${step}: ${error.message}`);
    }
    if (step === 'discovery') return new UpstreamFailure('unavailable', `discovery failed: ${detail}`);
    if (detail.includes('"nonce"')) return new UpstreamFailure('nonce_mismatch', `the ID token's nonce is not the one this sign-in was started with`);
    if (detail.includes('"state"')) return new UpstreamFailure('state_mismatch', detail);
    // The authorization response itself (issuer parameter, code, flow) as the browser brought it back.
    if (/"iss" \(issuer\)|no authorization code|implicit and hybrid/.test(detail)) return new UpstreamFailure('bad_answer', `the callback does not hold: ${detail}`);
    return new UpstreamFailure('id_token_invalid', `the token response failed validation: ${detail}`);
  }
  if (error instanceof TypeError) {
    const cause = error.cause instanceof Error ? ((error.cause as NodeJS.ErrnoException).code ?? error.cause.message) : error.message;
    return new UpstreamFailure('unavailable', `${step} request failed (${cause})`);
  }
  return new UpstreamFailure('provider_error', `${step}: ${error instanceof Error ? error.message : String(error)}`);
}
