import cookieParser from 'cookie-parser';
import express, { type Request, type Response, Router } from 'express';
import { ServiceError } from '../server/errors';
import type { Account } from '../server/accounts/directory';
import { AUTHORIZATION_PARAMS, AuthorizationRefused, errorRedirect, issueAuthorizationCode, redirectWith, validateAuthorization, type ValidAuthorization } from './authorize';
import { AUTHORIZE_PATH, RETURN_PATH } from './association-files';
import { completeLinking } from './complete';
import type { AppLinksContext } from './context';
import { checkCsrfToken, issueCsrfToken } from './csrf';
import { APP_LINK_ERRORS, AppLinkError } from './errors';
import { LoginLimits } from './login-limits';
import { STYLESHEET } from './views/style';
import { authorizePage, linkedPage, problemPage, returnConfirmPage, STYLESHEET_PATH } from './views/pages';

const CLIENT_NAME = 'Alexa';

/**
 * The browser fallbacks, for when the company's app is not installed:
 *   GET  /app-links/return             the return URL opened in a browser: shows which account gets linked
 *   POST /app-links/return             finishes linking (same logic as POST /app-links/complete) and shows the result
 *   GET  /app-links/authorize          the platform authorization URL in a browser: sign in and consent
 *   POST /app-links/authorize/consent  the form; redirects to the Alexa redirect URI with a code or an error
 */
export function appLinksPages(ctx: AppLinksContext): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 });
  const cookies = cookieParser();
  const secure = ctx.services.settings.publicUrl.startsWith('https://');
  const limits = new LoginLimits(ctx.services.store, ctx.services.settings.oauth);

  router.get(STYLESHEET_PATH, (_req, res) => {
    res.status(200).type('text/css').setHeader('Cache-Control', 'public, max-age=86400');
    res.send(STYLESHEET);
  });

  router.get(RETURN_PATH, cookies, async (req, res) => {
    await asPage(req, res, async () => {
      const query = req.query as Record<string, unknown>;
      if (typeof query.error === 'string') {
        // Amazon sends the user back with error=access_denied when they decline; the state simply expires.
        sendPage(res, 200, problemPage({ title: 'Linking was cancelled', message: 'Alexa was not linked. You can start again from the app at any time.', code: query.error.slice(0, 64) }));
        return;
      }
      const { code, state } = returnParams(query);
      browserFinishAllowed(ctx);
      const attempt = await ctx.states.peek(state);
      const account = await ctx.services.accounts.get(attempt.userId);
      if (!account) throw new AppLinkError('state_invalid', 'account of the state no longer exists');
      sendPage(res, 200, returnConfirmPage({ accountLabel: accountLabel(account), code, state, csrf: issueCsrfToken(req, res, secure) }));
    });
  });

  router.post(RETURN_PATH, form, cookies, async (req, res) => {
    await asPage(req, res, async () => {
      checkCsrfToken(req);
      const { code, state } = returnParams(req.body as Record<string, unknown>);
      browserFinishAllowed(ctx);
      const result = await completeLinking(ctx, { code, state, user: undefined });
      const account = await ctx.services.accounts.get(result.userId);
      sendPage(res, 200, linkedPage({ accountLabel: account ? accountLabel(account) : 'your account' }));
    });
  });

  router.get(AUTHORIZE_PATH, cookies, async (req, res) => {
    await asPage(req, res, async () => {
      const request = await validatedOrRedirected(ctx, req, res, req.query as Record<string, unknown>);
      if (!request) return;
      sendAuthorizePage(req, res, secure, request, 200, {});
    });
  });

  router.post(`${AUTHORIZE_PATH}/consent`, form, cookies, async (req, res) => {
    await asPage(req, res, async () => {
      checkCsrfToken(req);
      const body = req.body as Record<string, unknown>;
      const request = await validatedOrRedirected(ctx, req, res, body);
      if (!request) return;
      if (body.decision === 'deny') {
        req.log.info({ event: 'app_links.authorize_denied', clientId: request.clientId }, 'user denied linking on the fallback page');
        res.redirect(303, redirectWith(request.redirectUri, { error: 'access_denied', state: request.state }));
        return;
      }
      if (body.decision !== 'allow') throw new ServiceError('invalid_request', 400, 'Choose Allow or Cancel.');
      const username = typeof body.username === 'string' ? body.username.slice(0, 254) : '';
      const password = typeof body.password === 'string' ? body.password.slice(0, 1024) : '';
      const address = req.ip ?? 'unknown';
      if (!(await limits.allowed(username, address))) {
        req.log.warn({ event: 'app_links.login_limited', address }, 'sign-in refused: too many failed attempts');
        sendAuthorizePage(req, res, secure, request, 429, { username, error: 'Too many failed sign-ins. Wait a few minutes, then try again.' });
        return;
      }
      const account = username && password ? await ctx.services.accounts.authenticate(username, password) : undefined;
      if (!account) {
        await limits.recordFailure(username, address);
        req.log.info({ event: 'app_links.login_failed', address }, 'sign-in failed on the fallback page');
        sendAuthorizePage(req, res, secure, request, 401, { username, error: 'The email or password is not correct.' });
        return;
      }
      const code = await issueAuthorizationCode(ctx.services, request, account.id);
      req.log.info({ event: 'app_links.authorize_granted', userId: account.id, clientId: request.clientId, pkce: request.codeChallenge !== undefined }, 'code issued on the fallback page');
      res.redirect(303, redirectWith(request.redirectUri, { code, state: request.state }));
    });
  });

  return router;
}

/** Validates an authorization request; refusals that may be redirected are, the others become a page. */
async function validatedOrRedirected(ctx: AppLinksContext, req: Request, res: Response, source: Record<string, unknown>): Promise<ValidAuthorization | undefined> {
  if (ctx.settings.accountProvider !== 'ours') {
    throw new ServiceError('invalid_request', 400, `Accounts live in ${ctx.settings.accountProvider}; sign in there to link Alexa.`);
  }
  try {
    return validateAuthorization(ctx.services, Object.fromEntries(AUTHORIZATION_PARAMS.map((name) => [name, source[name]])));
  } catch (error) {
    if (!(error instanceof AuthorizationRefused)) throw error;
    const target = errorRedirect(error);
    if (!target) throw error;
    req.log.info({ event: 'app_links.authorize_refused', code: error.code, reason: error.reason }, 'authorization request refused');
    res.redirect(303, target);
    return undefined;
  }
}

function sendAuthorizePage(req: Request, res: Response, secure: boolean, request: ValidAuthorization, status: number, extra: { username?: string; error?: string }): void {
  // The form posts here and is answered with a redirect to the Alexa redirect URI; browsers apply
  // form-action to that redirect too, so its origin (and only it) is added for this page.
  res.setHeader('Content-Security-Policy', pageCsp([new URL(request.redirectUri).origin]));
  sendPage(res, status, authorizePage({ request, csrf: issueCsrfToken(req, res, secure), clientName: CLIENT_NAME, ...extra }));
}

function pageCsp(extraFormActions: string[]): string {
  return [
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self' data:",
    `form-action 'self' ${extraFormActions.join(' ')}`.trim(),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join(';');
}

function sendPage(res: Response, status: number, page: string): void {
  res.status(status).setHeader('Cache-Control', 'no-store');
  res.type('html').send(page);
}

/** Runs a page handler; a refusal becomes a page that explains it (never a JSON body or a bare 500). */
async function asPage(req: Request, res: Response, handler: () => Promise<void>): Promise<void> {
  try {
    await handler();
  } catch (error) {
    if (!(error instanceof ServiceError)) {
      req.log.error({ event: 'http.error', err: error }, 'page failed');
      sendPage(res, 500, problemPage({ title: 'Something went wrong', message: 'The page could not be completed. Try again in a moment.', code: 'server_error' }));
      return;
    }
    const known = error.code in APP_LINK_ERRORS;
    req.log[error.status >= 500 ? 'warn' : 'info']({ event: 'app_links.page_refused', code: error.code, reason: error.reason }, 'page refused');
    if (error.status === 503) res.setHeader('Retry-After', '5');
    const message = error.expose || known ? error.description : 'The page could not be completed. Try again in a moment.';
    sendPage(res, error.status, problemPage({ title: titleFor(error.code), message, code: error.code }));
  }
}

function titleFor(code: string): string {
  if (code.startsWith('state_')) return 'This link has already been used or has expired';
  if (code === 'csrf_failed') return 'Please try again';
  return 'Alexa could not be linked';
}

function returnParams(source: Record<string, unknown>): { code: string; state: string } {
  const { code, state } = source;
  if (typeof code !== 'string' || typeof state !== 'string' || !/^[\x21-\x7e]{1,2048}$/.test(code) || state === '') {
    throw new ServiceError('invalid_request', 400, 'This page needs the code and state Amazon adds to the link. Start linking again from the app.');
  }
  return { code, state };
}

function browserFinishAllowed(ctx: AppLinksContext): void {
  if (ctx.settings.accountProvider !== 'ours') {
    throw new ServiceError('invalid_request', 400, 'Finish linking in the app: it holds the sign-in this step needs.', `browser return with provider ${ctx.settings.accountProvider}`);
  }
}

/** How the confirmation page names the account: the display name and a masked e-mail, enough to recognise one's own. */
function accountLabel(account: Account): string {
  if (account.external) return account.displayName;
  const [local = '', domain] = account.username.split('@');
  const masked = domain ? `${local.slice(0, 2)}•••@${domain}` : `${account.username.slice(0, 2)}•••`;
  return `${account.displayName} (${masked})`;
}
