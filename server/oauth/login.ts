import type { Request, Response } from 'express';
import type { AuthorizationContext } from './authorization-context';
import { consentUrl, verifiedInteraction } from './form-checks';
import { formParams } from './form-body';
import { Interactions } from './interactions';

// The interaction field carries a sealed pending interaction (the whole validated request) before sign-in.
const LOGIN_FIELDS = { interaction: 16_384, csrf: 64, username: 1024, password: 4096 } as const;
const MAX_USERNAME = 254;
const MAX_PASSWORD = 1024;

/**
 * POST /oauth/login: checks the interaction, the CSRF token and the rate limits, then the password.
 * Failures re-render the form with an inline error; success records the user on the interaction
 * (with a new CSRF token, as the privilege changed) and continues to consent with a 303.
 */
export function loginHandler(ctx: AuthorizationContext) {
  const { services, interactions, limiter, pages, passwords } = ctx;
  const oauth = services.settings.oauth;
  return async (req: Request, res: Response): Promise<void> => {
    const { values, problems } = formParams(req).read(LOGIN_FIELDS);
    if (problems.length > 0) {
      pages.formUnreadable(res);
      return;
    }
    const loaded = await verifiedInteraction(ctx, req, res, values);
    if (!loaded) return;
    if (loaded.interaction.userId !== undefined || loaded.interaction.completedRedirect !== undefined) {
      res.redirect(303, consentUrl(loaded)); // signed in already during this interaction
      return;
    }
    if (!passwords) {
      // An upstream provider signs users in; this form is not shown, so a post here is stale or forged.
      req.log.info({ event: 'login.refused', reason: 'password sign-in is off (LOGIN_SOURCE=oidc)' }, 'password form posted while an upstream provider signs users in');
      res.redirect(303, consentUrl(loaded));
      return;
    }
    const username = values.username?.trim();
    const password = values.password;
    if (!username || password === undefined) {
      pages.login(res, 400, loaded, { username: username ?? '', error: (t) => t.enterCredentials });
      return;
    }

    const limit = await limiter.attempt(username, req.ip ?? 'unknown');
    if (limit) {
      req.log.warn({ event: 'login.rate_limited', limit }, 'sign-in attempt over the limit');
      const minutes = Math.ceil(oauth.loginWindowSec / 60);
      res.setHeader('Retry-After', String(oauth.loginWindowSec));
      pages.login(res, 429, loaded, { username, error: (t) => t.tooManyAttempts(minutes) });
      return;
    }
    // Oversized input is refused without hashing it: scrypt cost should not be the attacker's choice.
    const outcome = username.length <= MAX_USERNAME && password.length <= MAX_PASSWORD ? await passwords.check(username, password) : { kind: 'refused' as const, reason: 'username or password too long' };
    if (outcome.kind === 'unavailable') {
      req.log.warn({ event: 'login.source_unavailable', source: passwords.name, reason: outcome.reason }, 'the sign-in source could not check the password');
      pages.login(res, 503, loaded, { username, error: (t) => t.passwordCheckUnavailable });
      return;
    }
    if (outcome.kind === 'refused') {
      req.log.info({ event: 'login.failed', source: passwords.name, reason: outcome.reason }, 'sign-in failed');
      pages.login(res, 400, loaded, { username, error: (t) => t.wrongCredentials });
      return;
    }
    const account = outcome.account;
    await limiter.succeeded(username, req.ip ?? 'unknown');
    const updated = await interactions.update(loaded, { ...loaded.interaction, userId: account.id, csrf: Interactions.newCsrf() });
    if (!updated) {
      // Another post changed the interaction first; continue only if it is now signed in.
      const again = await interactions.load(loaded.storedId);
      if (!again || again.interaction.userId === undefined) {
        pages.expired(res, loaded.interaction.request.uiLocale);
        return;
      }
    }
    req.log.info({ event: 'login.succeeded', userId: account.id }, 'signed in');
    res.redirect(303, consentUrl(loaded));
  };
}
