import cookieParser from 'cookie-parser';
import { type NextFunction, type Request, type Response, Router } from 'express';
import type { Account } from '../server/accounts/directory';
import { ServiceError } from '../server/errors';
import { toServiceError } from '../server/http/error-handler';
import type { AuthorizationRequest } from '../server/oauth/authorization-request';
import { allowFormActionTo, originOf } from '../server/oauth/csp';
import { formBody, formParams } from '../server/oauth/form-body';
import { LoginLimiter } from '../server/oauth/login-limiter';
import { ParamSet } from '../server/oauth/params';
import { passwordSourceFor } from '../server/oauth/sign-in/password-sources';
import type { UpstreamFailure } from '../server/oauth/sign-in/upstream';
import { authorizeParamsFor, sendToProvider, type UpstreamFlow, upstreamFailureWords, type UpstreamSignIn } from '../server/oauth/upstream-sign-in';
import type { PageMessages } from '../server/views/i18n';
import { type PageContext, pageContext } from '../server/views/page-context';
import { AUTHORIZE_PATH, RETURN_PATH } from './association-files';
import { issueAuthorizationCode, responseUrl, validateAuthorization } from './authorize';
import { completeLinking } from './complete';
import type { AppLinksContext } from './context';
import { AppLinksCsrf } from './csrf';
import { APP_LINK_ERRORS, AppLinkError } from './errors';
import { countAppLinkStep, recordAppLinkFailure } from './steps';
import { authorizePage, linkedPage, problemPage, returnConfirmPage } from './views/pages';

const FORM_LIMITS = { code: 2048, state: 4096, csrf: 64, username: 254, password: 1024, decision: 16 } as const;
/** LOGIN_SOURCE=oidc: the fallback page's sign-in link, which sends the browser to the provider. */
const UPSTREAM_START_PATH = `${AUTHORIZE_PATH}/upstream`;
/** The name the fallback page's pending upstream sign-ins carry, so the provider's answer comes back here. */
const UPSTREAM_FLOW = 'app-links';

/**
 * The browser fallbacks, for when the company's app is not installed:
 *   GET  /app-links/return             the return URL opened in a browser: shows which account gets linked
 *   POST /app-links/return             finishes linking (same logic as POST /app-links/complete), shows the result
 *   GET  /app-links/authorize          the platform authorization URL in a browser: sign in and consent
 *   POST /app-links/authorize/consent  that form; redirects to the Alexa redirect URI with a code or an error
 *   GET  /app-links/authorize/upstream LOGIN_SOURCE=oidc: that page's "Sign in with …" (allow): to the provider,
 *                                      whose answer (GET /oauth/upstream/callback) ends as the form's allow would
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
  // The sign-in source of the web pages (LOGIN_SOURCE): the same accounts and the same company API here.
  const passwords = passwordSourceFor(settings.login, ctx.services.accounts);
  const page = (res: Response, status: number, html: string) => sendPage(res, status, html);
  const view = (req: Request, request?: AuthorizationRequest): PageContext => pageContext(settings, req, request?.uiLocale);
  const upstream = ctx.upstream;
  if (!passwords && !upstream) throw new Error('with LOGIN_SOURCE=oidc the app-links pages need the upstream sign-in the /oauth router serves (server/app.ts passes it)');
  // The provider answers at the one callback the /oauth router serves: it hands this page's sign-ins back.
  if (!passwords && upstream) upstream.flows.set(UPSTREAM_FLOW, fallbackSignIns(ctx, csrf));

  router.get(RETURN_PATH, cookies, async (req, res) => {
    await asPage(ctx, req, res, async () => {
      const { values } = ParamSet.fromUrl(req.originalUrl).read({ error: 64, code: FORM_LIMITS.code, state: FORM_LIMITS.state });
      const p = view(req);
      if (values.error !== undefined) {
        // Amazon sends the user back with error=access_denied when they decline; the state simply expires.
        page(res, 200, problemPage(p, { title: p.text.appCancelledTitle, message: p.text.appCancelledMessage, code: values.error }));
        return;
      }
      const { code, state } = returnParams(values);
      browserFinishAllowed(ctx);
      const attempt = await alreadyLinked(ctx, state, () => ctx.states.peek(state));
      if (attempt.kind === 'linked') {
        page(res, 200, linkedPage(p, { accountLabel: attempt.label }));
        return;
      }
      const account = await ctx.services.accounts.get(attempt.state.userId);
      if (!account) throw new AppLinkError('state_invalid', 'account of the state no longer exists');
      page(res, 200, returnConfirmPage(p, { accountLabel: accountLabel(account), code, state, csrf: csrf.issue(req, res, 'return', state) }));
    });
  });

  router.post(RETURN_PATH, cookies, ...form, async (req, res) => {
    await asPage(ctx, req, res, async () => {
      const { values } = formParams(req).read(FORM_LIMITS);
      csrf.check(req, 'return', values.state, values.csrf);
      const { code, state } = returnParams(values);
      browserFinishAllowed(ctx);
      await alreadyLinked(ctx, state, () => completeLinking(ctx, { code, state, user: undefined }));
      // Post/redirect/get: the browser shows GET /app-links/return, so a reload asks for nothing again
      // and finds the attempt linked (the success page), never "state_reused".
      res.setHeader('Cache-Control', 'no-store');
      res.redirect(303, `${RETURN_PATH}?${new URLSearchParams({ code, state }).toString()}`);
    });
  });

  router.get(AUTHORIZE_PATH, cookies, async (req, res) => {
    await asPage(ctx, req, res, async () => {
      const request = validatedOrRedirected(ctx, req, res, ParamSet.fromUrl(req.originalUrl));
      if (!request) return;
      sendAuthorizePage(ctx, req, res, csrf, request, 200, {});
    });
  });

  if (!passwords && upstream) {
    router.get(UPSTREAM_START_PATH, cookies, async (req, res) => {
      await asPage(ctx, req, res, async () => {
        const params = ParamSet.fromUrl(req.originalUrl);
        const { values } = params.read({ state: FORM_LIMITS.state, csrf: FORM_LIMITS.csrf });
        // The page's consent token, in the link instead of a form field: this GET is the user's "allow".
        csrf.check(req, 'consent', values.state, values.csrf);
        const request = validatedOrRedirected(ctx, req, res, params);
        if (!request) return;
        // The return has no field to carry a token: the sealed pending sign-in names this browser instead.
        const browser = csrf.browserOf(req) as string; // present: the token check above needs it
        const started = await sendToProvider(upstream, req, res, request, { name: UPSTREAM_FLOW, carried: browser });
        if (started.kind === 'failed') await upstreamFailurePage(ctx, upstream, req, res, started.failure, request);
        else if (started.kind === 'too_large') await tooLargePage(ctx, upstream, req, res, request);
      });
    });
  }

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
      if (!passwords) {
        // LOGIN_SOURCE=oidc: allowing is the page's sign-in link; this form only denies, so an allow is stale or forged.
        req.log.info({ event: 'app_links.login_refused', reason: 'password sign-in is off (LOGIN_SOURCE=oidc)' }, 'fallback form posted a sign-in while an upstream provider signs users in');
        sendAuthorizePage(ctx, req, res, csrf, request, 400, {});
        return;
      }
      if (values.decision !== 'allow') {
        sendAuthorizePage(ctx, req, res, csrf, request, 400, { username: values.username, error: (t) => t.chooseAllowOrDeny });
        return;
      }
      const username = values.username?.trim() ?? '';
      const password = values.password ?? '';
      if (!username || !password) {
        sendAuthorizePage(ctx, req, res, csrf, request, 400, { username, error: (t) => t.enterCredentials });
        return;
      }
      const address = req.ip ?? 'unknown';
      const hit = await limiter.attempt(username, address);
      if (hit) {
        req.log.warn({ event: 'app_links.login_limited', limit: hit }, 'sign-in refused: too many attempts');
        res.setHeader('Retry-After', String(oauth.loginWindowSec));
        sendAuthorizePage(ctx, req, res, csrf, request, 429, { username, error: (t) => t.tooManyAttempts(Math.ceil(oauth.loginWindowSec / 60)) });
        return;
      }
      const outcome = await passwords.check(username, password);
      if (outcome.kind === 'unavailable') {
        req.log.warn({ event: 'app_links.login_source_unavailable', source: passwords.name, reason: outcome.reason }, 'the sign-in source could not check the password');
        res.setHeader('Retry-After', '5');
        sendAuthorizePage(ctx, req, res, csrf, request, 503, { username, error: (t) => t.passwordCheckUnavailable });
        return;
      }
      if (outcome.kind === 'refused') {
        req.log.info({ event: 'app_links.login_failed', source: passwords.name, reason: outcome.reason }, 'sign-in failed on the fallback page');
        sendAuthorizePage(ctx, req, res, csrf, request, 401, { username, error: (t) => t.wrongCredentials });
        return;
      }
      await limiter.succeeded(username, address);
      await grantCode(ctx, req, res, request, outcome.account.id, passwords.name);
    });
  });

  router.use(pageRefusals(ctx));
  return router;
}

/** An authorization request whose client or redirect URI cannot be trusted: a page, never a redirect. */
class UntrustedRequestError extends ServiceError {
  constructor(description: string, reason: string) {
    super('invalid_request', 400, description, reason);
  }
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
    throw new UntrustedRequestError(`${outcome.message} For your safety you have not been sent back to the app.`, outcome.reason);
  }
  req.log.warn({ event: 'app_links.authorize_refused', error: outcome.error, reason: outcome.reason }, 'authorization request refused (redirected)');
  res.redirect(303, responseUrl(ctx.services, outcome.redirectUri, { error: outcome.error, error_description: outcome.description, state: outcome.state, source: 'app' }));
  return undefined;
}

/** The user allowed and signed in (password or upstream provider): Alexa's redirect with a code, as the app would send it. */
async function grantCode(ctx: AppLinksContext, req: Request, res: Response, request: AuthorizationRequest, userId: string, source: string): Promise<void> {
  const code = await issueAuthorizationCode(ctx.services, request, userId);
  req.log.info({ event: 'app_links.authorize_granted', userId, clientId: request.clientId, pkce: request.codeChallenge !== undefined, source }, 'code issued on the fallback page');
  res.redirect(303, responseUrl(ctx.services, request.redirectUri, { code, state: request.state, source: 'app' }));
}

/**
 * The fallback page's sign-ins at the upstream provider, as the /oauth router's callback hands them back
 * (it has run the provider's checks and mirrored the user): they end as the form's allow would, or on
 * this page's own refusal. The callback is counted as the step authorize_upstream_return.
 */
function fallbackSignIns(ctx: AppLinksContext, csrf: AppLinksCsrf): UpstreamFlow {
  return {
    signedIn: async (req, res, account, request, browser) => {
      countAppLinkStep(ctx.observer, req, res);
      await asPage(ctx, req, res, async () => {
        // Only the browser that followed the page's link finishes (its token was checked then): a pending
        // sign-in moved to another browser, with someone else's answer from the provider, is refused.
        csrf.checkBrowser(req, browser, 'the upstream sign-in came back in another browser than the one that started it');
        await grantCode(ctx, req, res, request, account.id, 'upstream');
      });
    },
    failed: async (req, res, failure, request) => {
      countAppLinkStep(ctx.observer, req, res);
      await upstreamFailurePage(ctx, ctx.upstream as UpstreamSignIn, req, res, failure, request);
    },
  };
}

/** A failed upstream sign-in, in the /oauth pages' words, with the fallback page's code (upstream_<failure>) and a way to try again. */
async function upstreamFailurePage(ctx: AppLinksContext, upstream: UpstreamSignIn, req: Request, res: Response, failure: UpstreamFailure, request: AuthorizationRequest): Promise<void> {
  const name = upstream.provider.source.name;
  const p = pageContext(ctx.services.settings, req, request.uiLocale);
  const words = upstreamFailureWords(failure.kind, p.text, name, ctx.services.settings.oauth.clientName);
  const error = new ServiceError(`upstream_${failure.kind}`, words.status, words.message, failure.reason);
  await recordAppLinkFailure(ctx.observer, req, res, error);
  if (failure.kind === 'unavailable') res.setHeader('Retry-After', '5');
  // A provider without PKCE stays without it: trying again would not help.
  const retry = failure.kind === 'no_pkce' ? undefined : { href: fallbackUrlFor(request), label: p.text.tryAgainWith(name) };
  sendPage(res, words.status, problemPage(p, { title: words.title, message: words.message, code: error.code, action: retry }));
}

/** The request too large to pass through the provider in a cookie (a state of several kilobytes). */
async function tooLargePage(ctx: AppLinksContext, upstream: UpstreamSignIn, req: Request, res: Response, request: AuthorizationRequest): Promise<void> {
  const p = pageContext(ctx.services.settings, req, request.uiLocale);
  const message = p.text.tooLongMessage(upstream.provider.source.name, ctx.services.settings.oauth.clientName);
  const error = new ServiceError('request_too_large', 400, message, 'authorization request too large to carry through the upstream sign-in');
  await recordAppLinkFailure(ctx.observer, req, res, error);
  sendPage(res, 400, problemPage(p, { title: p.text.cannotStartTitle, message, code: error.code }));
}

/** GET /app-links/authorize for the same request: the fallback page again. */
function fallbackUrlFor(request: AuthorizationRequest): string {
  return `${AUTHORIZE_PATH}?${new URLSearchParams(authorizeParamsFor(request)).toString()}`;
}

function sendAuthorizePage(
  ctx: AppLinksContext,
  req: Request,
  res: Response,
  csrf: AppLinksCsrf,
  request: AuthorizationRequest,
  status: number,
  extra: { username?: string | undefined; error?: ((text: PageMessages) => string) | undefined },
): void {
  // The form is answered with a redirect to the Alexa redirect URI; browsers apply form-action to that
  // redirect too, so its origin (and only it) is allowed for this page.
  allowFormActionTo(res, [originOf(request.redirectUri)]);
  const token = csrf.issue(req, res, 'consent', request.state);
  const p = pageContext(ctx.services.settings, req, request.uiLocale);
  const clientName = ctx.services.clients.find(request.clientId)?.name ?? ctx.services.settings.oauth.clientName;
  // LOGIN_SOURCE=oidc: the page's one token also goes in the sign-in link (the user's "allow").
  const login = ctx.services.settings.login;
  const upstream = login.kind === 'oidc' ? { name: login.name, href: `${UPSTREAM_START_PATH}?${new URLSearchParams([...authorizeParamsFor(request), ['csrf', token]]).toString()}` } : undefined;
  sendPage(res, status, authorizePage(p, { clientName, request, csrf: token, username: extra.username, error: extra.error?.(p.text), upstream }));
}

/**
 * Runs a step that uses up (or peeks at) a linking attempt. When the attempt was already used and it
 * ended linked, the outcome is "linked" (with the account's label) instead of the state_reused refusal:
 * a reload or a second tap after success shows the success. Anything else is rethrown.
 */
async function alreadyLinked<T extends { userId: string }>(
  ctx: AppLinksContext,
  state: string,
  step: () => Promise<T>,
): Promise<{ kind: 'fresh'; state: T } | { kind: 'linked'; label: string }> {
  try {
    return { kind: 'fresh', state: await step() };
  } catch (error) {
    if (!(error instanceof AppLinkError) || error.code !== 'state_reused') throw error;
    const userId = await ctx.states.linkedUser(state);
    if (userId === undefined) throw error;
    const account = await ctx.services.accounts.get(userId);
    if (!account) throw error;
    return { kind: 'linked', label: accountLabel(account) };
  }
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
  const p = pageContext(ctx.services.settings, req);
  const failure = toServiceError(error);
  await recordAppLinkFailure(ctx.observer, req, res, error);
  if (res.headersSent) return;
  if (failure.status === 500 && !(error instanceof ServiceError)) {
    req.log.error({ event: 'http.error', err: error }, 'page failed');
    sendPage(res, 500, problemPage(p, { title: p.text.failedTitle, message: p.text.appFailedMessage, code: 'server_error' }));
    return;
  }
  // App-link codes carry descriptions written for people, outages included; other 5xx stay generic.
  const known = failure.code in APP_LINK_ERRORS;
  req.log[failure.status >= 500 ? 'warn' : 'info']({ event: 'app_links.page_refused', code: failure.code, reason: failure.reason }, 'page refused');
  if (failure.status === 503) res.setHeader('Retry-After', '5');
  // The visitor reads words for people in their language; outside production the English description
  // (which may name a parameter or a redirect URL) is shown beside them for whoever runs the service.
  const words = wordsFor(p.text, failure, ctx.services.settings.oauth.clientName);
  const detail = failure.expose || known ? failure.description : undefined;
  sendPage(res, failure.status, problemPage(p, { ...words, code: failure.code, detail }));
}

/** The title and message a refusal shows, by code: what happened and what to do next. */
function wordsFor(text: PageMessages, error: ServiceError, clientName: string): { title: string; message: string } {
  const { code, status } = error;
  if (error instanceof UntrustedRequestError) return { title: text.cannotStartTitle, message: text.cannotStartMessage(clientName) };
  if (code.startsWith('state_')) return { title: text.appUsedTitle, message: text.appUsedMessage };
  if (code === 'csrf_failed') return { title: text.appRetryTitle, message: text.appRetryMessage };
  if (code === 'skill_disabled' || code === 'skill_stage_not_allowed') return { title: text.appFailedTitle, message: text.appSkillMessage };
  if (status === 503) return { title: text.appFailedTitle, message: text.appUnavailableMessage };
  return { title: text.appFailedTitle, message: text.appFailedMessage };
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
