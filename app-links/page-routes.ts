import cookieParser from 'cookie-parser';
import { type NextFunction, type Request, type Response, Router } from 'express';
import type { Account } from '../server/accounts/directory';
import { ServiceError } from '../server/errors';
import { toServiceError } from '../server/http/error-handler';
import { recordAppLinkFailure } from '../server/ops/app-links-observer';
import type { AuthorizationRequest } from '../server/oauth/authorization-request';
import { allowFormActionTo, originOf } from '../server/oauth/csp';
import { formBody, formParams } from '../server/oauth/form-body';
import { LoginLimiter } from '../server/oauth/login-limiter';
import { ParamSet } from '../server/oauth/params';
import { AUTHORIZE_PATH, RETURN_PATH } from './association-files';
import { issueAuthorizationCode, responseUrl, validateAuthorization } from './authorize';
import { completeLinking } from './complete';
import type { AppLinksContext } from './context';
import { AppLinksCsrf } from './csrf';
import { APP_LINK_ERRORS, AppLinkError } from './errors';
import { authorizePage, linkedPage, problemPage, returnConfirmPage } from './views/pages';

const FORM_LIMITS = { code: 2048, state: 4096, csrf: 64, username: 254, password: 1024, decision: 16 } as const;

/**
 * The browser fallbacks, for when the company's app is not installed:
 *   GET  /app-links/return             the return URL opened in a browser: shows which account gets linked
 *   POST /app-links/return             finishes linking (same logic as POST /app-links/complete), shows the result
 *   GET  /app-links/authorize          the platform authorization URL in a browser: sign in and consent
 *   POST /app-links/authorize/consent  that form; redirects to the Alexa redirect URI with a code or an error
 *
 * The authorization page answers exactly as the app would (POST /app-links/authorize): the Alexa redirect
 * carries `source=app`, with a code or an error, since it stands in for the app at the platform URL.
 *
 * GET /app-links/return does not finish by itself: the single-use state and the 5-minute Amazon code
 * would be spent by anything that fetches a link (previews, scanners), and the user would not see which
 * account Alexa is about to be linked to (a linking-CSRF victim would). One tap on our own page finishes.
 */
export function appLinksPages(ctx: AppLinksContext): Router {
  const router = Router();
  const form = formBody(16 * 1024);
  const cookies = cookieParser();
  const settings = ctx.services.settings;
  const secure = settings.publicUrl.startsWith('https://');
  const secret = ctx.settings.encryptionKeys[0];
  if (!secret) throw new Error('the app-links pages need APP_LINKS_ENCRYPTION_KEY (their CSRF tokens are keyed by it)');
  const csrf = new AppLinksCsrf(secret, secure);
  const oauth = settings.oauth;
  // The web sign-in's limiter, so guesses here and on /oauth/authorize count against the same limits.
  const limiter = new LoginLimiter(ctx.services.store, { maxPerAccount: oauth.loginMaxPerAccount, maxPerAddress: oauth.loginMaxPerAddress, windowSec: oauth.loginWindowSec });
  const page = (res: Response, status: number, html: string) => sendPage(res, status, html);
  const problem = (title: string, message: string, code: string) => problemPage({ serviceName: settings.oauth.serviceName, title, message, code });

  router.get(RETURN_PATH, cookies, async (req, res) => {
    await asPage(ctx, req, res, async () => {
      const { values } = ParamSet.fromUrl(req.originalUrl).read({ error: 64, code: FORM_LIMITS.code, state: FORM_LIMITS.state });
      if (values.error !== undefined) {
        // Amazon sends the user back with error=access_denied when they decline; the state simply expires.
        page(res, 200, problem('Linking was cancelled', 'Alexa was not linked. You can start again from the app at any time.', values.error));
        return;
      }
      const { code, state } = returnParams(values);
      browserFinishAllowed(ctx);
      const attempt = await ctx.states.peek(state);
      const account = await ctx.services.accounts.get(attempt.userId);
      if (!account) throw new AppLinkError('state_invalid', 'account of the state no longer exists');
      page(res, 200, returnConfirmPage({ serviceName: settings.oauth.serviceName, accountLabel: accountLabel(account), code, state, csrf: csrf.issue(req, res, 'return', state) }));
    });
  });

  router.post(RETURN_PATH, cookies, ...form, async (req, res) => {
    await asPage(ctx, req, res, async () => {
      const { values } = formParams(req).read(FORM_LIMITS);
      csrf.check(req, 'return', values.state, values.csrf);
      const { code, state } = returnParams(values);
      browserFinishAllowed(ctx);
      const result = await completeLinking(ctx, { code, state, user: undefined });
      const account = await ctx.services.accounts.get(result.userId);
      page(res, 200, linkedPage({ serviceName: settings.oauth.serviceName, accountLabel: account ? accountLabel(account) : 'your account' }));
    });
  });

  router.get(AUTHORIZE_PATH, cookies, async (req, res) => {
    await asPage(ctx, req, res, async () => {
      const request = validatedOrRedirected(ctx, req, res, ParamSet.fromUrl(req.originalUrl));
      if (request) sendAuthorizePage(ctx, req, res, csrf, request, 200, {});
    });
  });

  router.post(`${AUTHORIZE_PATH}/consent`, cookies, ...form, async (req, res) => {
    await asPage(ctx, req, res, async () => {
      const params = formParams(req);
      const { values } = params.read(FORM_LIMITS);
      csrf.check(req, 'consent', values.state, values.csrf);
      const request = validatedOrRedirected(ctx, req, res, params);
      if (!request) return;
      if (values.decision === 'deny') {
        req.log.info({ event: 'app_links.authorize_denied', clientId: request.clientId }, 'user denied linking on the fallback page');
        res.redirect(303, responseUrl(ctx.services, request.redirectUri, { error: 'access_denied', state: request.state, source: 'app' }));
        return;
      }
      if (values.decision !== 'allow') {
        sendAuthorizePage(ctx, req, res, csrf, request, 400, { username: values.username, error: 'Choose Allow or Deny.' });
        return;
      }
      const username = values.username ?? '';
      const password = values.password ?? '';
      if (!username || !password) {
        sendAuthorizePage(ctx, req, res, csrf, request, 400, { username, error: 'Enter your email or username and your password.' });
        return;
      }
      const address = req.ip ?? 'unknown';
      const hit = await limiter.attempt(username, address);
      if (hit) {
        req.log.warn({ event: 'app_links.login_limited', limit: hit }, 'sign-in refused: too many attempts');
        sendAuthorizePage(ctx, req, res, csrf, request, 429, { username, error: 'Too many sign-in attempts. Wait a few minutes, then try again.' });
        return;
      }
      const account = await ctx.services.accounts.authenticate(username, password);
      if (!account) {
        req.log.info({ event: 'app_links.login_failed' }, 'sign-in failed on the fallback page');
        sendAuthorizePage(ctx, req, res, csrf, request, 401, { username, error: 'The email or username and password do not match.' });
        return;
      }
      await limiter.succeeded(username, address);
      const code = await issueAuthorizationCode(ctx.services, request, account.id);
      req.log.info({ event: 'app_links.authorize_granted', userId: account.id, clientId: request.clientId, pkce: request.codeChallenge !== undefined }, 'code issued on the fallback page');
      res.redirect(303, responseUrl(ctx.services, request.redirectUri, { code, state: request.state, source: 'app' }));
    });
  });

  router.use(pageRefusals(ctx));
  return router;
}

/** Validates an authorization request; refusals that may be redirected are, the others become a page. */
function validatedOrRedirected(ctx: AppLinksContext, req: Request, res: Response, params: ParamSet): AuthorizationRequest | undefined {
  if (ctx.settings.accountProvider !== 'ours') {
    throw new ServiceError('invalid_request', 400, `Accounts live in ${ctx.settings.accountProvider}; sign in there to link Alexa.`);
  }
  const outcome = validateAuthorization(ctx.services, params);
  if (outcome.kind === 'ok') return outcome.request;
  if (outcome.kind === 'page') {
    req.log.warn({ event: 'app_links.authorize_refused', parameter: outcome.parameter, reason: outcome.reason }, 'authorization request refused (not redirected)');
    throw new ServiceError('invalid_request', 400, `${outcome.message} For your safety you have not been sent back to the app.`, outcome.reason);
  }
  req.log.warn({ event: 'app_links.authorize_refused', error: outcome.error, reason: outcome.reason }, 'authorization request refused (redirected)');
  res.redirect(303, responseUrl(ctx.services, outcome.redirectUri, { error: outcome.error, error_description: outcome.description, state: outcome.state, source: 'app' }));
  return undefined;
}

function sendAuthorizePage(ctx: AppLinksContext, req: Request, res: Response, csrf: AppLinksCsrf, request: AuthorizationRequest, status: number, extra: { username?: string | undefined; error?: string | undefined }): void {
  // The form is answered with a redirect to the Alexa redirect URI; browsers apply form-action to that
  // redirect too, so its origin (and only it) is allowed for this page.
  allowFormActionTo(res, [originOf(request.redirectUri)]);
  const token = csrf.issue(req, res, 'consent', request.state);
  sendPage(res, status, authorizePage({ serviceName: ctx.services.settings.oauth.serviceName, clientName: ctx.services.clients.find(request.clientId)?.name ?? ctx.services.settings.oauth.clientName, request, csrf: token, ...extra }));
}

function sendPage(res: Response, status: number, page: string): void {
  res.status(status).setHeader('Cache-Control', 'no-store');
  res.type('html').send(page);
}

/** Runs a page handler; a refusal becomes a page that explains it (never a JSON body or a bare 500). */
async function asPage(ctx: AppLinksContext, req: Request, res: Response, handler: () => Promise<void>): Promise<void> {
  try {
    await handler();
  } catch (error) {
    await sendRefusalPage(ctx, req, res, error);
  }
}

/**
 * The pages' error middleware, for what fails before a page handler runs (a body that cannot be read:
 * too large, not matching its Content-Encoding, an unknown charset): the same page as asPage's.
 */
function pageRefusals(ctx: AppLinksContext) {
  return async (error: unknown, req: Request, res: Response, _next: NextFunction): Promise<void> => {
    await sendRefusalPage(ctx, req, res, error);
  };
}

async function sendRefusalPage(ctx: AppLinksContext, req: Request, res: Response, error: unknown): Promise<void> {
  const serviceName = ctx.services.settings.oauth.serviceName;
  const failure = toServiceError(error);
  await recordAppLinkFailure(ctx.services, req, res, error);
  if (res.headersSent) return;
  if (failure.status === 500 && !(error instanceof ServiceError)) {
    req.log.error({ event: 'http.error', err: error }, 'page failed');
    sendPage(res, 500, problemPage({ serviceName, title: 'Something went wrong', message: 'The page could not be completed. Try again in a moment.', code: 'server_error' }));
    return;
  }
  // App-link codes carry descriptions written for people, outages included; other 5xx stay generic.
  const known = failure.code in APP_LINK_ERRORS;
  req.log[failure.status >= 500 ? 'warn' : 'info']({ event: 'app_links.page_refused', code: failure.code, reason: failure.reason }, 'page refused');
  if (failure.status === 503) res.setHeader('Retry-After', '5');
  const message = failure.expose || known ? failure.description : 'The page could not be completed. Try again in a moment.';
  sendPage(res, failure.status, problemPage({ serviceName, title: titleFor(failure.code), message, code: failure.code }));
}

function titleFor(code: string): string {
  if (code.startsWith('state_')) return 'This link was already used or has expired';
  if (code === 'csrf_failed') return 'Please try again';
  return 'Alexa could not be linked';
}

function returnParams(values: { code?: string | undefined; state?: string | undefined }): { code: string; state: string } {
  const { code, state } = values;
  if (code === undefined || state === undefined || !/^[\x21-\x7e]+$/.test(code)) {
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
