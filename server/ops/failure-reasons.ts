import type { LinkingStep } from './metrics';

/** A failure as the step that refused it describes it: the error code answered and the log-only reason. */
export interface FailureFacts {
  /** The OAuth or app-links error code the caller received (or the resolver's verdict for the skill). */
  code: string;
  /** Which check failed, as the domain wrote it (never a secret). */
  reason: string;
}

/** A failure put in a support engineer's terms: a short category (a metric label) and what to do about it. */
export interface FailureExplanation {
  category: string;
  advice: string;
}

interface Rule {
  /** Matches the error code (exact) and/or the reason (pattern); both must match when both are given. */
  code?: string;
  reason?: RegExp;
  category: string;
  advice: string;
}

// The reasons below are the ones the domain writes (server/oauth/*, server/skill/linking/*, app-links/*).
// test/server/ops/failure-reasons.test.ts drives each through the real endpoints, so a reworded reason
// that no longer matches shows up there rather than as "other" in production.
const TOKEN_RULES: Rule[] = [
  { reason: /^client auth: unknown client_id/, category: 'client_unknown', advice: 'The client id Alexa sent is not registered (OAUTH_CLIENT_ID, or a client_id of CLIENTS_FILE): set the console\'s "Your Client ID" to it (npm run alexa:config prints it).' },
  { reason: /^client auth: wrong client secret/, category: 'client_secret_wrong', advice: 'The client secret Alexa sent is not OAUTH_CLIENT_SECRET: paste the current secret into the console\'s "Your Secret" (after a rotation both must change together).' },
  { reason: /^client auth: /, category: 'client_auth_malformed', advice: 'The client authentication of the token request is malformed (see reason). Either "Authentication Scheme" works; check that a proxy does not rewrite the Authorization header or the body.' },
  { reason: /^code unknown or expired/, category: 'code_unknown', advice: 'The authorization code is unknown or gone: it was redeemed later than AUTH_CODE_TTL after consent, or the store lost it (an in-memory store restarted?). Ask the user to link again.' },
  { reason: /^code expired/, category: 'code_expired', advice: 'Alexa redeemed the code after AUTH_CODE_TTL seconds: the user took too long between consent and Amazon\'s exchange, or a retry came late. Ask the user to link again.' },
  { reason: /^code replayed|^code redemption contended/, category: 'code_replayed', advice: 'The code was presented twice, so every token issued with it was revoked (RFC 6749 §4.1.2). Usually a retried request (proxy, double redirect). The user must link again.' },
  { reason: /^code client mismatch/, category: 'code_client_mismatch', advice: 'The code was issued to another client than the one redeeming it: two clients share this server; check which client id the console uses.' },
  { reason: /^redirect_uri missing on token request/, category: 'redirect_uri_missing', advice: 'The token request carried no redirect_uri although the authorization request had one; Alexa always sends it, so another client is calling.' },
  { reason: /^redirect mismatch/, category: 'redirect_uri_mismatch', advice: 'The redirect_uri of the token request differs from the authorization request\'s (both are in reason): the console\'s redirect URLs and ALEXA_VENDOR_ID/OAUTH_REDIRECT_URIS disagree.' },
  { reason: /PKCE|code_verifier/, category: 'pkce_failed', advice: 'The PKCE check failed (see reason): the console\'s PKCE switch and OAUTH_REQUIRE_PKCE must agree, and the verifier must belong to this code.' },
  { reason: /^refresh token malformed/, category: 'refresh_malformed', advice: 'The refresh token is not one of ours: the console may point at this server while the tokens came from another one. The user must link again.' },
  { reason: /^refresh family unknown or expired|^refresh family expired/, category: 'refresh_expired', advice: 'The grant expired (REFRESH_TOKEN_IDLE_TTL / REFRESH_TOKEN_LIFETIME) or the store lost it. Alexa shows the account as unlinked; the user links again.' },
  { reason: /^refresh family revoked/, category: 'refresh_revoked', advice: 'The grant was revoked (reason in brackets: skill disabled, unlinked, operator, reuse). Alexa shows the account as unlinked; the user links again.' },
  { reason: /^refresh token reused/, category: 'refresh_reused', advice: 'An old refresh token came back, so the grant was revoked as a precaution. If Alexa retried late, raise REFRESH_TOKEN_GRACE; the user must link again.' },
  { reason: /^refresh token client mismatch/, category: 'refresh_client_mismatch', advice: 'The refresh token belongs to another client than the one using it: check which client id the console uses.' },
  { reason: /contended/, category: 'contended', advice: 'Two requests raced on one grant; the loser was asked to retry. Harmless unless frequent.' },
  { code: 'unauthorized_client', category: 'grant_not_allowed', advice: 'The client used a grant it is not registered for (grant_types in CLIENTS_FILE): Alexa and app clients use authorization_code and refresh_token, service clients client_credentials; public clients never client_credentials.' },
  { code: 'unsupported_grant_type', category: 'grant_type_unsupported', advice: 'Only authorization_code, refresh_token and client_credentials are accepted: the console\'s "Authorization Grant Type" must be Auth Code Grant.' },
  { code: 'invalid_target', category: 'resource_unknown', advice: 'The token request named a resource (RFC 8707) its client\'s tokens are not for: an Alexa+ add-on client may name only MCP_RESOURCE_URL, every other client only PUBLIC_URL. Check MCP_RESOURCE_URL against the add-on\'s MCP server URL.' },
  { code: 'invalid_scope', category: 'scope_widened', advice: 'A refresh asked for more scope than was granted; the caller is not Alexa or the console scopes changed (OAUTH_SCOPES).' },
  { code: 'temporarily_unavailable', category: 'store_unavailable', advice: 'The store did not answer (REDIS_URL; see GET /readyz and linkwright_store_errors_total). Alexa retries; nothing was half-written.' },
  { code: 'server_error', category: 'server_error', advice: 'An unexpected error; the err field of the token.refused line has the stack.' },
  { code: 'invalid_request', category: 'request_malformed', advice: 'The token request is malformed (see reason); Alexa sends well-formed requests, so look for a proxy or another client.' },
];

const AUTHORIZE_RULES: Rule[] = [
  { reason: /^client \w+ without authorization_code/, category: 'client_cannot_sign_in', advice: 'A service client (client_credentials only) was sent to the authorization endpoint: it asks /oauth/token for its tokens and never signs users in. The visitor saw our error page.' },
  { reason: /^unknown client_id|^client_id /, category: 'client_unknown', advice: 'The authorization request\'s client_id is not registered (OAUTH_CLIENT_ID, or a client_id of CLIENTS_FILE): set the console\'s "Your Client ID" to it. The user saw our error page.' },
  { reason: /^redirect_uri not registered/, category: 'redirect_uri_not_registered', advice: 'The redirect_uri is not registered: ALEXA_VENDOR_ID must be the id in the console\'s "Alexa Redirect URLs" (other URIs go in OAUTH_REDIRECT_URIS). The user saw our error page.' },
  { reason: /^redirect_uri /, category: 'redirect_uri_missing', advice: 'The authorization request had no usable redirect_uri; Alexa always sends one, so another client or a hand-made link is calling.' },
  { reason: /^unknown scope/, category: 'scope_unknown', advice: 'The console asks for a scope this server does not offer: make the console\'s scopes a subset of OAUTH_SCOPES.' },
  { reason: /^PKCE required/, category: 'pkce_required', advice: 'The client requires PKCE (OAUTH_REQUIRE_PKCE, or require_pkce in CLIENTS_FILE; always for the public app client) but the request had none: turn PKCE on in the console (or the setting off).' },
  { reason: /PKCE/, category: 'pkce_failed', advice: 'The PKCE parameters are malformed (see reason); only S256 is accepted.' },
  { reason: /^resource /, category: 'resource_unknown', advice: 'The authorization request named a resource (RFC 8707) its client\'s tokens are not for: an Alexa+ add-on may name only MCP_RESOURCE_URL. It was answered invalid_target at the redirect URI.' },
  { reason: /response_type/, category: 'response_type_unsupported', advice: 'Only response_type=code works: the console\'s grant type must be Auth Code Grant.' },
  { category: 'request_malformed', advice: 'The authorization request is malformed (see reason); it was answered at the redirect URI with the error.' },
];

const SKILL_RULES: Rule[] = [
  { reason: /expired/, category: 'token_expired', advice: 'Alexa sent an expired access token; it refreshes before that unless the refresh failed: look for token-step failures of the same user.' },
  { reason: /revoked/, category: 'token_revoked', advice: 'The user\'s grant was revoked (skill disabled, unlinked, operator, reuse detection); the skill asked them to link again.' },
  { reason: /issued to client/, category: 'token_wrong_client', advice: 'The token was issued to a client that is not an Alexa client (the app, a service): only tokens Alexa obtained may act through the skill.' },
  { reason: /LWA profile API refused/, category: 'provider_refused', advice: 'Login with Amazon refused the token; the user must link again (SKILL_LINKING_PROVIDER=lwa).' },
  { category: 'token_invalid', advice: 'The access token failed verification (see reason): signing keys changed without keeping the old one (SIGNING_KEYS), or the console points at another server.' },
];

const APP_LINKS_ADVICE: Record<string, string> = {
  state_invalid: 'The app sent a state this service did not issue to that user: it must send back the state of its own /app-links/start.',
  state_expired: 'The user took longer than APP_LINKS_STATE_TTL between start and complete; they start again.',
  state_reused: 'The app (or a link scanner) finished the same attempt twice; the second try was refused. The first may have linked.',
  amazon_code_rejected: 'Amazon refused the code the app brought back: older than 5 minutes, already used, or issued for another redirect URL (APP_REDIRECT_URL must equal the console\'s "Your Redirect URLs").',
  amazon_client_misconfigured: 'Amazon refused LWA_CLIENT_ID/LWA_CLIENT_SECRET: they must be the console\'s "Alexa Client Id" and "Alexa Client Secret" of app-to-app linking.',
  enablement_refused: 'Alexa could not redeem our code at our token endpoint during enablement: look for the token-step failure just before (console "Your Secret" vs OAUTH_CLIENT_SECRET, or the Access Token URI).',
  skill_disabled: 'Amazon says the skill is disabled for this user or its authorization was revoked; they enable the skill and link again.',
  skill_stage_not_allowed: 'With SKILL_STAGE=development only the developer account and beta testers can enable the skill.',
  amazon_unavailable: 'Amazon did not answer in time after the retries (APP_LINKS_AMAZON_RETRIES); see linkwright_amazon_requests_total. The user tries again.',
  provider_unavailable: 'The account provider (LWA or OIDC) did not answer; the user tries again.',
  app_links_not_configured: 'App-to-app linking lacks LWA_CLIENT_ID, LWA_CLIENT_SECRET or SKILL_ID.',
  invalid_token: 'The app\'s bearer token was refused (missing, expired, revoked): the app must refresh its own session first.',
  too_many_requests: 'One user started linking too often in a short time; it passes by itself.',
  csrf_failed: 'A fallback-page form expired or came from another site, or an upstream sign-in came back in another browser; the user reloads the page.',
  // LOGIN_SOURCE=oidc: the fallback page's sign-in at the upstream provider (the upstream.failed log line has the reason).
  upstream_unavailable: 'The upstream provider (LOGIN_UPSTREAM_ISSUER) did not answer discovery or the token request within LOGIN_UPSTREAM_TIMEOUT_MS; the user tries again.',
  upstream_state_mismatch: 'The provider\'s answer does not belong to the sign-in this browser started (another tab, an old link, or a forged callback); the user starts again.',
  upstream_nonce_mismatch: 'The ID token\'s nonce is not the one of this browser\'s sign-in (a replayed or forged answer); the user starts again.',
  upstream_access_denied: 'The user cancelled at the upstream provider, or the provider refused them.',
  upstream_provider_error: 'The upstream provider answered with an error (see reason): check the client at the provider (LOGIN_UPSTREAM_CLIENT_ID, _SECRET, the redirect URI PUBLIC_URL/oauth/upstream/callback).',
  upstream_bad_answer: 'The browser came back with an answer that does not hold (a malformed callback, an error in it, or a code the provider does not know): a stale or made-up link; the user starts again. Many of them from one client are someone probing.',
  upstream_id_token_invalid: 'The ID token failed validation (issuer, audience, signature by LOGIN_UPSTREAM_ID_TOKEN_ALG, expiry): compare the provider\'s client settings with LOGIN_UPSTREAM_*.',
  upstream_no_pkce: 'The upstream provider does not list S256 PKCE in its discovery document: enable PKCE for the client at the provider.',
  request_too_large: 'The authorization request (its state) is too large to carry through the upstream sign-in in a cookie.',
  invalid_request: 'The app sent a malformed request (see reason and the OpenAPI document at /app-links/openapi.json).',
};

/** Explains a failure at a step; unknown shapes get category "other" with the reason as the only guide. */
export function explainFailure(step: LinkingStep, facts: FailureFacts): FailureExplanation {
  if (step === 'app_links') {
    const advice = APP_LINKS_ADVICE[facts.code];
    return advice ? { category: facts.code, advice } : { category: facts.code === 'server_error' ? 'server_error' : 'other', advice: 'Unexpected failure; the reason and the err field of the log line tell more.' };
  }
  const rules = step === 'token' ? TOKEN_RULES : step === 'authorize' ? AUTHORIZE_RULES : SKILL_RULES;
  const rule = rules.find((r) => (r.code === undefined || r.code === facts.code) && (r.reason === undefined || r.reason.test(facts.reason)));
  return rule ? { category: rule.category, advice: rule.advice } : { category: 'other', advice: 'Unexpected failure; the reason field tells which check refused it.' };
}
