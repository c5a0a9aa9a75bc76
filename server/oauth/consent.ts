import type { Request, Response } from 'express';
import type { AuthorizationContext } from './authorization-context';
import { authorizationResponseUrl } from './authorization-response';
import { allowFormActionTo, originOf } from './csp';
import { consentUrl, verifiedInteraction } from './form-checks';
import { formParams } from './form-body';
import { Interactions, type LoadedInteraction } from './interactions';
import { ParamSet } from './params';

const CONSENT_FIELDS = { interaction: 64, csrf: 64, decision: 16 } as const;

/**
 * GET /oauth/consent?interaction=…: the page for where the interaction stands: sign-in when nobody
 * is signed in yet, consent otherwise, and the earlier answer repeated once it was given. Only the
 * browser that started the interaction may see it (the page holds the CSRF token).
 */
export function consentPageHandler(ctx: AuthorizationContext) {
  const { services, interactions, binding, pages } = ctx;
  return async (req: Request, res: Response): Promise<void> => {
    const { values } = ParamSet.fromUrl(req.originalUrl).read({ interaction: 64 });
    const loaded = await interactions.load(values.interaction);
    if (!loaded) {
      pages.expired(res);
      return;
    }
    if (!binding.matches(req, loaded.interaction.browser)) {
      req.log.warn({ event: 'interaction.csrf_failed', path: req.path, browser: false }, 'interaction opened in another browser');
      pages.forbidden(res, loaded.interaction.request.uiLocale);
      return;
    }
    if (loaded.interaction.completedRedirect) {
      redirectToClient(res, loaded, loaded.interaction.completedRedirect);
      return;
    }
    const account = loaded.interaction.userId === undefined ? undefined : await services.accounts.get(loaded.interaction.userId);
    if (!account) {
      pages.login(res, 200, loaded);
      return;
    }
    pages.consent(res, 200, loaded, account);
  };
}

/**
 * POST /oauth/consent: Allow mints the authorization code (bound to client, redirect URI, user,
 * scope and PKCE challenge) and sends the browser to the redirect URI with code and the unchanged
 * state; Deny sends access_denied; "use another account" signs out of the interaction. The answer
 * is recorded in place of the interaction, so the interaction yields at most one code; a double
 * submit from the same browser is sent to the same answer rather than an error page.
 */
export function consentAnswerHandler(ctx: AuthorizationContext) {
  const { services, interactions, pages } = ctx;
  const settings = services.settings;
  const codeTtlMs = settings.oauth.authCodeTtlSec * 1000;
  return async (req: Request, res: Response): Promise<void> => {
    const { values, problems } = formParams(req).read(CONSENT_FIELDS);
    if (problems.length > 0) {
      pages.formUnreadable(res);
      return;
    }
    const loaded = await verifiedInteraction(ctx, req, res, values);
    if (!loaded) return;
    const { interaction } = loaded;
    if (interaction.completedRedirect) {
      redirectToClient(res, loaded, interaction.completedRedirect);
      return;
    }
    const account = interaction.userId === undefined ? undefined : await services.accounts.get(interaction.userId);
    if (!account) {
      res.redirect(303, consentUrl(loaded)); // nobody signed in: the page shows the sign-in form
      return;
    }
    const request = interaction.request;
    const iss = settings.oauth.issParameter ? settings.publicUrl : undefined;
    let target: string;
    switch (values.decision) {
      case 'allow': {
        const code = await services.codes.issue({
          clientId: request.clientId,
          redirectUri: request.redirectUri,
          userId: account.id,
          scope: request.scope,
          codeChallenge: request.codeChallenge,
        });
        target = authorizationResponseUrl(request.redirectUri, { code, state: request.state, iss });
        break;
      }
      case 'deny':
        target = authorizationResponseUrl(request.redirectUri, { error: 'access_denied', error_description: 'The user denied the request.', state: request.state, iss });
        break;
      case 'switch': {
        const { userId: _signedOut, ...rest } = interaction;
        if (!(await interactions.update(loaded, { ...rest, csrf: Interactions.newCsrf() }))) {
          pages.expired(res, request.uiLocale);
          return;
        }
        req.log.info({ event: 'consent.switch_account', userId: account.id }, 'signed out to use another account');
        res.redirect(303, consentUrl(loaded));
        return;
      }
      default:
        pages.consent(res, 400, loaded, account, (t) => t.chooseAllowOrDeny);
        return;
    }
    // The answer replaces the interaction in one compare-and-set and lives no longer than the code,
    // so a double submit lands on the same answer. The code it holds is useless without the client's
    // secret (and PKCE verifier), which the store never sees.
    if (!(await interactions.update(loaded, { ...interaction, completedRedirect: target }, codeTtlMs))) {
      const again = await interactions.load(loaded.storedId);
      if (again?.interaction.completedRedirect) redirectToClient(res, again, again.interaction.completedRedirect);
      else pages.expired(res, request.uiLocale);
      return;
    }
    req.log.info(
      { event: values.decision === 'allow' ? 'consent.granted' : 'consent.denied', userId: account.id, client_id: request.clientId, scope: request.scope },
      values.decision === 'allow' ? 'consent granted, code issued' : 'consent denied',
    );
    redirectToClient(res, loaded, target);
  };
}

function redirectToClient(res: Response, loaded: LoadedInteraction, target: string): void {
  allowFormActionTo(res, [originOf(loaded.interaction.request.redirectUri)]);
  res.setHeader('Cache-Control', 'no-store');
  res.redirect(303, target);
}
