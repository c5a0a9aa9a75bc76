import cookieParser from 'cookie-parser';
import { type NextFunction, type Request, type Response, Router } from 'express';
import { CryptoBox } from '../../app-links/crypto-box';
import { AmazonLinks } from '../../app-links/link-records';
import { randomToken, safeEqual } from '../crypto-utils';
import { toServiceError } from '../http/error-handler';
import { formBody, formParams } from '../oauth/form-body';
import { ParamSet } from '../oauth/params';
import type { Services } from '../services';
import { AdminLoginLimiter, adminCredentialsMatch } from './admin-credentials';
import { type AdminSession, AdminSessions } from './admin-sessions';
import { alexaConfiguration } from './alexa-config';
import { observeAuthorizationRequests } from './authorize-observer';
import { clientDiagnostics, trafficFindings } from './diagnostics';
import { METRICS_PATH, metricsHandler } from './metrics-route';
import { opsOf } from './ops';
import { OPS_STYLESHEET_PATH, serveOpsStylesheet } from './views/stylesheet';
import { type GrantView, opsLoginPage, opsMessagePage, opsOverviewPage, opsUserPage } from './views/pages';

const FORM_LIMIT = 8 * 1024;
const LOGIN_FIELDS = { csrf: 64, username: 254, password: 1024 } as const;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * The operator's faces: GET /metrics (METRICS_TOKEN), the observer of GET /oauth/authorize, and the
 * diagnostics pages under /ops (ADMIN_USERNAME/ADMIN_PASSWORD; absent, and so a 404, while unset).
 */
export function opsRouter(services: Services): Router {
  const router = Router();
  const ops = opsOf(services);
  router.get(METRICS_PATH, metricsHandler(ops, services.settings.ops.metricsToken));
  router.use(observeAuthorizationRequests(services));
  if (services.settings.ops.admin !== undefined) router.use('/ops', diagnosticsRouter(services));
  return router;
}

/** The /ops pages; mounted only when admin credentials are configured. */
function diagnosticsRouter(services: Services): Router {
  const settings = services.settings;
  const admin = settings.ops.admin;
  if (!admin) throw new Error('diagnosticsRouter needs ADMIN_USERNAME and ADMIN_PASSWORD');
  const ops = opsOf(services);
  const serviceName = settings.oauth.serviceName;
  const secure = settings.publicUrl.startsWith('https://');
  // __Host- cookies must be Secure, host-only and Path=/, so no subdomain or other path can set them.
  const sessionCookie = secure ? '__Host-lw-ops' : 'lw-ops';
  const loginCsrfCookie = secure ? '__Host-lw-ops-csrf' : 'lw-ops-csrf';
  const sessions = new AdminSessions(services.store, services.clock, settings.ops.adminSessionTtlSec);
  const limiter = new AdminLoginLimiter(services.store, settings.ops.adminLoginMaxAttempts, settings.ops.adminLoginWindowSec);
  const appLinks = settings.appLinks.enabled
    ? new AmazonLinks(services.store, services.clock, new CryptoBox(settings.appLinks.encryptionKeys), () => {
        throw new Error('the diagnostics pages never refresh Amazon tokens');
      }, services.log)
    : undefined;

  const router = Router();
  router.use(cookieParser());
  router.use((_req, res, next) => {
    // Operator pages hold CSRF tokens and user data: never cached, never indexed.
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Robots-Tag', 'noindex, nofollow');
    next();
  });
  router.get(OPS_STYLESHEET_PATH.slice('/ops'.length), serveOpsStylesheet);

  const cookie = (req: Request, name: string): string | undefined => {
    const value: unknown = (req.cookies as Record<string, unknown> | undefined)?.[name];
    return typeof value === 'string' && TOKEN.test(value) ? value : undefined;
  };
  const page = (res: Response, status: number, body: string) => res.status(status).type('html').send(body);
  const operatorOf = (res: Response): AdminSession => res.locals.adminSession as AdminSession;
  const operatorView = (res: Response) => ({ username: operatorOf(res).username, csrf: operatorOf(res).csrf });

  /** Pages behind the sign-in: without a live session, GET goes to the sign-in page and anything else is refused. */
  const signedIn = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const session = await sessions.use(cookie(req, sessionCookie));
    if (!session) {
      if (req.method === 'GET') res.redirect(303, '/ops/login');
      else page(res, 403, opsMessagePage({ serviceName, title: 'Sign in again', message: 'Your operator session has ended. Sign in again, then repeat the action.' }));
      return;
    }
    res.locals.adminSession = session;
    next();
  };
  /** Form posts of a session must carry its CSRF token: a cross-site form cannot read it. */
  const sessionCsrf = (req: Request, res: Response, next: NextFunction): void => {
    const { values } = formParams(req).read({ csrf: 64 });
    if (values.csrf === undefined || !safeEqual(values.csrf, operatorOf(res).csrf)) {
      req.log.warn({ event: 'ops.csrf_failed', path: req.path }, 'operator form without a valid CSRF token');
      page(res, 403, opsMessagePage({ serviceName, title: 'Please try again', message: 'This form expired or did not come from these pages. Reload the page and try again.', operator: operatorView(res) }));
      return;
    }
    next();
  };

  const loginForm = (req: Request, res: Response, status: number, extra: { username?: string; error?: string } = {}) => {
    // Double-submit token: the sign-in form has no session yet, so its token lives in a SameSite=Strict cookie.
    const csrf = cookie(req, loginCsrfCookie) ?? randomToken(32);
    res.cookie(loginCsrfCookie, csrf, { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: 3600_000 });
    page(res, status, opsLoginPage({ serviceName, csrf, ...extra }));
  };

  router.get('/login', (req, res) => loginForm(req, res, 200));

  router.post('/login', ...formBody(FORM_LIMIT), async (req, res) => {
    const { values, problems } = formParams(req).read(LOGIN_FIELDS);
    const expected = cookie(req, loginCsrfCookie);
    if (problems.length > 0 || expected === undefined || values.csrf === undefined || !safeEqual(values.csrf, expected)) {
      req.log.warn({ event: 'ops.login_refused', reason: 'CSRF token missing or mismatched' }, 'operator sign-in form refused');
      loginForm(req, res, 403, { error: 'This form expired or did not come from this page. Try again.' });
      return;
    }
    const username = values.username?.trim() ?? '';
    const address = req.ip ?? 'unknown';
    if (await limiter.overLimit(address, username)) {
      req.log.warn({ event: 'ops.login_limited' }, 'operator sign-in over the attempt limit');
      res.setHeader('Retry-After', String(settings.ops.adminLoginWindowSec));
      loginForm(req, res, 429, { username, error: 'Too many sign-in attempts. Wait a few minutes, then try again.' });
      return;
    }
    if (!(await adminCredentialsMatch(admin, username, values.password ?? ''))) {
      req.log.warn({ event: 'ops.login_failed', reason: 'wrong operator name or password' }, 'operator sign-in failed');
      loginForm(req, res, 401, { username, error: 'The operator name or password is incorrect.' });
      return;
    }
    await limiter.succeeded(address, username);
    const { id } = await sessions.create(admin.username);
    res.cookie(sessionCookie, id, { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: settings.ops.adminSessionTtlSec * 1000 });
    req.log.info({ event: 'ops.login_succeeded', operator: admin.username }, 'operator signed in');
    res.redirect(303, '/ops');
  });

  router.post('/logout', ...formBody(FORM_LIMIT), signedIn, sessionCsrf, async (req, res) => {
    await sessions.end(cookie(req, sessionCookie));
    res.clearCookie(sessionCookie, { path: '/', secure, httpOnly: true, sameSite: 'strict' });
    req.log.info({ event: 'ops.logout', operator: operatorOf(res).username }, 'operator signed out');
    res.redirect(303, '/ops/login');
  });

  router.get('/', signedIn, async (_req, res) => {
    const [traffic, failures] = await Promise.all([ops.traffic.summary(), ops.failures.recent()]);
    page(
      res,
      200,
      opsOverviewPage({
        serviceName,
        operator: operatorView(res),
        config: alexaConfiguration(settings),
        secretShown: '(OAUTH_CLIENT_SECRET: not shown here)',
        traffic,
        findings: trafficFindings(settings, traffic),
        clients: clientDiagnostics(settings, traffic),
        failures,
        failuresKept: settings.ops.failuresKept,
      }),
    );
  });

  const showUser = async (res: Response, query: string, message?: string): Promise<void> => {
    const account = (await services.accounts.findByName(query)) ?? (await services.accounts.get(query));
    const grants: GrantView[] = [];
    if (account) {
      for (const familyId of await services.refreshTokens.familiesOf(account.id)) {
        const family = await services.refreshTokens.get(familyId);
        if (family) grants.push({ family, status: services.refreshTokens.status(family), alexa: services.clients.isAlexa(family.clientId) });
      }
      grants.sort((a, b) => b.family.createdAt - a.family.createdAt);
    }
    const appLink = account && appLinks ? await appLinks.get(account.id) : undefined;
    page(res, account ? 200 : 404, opsUserPage({ serviceName, operator: operatorView(res), query, account, grants, appLink, appLinksEnabled: appLinks !== undefined, message }));
  };

  router.get('/users', signedIn, async (req, res) => {
    const query = ParamSet.fromUrl(req.originalUrl).read({ q: 254 }).values.q?.trim() ?? '';
    if (query === '') {
      res.redirect(303, '/ops');
      return;
    }
    await showUser(res, query);
  });

  router.post('/users/revoke', ...formBody(FORM_LIMIT), signedIn, sessionCsrf, async (req, res) => {
    const { values } = formParams(req).read({ user: 254, family: 64 });
    const account = values.user === undefined ? undefined : await services.accounts.get(values.user);
    if (!account) {
      page(res, 404, opsMessagePage({ serviceName, title: 'User not found', message: 'That account no longer exists.', operator: operatorView(res) }));
      return;
    }
    const operator = operatorOf(res).username;
    let revoked = 0;
    for (const familyId of await services.refreshTokens.familiesOf(account.id)) {
      if (values.family !== undefined && familyId !== values.family) continue;
      const family = await services.refreshTokens.get(familyId);
      // Only Alexa's grants: the company app's own sessions are not the operator's to end from here.
      if (!family || !services.clients.isAlexa(family.clientId) || services.refreshTokens.status(family) !== 'active') continue;
      await services.revocations.revokeFamily(familyId, `revoked by operator ${operator}`);
      revoked += 1;
    }
    req.log.info({ event: 'ops.grants_revoked', operator, userId: account.id, familyId: values.family, grants: revoked }, 'operator revoked Alexa grants');
    await showUser(res, account.id, revoked === 0 ? 'Nothing to revoke: no active Alexa grant matched.' : `${revoked} Alexa grant${revoked === 1 ? '' : 's'} revoked.`);
  });

  // Errors on these pages (a store outage, an oversized form) become a page, not a JSON body.
  router.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const known = toServiceError(error);
    req.log[known.status >= 500 ? 'error' : 'info']({ event: 'ops.page_failed', code: known.code, reason: known.reason }, 'operator page failed');
    if (res.headersSent) return;
    if (known.status === 503) res.setHeader('Retry-After', '5');
    page(res, known.status, opsMessagePage({ serviceName, title: 'The page could not be shown', message: known.expose ? known.description : 'Something failed; the service log has the details (event ops.page_failed).' }));
  });
  return router;
}

