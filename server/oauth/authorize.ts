import type { Request, Response } from 'express';
import { html } from '../views/html';
import type { AuthorizationContext } from './authorization-context';
import { type UntrustedRedirect, validateAuthorizationRequest } from './authorization-request';
import { authorizationResponseUrl } from './authorization-response';
import { ParamSet } from './params';
import { localeFromUiLocales, type PageLocale } from '../views/i18n/locales';
import { startUpstreamSignIn } from './upstream-sign-in';

/**
 * GET /oauth/authorize: validates the request as Alexa sends it, then starts an interaction bound to
 * this browser (sealed into the page: nothing is stored before sign-in) and shows the sign-in page.
 * A bad client or redirect URI gets our own error page; other errors go back to the redirect URI
 * with RFC 6749 §4.1.2.1 parameters.
 */
export function authorizeHandler(ctx: AuthorizationContext) {
  const { services, interactions, binding, pages } = ctx;
  const settings = services.settings;
  return async (req: Request, res: Response): Promise<void> => {
    const outcome = validateAuthorizationRequest(ParamSet.fromUrl(req.originalUrl), services.clients, services.settings.publicUrl);
    if (outcome.kind === 'page') {
      // Refusals log at warn so they stay visible at LOG_LEVEL=warn.
      req.log.warn(
        { event: 'authorize.refused', parameter: outcome.parameter, reason: outcome.reason, received: outcome.received?.slice(0, 300), registered: outcome.registered },
        'authorization request refused (not redirected)',
      );
      untrustedRedirectPage(ctx, req, res, outcome);
      return;
    }
    if (outcome.kind === 'redirect') {
      req.log.warn({ event: 'authorize.refused', error: outcome.error, reason: outcome.reason }, 'authorization request refused (redirected)');
      res.redirect(
        303,
        authorizationResponseUrl(outcome.redirectUri, {
          error: outcome.error,
          error_description: outcome.description,
          state: outcome.state,
          iss: settings.oauth.issParameter ? settings.publicUrl : undefined,
        }),
      );
      return;
    }
    if (ctx.upstream) {
      await startUpstreamSignIn(ctx, ctx.upstream, req, res, outcome.request);
      return;
    }
    const loaded = interactions.begin(outcome.request, binding.ensure(req, res));
    req.log.info({ event: 'authorize.started', client_id: outcome.request.clientId, scope: outcome.request.scope, pkce: outcome.request.codeChallenge !== undefined }, 'authorization started');
    pages.login(res, 200, loaded);
  };
}

function untrustedRedirectPage(ctx: AuthorizationContext, req: Request, res: Response, outcome: UntrustedRedirect): void {
  const settings = ctx.services.settings;
  const details: Array<{ label: string; value: string | string[] }> = [];
  details.push({ label: `Received ${outcome.parameter}`, value: outcome.received ?? '(none)' });
  // Outside production the page lists what would have matched; in production that list is only logged.
  if (!settings.production) {
    const registered = outcome.registered;
    if (registered) details.push({ label: 'Registered redirect URIs', value: registered.length > 0 ? registered : ['(none)'] });
    if (outcome.parameter === 'client_id') details.push({ label: 'Registered client_id', value: ctx.services.clients.all().filter((c) => c.grantTypes.has('authorization_code')).map((c) => c.id) });
  }
  const hint =
    outcome.parameter === 'redirect_uri'
      ? html`The redirect URI must match a registered one exactly (scheme, host, path, trailing slash and case). Alexa's are set from ALEXA_VENDOR_ID (alexa_vendor_id in CLIENTS_FILE); others come from OAUTH_REDIRECT_URIS (redirect_uris).`
      : html`The client_id must be the "Your Client ID" value of the skill's account-linking settings (OAUTH_CLIENT_ID, or a client_id of CLIENTS_FILE).`;
  // In production the visitor (an Alexa user) reads what to do; the client id, the URIs received and
  // registered, and the settings to change are in the log line (event authorize.refused) and /ops.
  ctx.pages.error(res, 400, (t, client) => ({
    title: t.cannotStartTitle,
    message: settings.production ? t.cannotStartMessage(client) : `${outcome.message} For your safety you have not been sent back to the app.`,
    details,
    hint,
  }), uiLocaleOf(req));
}

/** The pages' language a refused request asked for, so even its error page speaks it. */
function uiLocaleOf(req: Request): PageLocale | undefined {
  return localeFromUiLocales(ParamSet.fromUrl(req.originalUrl).read({ ui_locales: 256 }).values.ui_locales);
}
