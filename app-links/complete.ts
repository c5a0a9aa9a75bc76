import { OAuthError, ServiceError } from '../server/errors';
import type { AccountLinkRequest, EnableAttempt, EnablementStatus } from './amazon/alexa-api-client';
import type { AppLinksContext } from './context';
import { AppLinkError } from './errors';
import type { AppUser } from './users/user-tokens';

export interface CompleteRequest {
  /** The Amazon authorization code the user brought back. */
  code: string;
  state: string;
  /** The user of the bearer token; undefined when the browser return page finishes (the state says whose). */
  user: AppUser | undefined;
  /** With accounts in another provider: that provider's code for Alexa and the redirect URI it is bound to (APP_REDIRECT_URL or an Alexa redirect URL). */
  provider?: { code: string; redirectUri: string } | undefined;
}

export interface CompleteResult extends EnablementStatus {
  userId: string;
  host: string;
}

/**
 * Finishes linking started from the app: consume the state, exchange the Amazon code at LWA, discover the
 * user's Alexa endpoints, then ask each to enable the skill with an authorization code of ours (or the
 * provider's) until one answers 201. Alexa redeems our code at our token endpoint during that call.
 *
 * Nothing is left half-done: the Amazon tokens are stored only after a success, and every code of ours
 * that did not end in a link is withdrawn (spent, and whatever Alexa got with it revoked).
 */
export async function completeLinking(ctx: AppLinksContext, request: CompleteRequest): Promise<CompleteResult> {
  const { services, settings } = ctx;
  const lwa = ctx.lwa();
  const alexa = ctx.alexa();
  const oauth = services.settings.oauth;
  const ours = settings.accountProvider === 'ours';
  if (ours && request.provider) throw new OAuthError('invalid_request', 'providerCode is accepted only when the accounts live in another provider.');
  if (!ours && !request.provider) {
    throw new OAuthError('invalid_request', `providerCode and providerRedirectUri are required: accounts live in ${settings.accountProvider}, which issues the code Alexa redeems.`);
  }
  // A provider's code may be bound to either: whichever it was issued for is what Alexa must repeat.
  if (request.provider && request.provider.redirectUri !== settings.appRedirectUrl && !oauth.redirectUris.includes(request.provider.redirectUri)) {
    throw new OAuthError('invalid_request', 'providerRedirectUri must be the app\'s redirect URL (APP_REDIRECT_URL) or one of the skill\'s Alexa redirect URLs.', 400, `providerRedirectUri "${request.provider.redirectUri}" not configured`);
  }
  // Amazon's step 6 asks for the "Redirect URI for your app"; Alexa repeats the field at our token endpoint,
  // so our code is bound to exactly the URI the field carries.
  const enablementRedirectUri = settings.enablementRedirect === 'app' ? settings.appRedirectUrl : oauth.redirectUris[0];
  if (ours && enablementRedirectUri === undefined) {
    throw new AppLinkError('app_links_not_configured', 'no Alexa redirect URI configured (ALEXA_VENDOR_ID) for APP_LINKS_ENABLEMENT_REDIRECT=alexa');
  }

  const state = await ctx.states.consume(request.state, request.user?.userId);
  const log = services.log.child({ userId: state.userId });
  if (request.user === undefined && !(await services.accounts.get(state.userId))) throw new AppLinkError('state_invalid', 'account of the state no longer exists');

  const minted: string[] = [];
  try {
    const tokens = await lwa.exchangeCode({ code: request.code, redirectUri: state.redirectUri, codeVerifier: state.codeVerifier });
    const hosts = await alexa.discoverEndpoints(tokens.accessToken);
    const linkRequest = async (): Promise<AccountLinkRequest> => {
      if (request.provider) return { redirectUri: request.provider.redirectUri, authCode: request.provider.code, type: 'AUTH_CODE' };
      // A fresh code for every attempt: a retry must not present a code an earlier attempt may have spent.
      const authCode = await services.codes.issue({
        clientId: oauth.clientId,
        redirectUri: enablementRedirectUri as string,
        userId: state.userId,
        scope: oauth.scopes.join(' '),
        redirectUriOptional: true,
      });
      minted.push(authCode);
      return { redirectUri: enablementRedirectUri as string, authCode, type: 'AUTH_CODE' };
    };

    const attempts: EnableAttempt[] = [];
    let success: Extract<EnableAttempt, { ok: true }> | undefined;
    for (const host of hosts) {
      const attempt = await alexa.enable(host, tokens.accessToken, settings.skillStage, linkRequest);
      attempts.push(attempt);
      if (attempt.ok) {
        success = attempt;
        break;
      }
    }
    const kept = success && !request.provider ? minted.at(-1) : undefined;
    await withdraw(ctx, minted.filter((code) => code !== kept));
    minted.length = 0;
    if (!success) {
      const failures = attempts.flatMap((attempt) => (attempt.ok ? [] : [attempt.error]));
      log.warn(
        { event: 'app_links.link_failed', endpoints: attempts.map((a) => `${a.host}:${a.ok ? 'ok' : a.error.appCode}`), reasons: failures.map((f) => f.reason) },
        'skill enablement failed on every endpoint',
      );
      // The first definite answer explains more than an outage elsewhere.
      throw failures.find((failure) => !failure.transient) ?? failures[0] ?? new AppLinkError('amazon_unavailable', 'no endpoint tried');
    }
    await ctx.links.save(
      { userId: state.userId, host: success.host, stage: settings.skillStage, linkedAt: services.clock.now() },
      { ...tokens, refreshToken: tokens.refreshToken as string },
    );
    await ctx.states.recordLinked(request.state, state.userId);
    log.info({ event: 'app_links.linked', host: success.host, provider: settings.accountProvider, endpointsTried: attempts.length }, 'Alexa account linked from the app');
    return { userId: state.userId, host: success.host, ...success.status };
  } catch (error) {
    if (minted.length > 0) await withdraw(ctx, minted);
    if (error instanceof ServiceError && !(error instanceof AppLinkError && error.appCode === 'amazon_unavailable')) {
      log.warn({ event: 'app_links.complete_refused', code: error.code, reason: error.reason }, 'linking not completed');
    }
    throw error;
  }
}

/**
 * Withdraws codes of ours that did not end in a link. Redeeming a code ourselves spends it if Alexa never
 * did; if Alexa did, the domain treats it as a replay and revokes the tokens it produced. Either way no
 * grant outlives a failed attempt.
 */
async function withdraw(ctx: AppLinksContext, codes: string[]): Promise<void> {
  const clientId = ctx.services.settings.oauth.clientId;
  for (const code of codes) {
    try {
      await ctx.services.codes.redeem(code, { clientId, redirectUri: undefined, codeVerifier: undefined });
      ctx.services.log.info({ event: 'app_links.code_withdrawn', redeemedByAlexa: false }, 'unused authorization code withdrawn');
    } catch (error) {
      if (error instanceof OAuthError && error.code === 'invalid_grant') {
        ctx.services.log.info({ event: 'app_links.code_withdrawn', redeemedByAlexa: true }, 'authorization code withdrawn; tokens issued with it revoked');
      } else {
        ctx.services.log.warn({ event: 'app_links.code_withdraw_failed', reason: (error as Error).message }, 'could not withdraw an authorization code (it expires by itself)');
      }
    }
  }
}
