import type { Request, Response } from 'express';
import type { Account } from '../accounts/directory';
import type { PageMessages } from '../views/i18n';
import type { AuthorizationContext } from './authorization-context';
import type { AuthorizationRequest } from './authorization-request';
import { consentUrl } from './form-checks';
import { Interactions } from './interactions';
import { OAUTH_PATHS } from './metadata';
import { ParamSet } from './params';
import { RequestSeal } from './request-seal';
import type { Services } from '../services';
import { SealedCookie } from './sign-in/sealed-cookie';
import type { UpstreamLoginSource } from './sign-in/settings';
import { type UpstreamChecks, UpstreamFailure, type UpstreamFailureKind, UpstreamProvider } from './sign-in/upstream';

/** A flow other than /oauth/authorize that started the sign-in, and what it carries through the trip (sealed). */
export interface PendingFlow {
  name: string;
  carried: string;
}

/** The sealed cookie's content between the redirect to the provider and its return. */
interface PendingUpstream {
  request: AuthorizationRequest;
  checks: UpstreamChecks;
  /** Absent for /oauth/authorize's own sign-ins. */
  flow?: PendingFlow | undefined;
}

/**
 * A flow other than /oauth/authorize that signs users in at the provider (the app-to-app fallback page).
 * The provider sends every browser back to the one redirect URI registered with it, so the callback
 * reads from the sealed cookie which flow started the sign-in and hands that flow the outcome: the
 * openid-client round trip and its checks stay here, the flow only decides what follows.
 */
export interface UpstreamFlow {
  /** The provider vouched for the user, mirrored as `account` (the pending cookie is cleared): finish the flow. */
  signedIn(req: Request, res: Response, account: Account, request: AuthorizationRequest, carried: string): Promise<void>;
  /** The provider's answer failed (logged already as upstream.failed): answer with the flow's own page. */
  failed(req: Request, res: Response, failure: UpstreamFailure, request: AuthorizationRequest): Promise<void>;
}

/** The provider and the cookie that carries a pending sign-in (LOGIN_SOURCE=oidc). */
export interface UpstreamSignIn {
  provider: UpstreamProvider;
  pending: SealedCookie<PendingUpstream>;
  /** The other flows that sign users in here, by the name their pending sign-ins carry. */
  flows: Map<string, UpstreamFlow>;
}

/** Builds the upstream sign-in from the settings; the pending sign-in is sealed with the service's RequestSeal. */
export function createUpstreamSignIn(services: Services, seal: RequestSeal, source: UpstreamLoginSource): UpstreamSignIn {
  const secure = services.settings.publicUrl.startsWith('https://');
  return {
    provider: new UpstreamProvider(source, source.issuer.startsWith('http://')),
    pending: new SealedCookie<PendingUpstream>(seal, 'upstream', { secure, maxAgeSec: services.settings.oauth.interactionTtlSec, now: () => services.clock.now() }),
    flows: new Map(),
  };
}

/**
 * The service's upstream sign-in when LOGIN_SOURCE=oidc, for the composition root (server/app.ts) to
 * hand to every router that signs users in there: one provider (discovered once) and one callback.
 */
export function upstreamSignInFor(services: Services): UpstreamSignIn | undefined {
  const login = services.settings.login;
  // A RequestSeal derives its key from the signing keys alone: this one opens what any other sealed.
  return login.kind === 'oidc' ? createUpstreamSignIn(services, new RequestSeal(services.keys), login) : undefined;
}

/** The query that starts this request again at GET /oauth/authorize (the sign-in button, "try again"). */
export function authorizeParamsFor(request: AuthorizationRequest): Array<[string, string]> {
  const params: Array<[string, string]> = [
    ['response_type', 'code'],
    ['client_id', request.clientId],
    ['redirect_uri', request.redirectUri],
    ['scope', request.scope],
  ];
  if (request.state !== undefined) params.push(['state', request.state]);
  if (request.codeChallenge !== undefined) params.push(['code_challenge', request.codeChallenge], ['code_challenge_method', 'S256']);
  if (request.uiLocale !== undefined) params.push(['ui_locales', request.uiLocale]);
  return params;
}

function authorizeUrlFor(request: AuthorizationRequest): string {
  return `${OAUTH_PATHS.authorize}?${new URLSearchParams(authorizeParamsFor(request)).toString()}`;
}

/** What sending the browser to the provider came to. */
export type UpstreamStart = { kind: 'sent' } | { kind: 'failed'; failure: UpstreamFailure } | { kind: 'too_large' };

/**
 * Sends the browser to the provider for a new sign-in of `request`. Nothing is stored for a visitor
 * who has not signed in yet; the request, the checks and the flow travel sealed in a cookie (bounded:
 * a few hundred bytes, and refused beyond what a cookie holds). On a failure nothing is answered yet.
 */
export async function sendToProvider(upstream: UpstreamSignIn, req: Request, res: Response, request: AuthorizationRequest, flow?: PendingFlow): Promise<UpstreamStart> {
  let begun: Awaited<ReturnType<UpstreamProvider['begin']>>;
  try {
    begun = await upstream.provider.begin();
  } catch (error) {
    if (!(error instanceof UpstreamFailure)) throw error;
    logFailure(upstream, req, error, flow);
    return { kind: 'failed', failure: error };
  }
  if (!upstream.pending.set(res, { request, checks: begun.checks, ...(flow ? { flow } : {}) })) {
    req.log.info({ event: 'upstream.failed', failure: 'request_too_large', client_id: request.clientId, flow: flow?.name }, 'authorization request too large to carry through the upstream sign-in');
    return { kind: 'too_large' };
  }
  req.log.info({ event: 'upstream.started', client_id: request.clientId, issuer: upstream.provider.source.issuer, flow: flow?.name }, 'sent to the upstream provider to sign in');
  res.setHeader('Cache-Control', 'no-store');
  res.redirect(303, begun.url.href);
  return { kind: 'sent' };
}

/** GET /oauth/authorize with an upstream provider: sends the browser to the provider, or says why not. */
export async function startUpstreamSignIn(ctx: AuthorizationContext, upstream: UpstreamSignIn, req: Request, res: Response, request: AuthorizationRequest): Promise<void> {
  const started = await sendToProvider(upstream, req, res, request);
  if (started.kind === 'failed') failurePage(ctx, upstream, res, started.failure, request);
  else if (started.kind === 'too_large') {
    ctx.pages.error(res, 400, (t, client) => ({ title: t.cannotStartTitle, message: t.tooLongMessage(upstream.provider.source.name, client) }), request.uiLocale);
  }
}

/**
 * GET /oauth/upstream/callback: the provider's answer. Checks it against the sealed cookie (state),
 * exchanges the code (PKCE verifier, nonce, ID token validation), mirrors the user by `sub`, then
 * starts the interaction, signed in, and continues to the consent page; or, when another flow started
 * the sign-in, hands that flow the user (or the failure).
 */
export function upstreamCallbackHandler(ctx: AuthorizationContext, upstream: UpstreamSignIn) {
  return async (req: Request, res: Response): Promise<void> => {
    const opened = upstream.pending.open(req);
    if (opened.kind !== 'open') {
      const reason = { missing: 'no pending sign-in cookie came back', invalid: 'the pending sign-in cookie does not open', expired: 'the pending sign-in cookie expired' }[opened.kind];
      const failure = new UpstreamFailure('expired', reason);
      logFailure(upstream, req, failure, undefined);
      failurePage(ctx, upstream, res, failure, undefined);
      return;
    }
    const { request, checks, flow } = opened.value;
    const other = flow === undefined ? undefined : upstream.flows.get(flow.name);
    if (flow !== undefined && other === undefined) {
      // Sealed by this deployment for a flow it no longer serves (APP_LINKS_ENABLED turned off meanwhile).
      const failure = new UpstreamFailure('expired', `the pending sign-in belongs to ${flow.name}, which is not served`);
      upstream.pending.clear(res);
      logFailure(upstream, req, failure, flow);
      failurePage(ctx, upstream, res, failure, undefined);
      return;
    }
    const fail = async (failure: UpstreamFailure): Promise<void> => {
      logFailure(upstream, req, failure, flow);
      if (other) await other.failed(req, res, failure, request);
      else failurePage(ctx, upstream, res, failure, request);
    };
    const query = ParamSet.fromUrl(req.originalUrl);
    const params = new URLSearchParams();
    const { values, problems } = query.read({ code: 2048, state: 1024, iss: 2048, error: 256, error_description: 1024, error_uri: 2048, session_state: 1024 });
    if (problems.length > 0) {
      await fail(new UpstreamFailure('bad_answer', `callback parameter ${problems[0]?.name} ${problems[0]?.kind}`));
      return;
    }
    for (const [name, value] of Object.entries(values)) if (value !== undefined) params.set(name, value);
    let identity;
    try {
      identity = await upstream.provider.finish(params, checks);
    } catch (error) {
      if (!(error instanceof UpstreamFailure)) throw error;
      // A foreign callback (wrong state) must not cancel the sign-in this browser has under way.
      if (error.kind !== 'state_mismatch') upstream.pending.clear(res);
      await fail(error);
      return;
    }
    upstream.pending.clear(res);
    const account = await ctx.services.accounts.syncExternal('upstream', identity.sub, { name: identity.name, email: identity.email });
    if (other && flow) {
      req.log.info({ event: 'upstream.succeeded', userId: account.id, client_id: request.clientId, flow: flow.name }, 'signed in at the upstream provider');
      await other.signedIn(req, res, account, request, flow.carried);
      return;
    }
    // Stored only now that the provider vouched for the user (the same step as a password sign-in).
    const created = ctx.interactions.begin(request, ctx.binding.ensure(req, res));
    if (!(await ctx.interactions.update(created, { ...created.interaction, userId: account.id, csrf: Interactions.newCsrf() }))) {
      ctx.pages.expired(res, request.uiLocale);
      return;
    }
    req.log.info({ event: 'upstream.succeeded', userId: account.id, client_id: request.clientId }, 'signed in at the upstream provider');
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(303, consentUrl(created));
  };
}

const PAGES: Record<UpstreamFailureKind, { status: number; title: (t: PageMessages) => string; message: (t: PageMessages, name: string, client: string) => string }> = {
  unavailable: { status: 503, title: (t) => t.upstreamUnavailableTitle, message: (t, name) => t.upstreamUnavailableMessage(name) },
  state_mismatch: { status: 400, title: (t) => t.upstreamUnverifiedTitle, message: (t, name) => t.upstreamStateMessage(name) },
  nonce_mismatch: { status: 400, title: (t) => t.upstreamUnverifiedTitle, message: (t, name) => t.upstreamNonceMessage(name) },
  access_denied: { status: 403, title: (t) => t.upstreamCancelledTitle, message: (t, name, client) => t.upstreamCancelledMessage(name, client) },
  provider_error: { status: 502, title: (t) => t.upstreamFailedTitle, message: (t, name) => t.upstreamFailedMessage(name) },
  // The same words: to the person it is the sign-in that failed; the status says whose request was bad.
  bad_answer: { status: 400, title: (t) => t.upstreamFailedTitle, message: (t, name) => t.upstreamFailedMessage(name) },
  id_token_invalid: { status: 502, title: (t) => t.upstreamUnverifiedTitle, message: (t, name) => t.upstreamChecksMessage(name) },
  no_pkce: { status: 502, title: (t) => t.upstreamSetupTitle, message: (t, name) => t.upstreamSetupMessage(name) },
  expired: { status: 400, title: (t) => t.upstreamExpiredTitle, message: (t, _name, client) => t.upstreamExpiredMessage(client) },
};

/** The words (and status) of the page for a failed sign-in, for this flow's pages and the other flows' own. */
export function upstreamFailureWords(kind: UpstreamFailureKind, text: PageMessages, providerName: string, clientName: string): { status: number; title: string; message: string } {
  const page = PAGES[kind];
  return { status: page.status, title: page.title(text), message: page.message(text, providerName, clientName) };
}

function logFailure(upstream: UpstreamSignIn, req: Request, failure: UpstreamFailure, flow: PendingFlow | undefined): void {
  const level = failure.kind === 'no_pkce' || failure.kind === 'unavailable' || failure.kind === 'id_token_invalid' ? 'warn' : 'info';
  req.log[level]({ event: 'upstream.failed', failure: failure.kind, reason: failure.reason, issuer: upstream.provider.source.issuer, flow: flow?.name }, 'upstream sign-in failed');
}

function failurePage(ctx: AuthorizationContext, upstream: UpstreamSignIn, res: Response, failure: UpstreamFailure, request: AuthorizationRequest | undefined): void {
  const name = upstream.provider.source.name;
  if (failure.kind === 'unavailable') res.setHeader('Retry-After', '5');
  ctx.pages.error(
    res,
    PAGES[failure.kind].status,
    (t, client) => ({
      title: PAGES[failure.kind].title(t),
      message: PAGES[failure.kind].message(t, name, client),
      ...(request && failure.kind !== 'no_pkce' ? { action: { href: authorizeUrlFor(request), label: t.tryAgainWith(name) } } : {}),
    }),
    request?.uiLocale,
  );
}
