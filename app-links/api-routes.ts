import { type Request, type Response, Router } from 'express';
import { OAuthError } from '../server/errors';
import { issueAuthorizationCode, paramsFromJson, responseUrl, validateAuthorization } from './authorize';
import { currentUser, requireUser } from './bearer';
import { jsonBody } from './json-body';
import { completeLinking } from './complete';
import type { AppLinksContext } from './context';
import { startLinking } from './start';
import { linkStatus, unlink } from './status';

/** Codes and similar values: visible ASCII, bounded, so nothing odd reaches Amazon or the store. */
const OPAQUE = /^[\x21-\x7e]{1,2048}$/;
/** The API's bodies are a few hundred bytes. */
const JSON_LIMIT_BYTES = 16 * 1024;

/**
 * The JSON API the company's app calls with the user's bearer token:
 *   POST   /app-links/start      → { alexaAppUrl, lwaFallbackUrl, state, expiresAt, expiresIn }
 *   POST   /app-links/complete   { code, state [, providerCode, providerRedirectUri] } → the new link's status
 *   GET    /app-links/status     → { linked, enablementStatus, accountLinkStatus, stage, linkedAt [, reason] }
 *   DELETE /app-links/link       → { linked: false, amazonDisabled, revokedGrants }
 *   POST   /app-links/authorize  { response_type, client_id, redirect_uri, scope, state, code_challenge,
 *                                  code_challenge_method [, decision: "allow" | "deny"] } → { redirectTo, outcome }
 * Errors are { error, error_description } with the stable codes of app-links/errors.ts.
 */
export function appLinksApi(ctx: AppLinksContext): Router {
  const router = Router();
  const json = jsonBody(JSON_LIMIT_BYTES);
  const user = requireUser(ctx.users);
  const noStore = (_req: Request, res: Response, next: () => void) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  };
  router.use('/app-links', noStore);

  router.post('/app-links/start', user, async (_req, res) => {
    res.json(await startLinking(ctx, currentUser(res)));
  });

  router.post('/app-links/complete', ...json, user, async (req, res) => {
    const body = objectBody(req);
    const code = opaque(body, 'code', true) as string;
    const state = opaque(body, 'state', true) as string;
    const providerCode = opaque(body, 'providerCode', false);
    const providerRedirectUri = opaque(body, 'providerRedirectUri', false);
    if ((providerCode === undefined) !== (providerRedirectUri === undefined)) throw new OAuthError('invalid_request', 'providerCode and providerRedirectUri go together.');
    const result = await completeLinking(ctx, {
      code,
      state,
      user: currentUser(res),
      provider: providerCode !== undefined ? { code: providerCode, redirectUri: providerRedirectUri as string } : undefined,
    });
    // Amazon answers 201 only once the skill is enabled and the account linked.
    res.json({
      linked: true,
      enablementStatus: result.enablementStatus,
      accountLinkStatus: result.accountLinkStatus ?? 'LINKED',
      stage: result.stage ?? ctx.settings.skillStage,
    });
  });

  router.get('/app-links/status', user, async (_req, res) => {
    res.json(await linkStatus(ctx, currentUser(res)));
  });

  router.delete('/app-links/link', user, async (_req, res) => {
    res.json(await unlink(ctx, currentUser(res)));
  });

  router.post('/app-links/authorize', ...json, user, async (req, res) => {
    if (ctx.settings.accountProvider !== 'ours') {
      throw new OAuthError('invalid_request', `Accounts live in ${ctx.settings.accountProvider}: the Alexa app's request goes to that provider, not here.`);
    }
    const body = objectBody(req);
    const decision = body.decision ?? 'allow';
    if (decision !== 'allow' && decision !== 'deny') throw new OAuthError('invalid_request', 'decision must be "allow" or "deny".');
    const outcome = validateAuthorization(ctx.services, paramsFromJson(body));
    const account = currentUser(res);
    if (outcome.kind === 'page') {
      // Unknown client or unregistered redirect URI: answered here, never sent to an unverified address.
      req.log.warn({ event: 'app_links.authorize_refused', parameter: outcome.parameter, reason: outcome.reason }, 'authorization request refused (not redirected)');
      throw new OAuthError('invalid_request', outcome.message, 400, outcome.reason);
    }
    if (outcome.kind === 'redirect') {
      req.log.warn({ event: 'app_links.authorize_refused', error: outcome.error, reason: outcome.reason }, 'authorization request refused (redirected)');
      const redirectTo = responseUrl(ctx.services, outcome.redirectUri, { error: outcome.error, error_description: outcome.description, state: outcome.state, source: 'app' });
      res.json({ outcome: 'error', error: outcome.error, error_description: outcome.description, redirectTo });
      return;
    }
    const request = outcome.request;
    if (decision === 'deny') {
      req.log.info({ event: 'app_links.authorize_denied', userId: account.userId, clientId: request.clientId }, 'user denied linking from the Alexa app');
      res.json({ outcome: 'denied', redirectTo: responseUrl(ctx.services, request.redirectUri, { error: 'access_denied', state: request.state, source: 'app' }) });
      return;
    }
    const code = await issueAuthorizationCode(ctx.services, request, account.userId);
    req.log.info({ event: 'app_links.authorize_granted', userId: account.userId, clientId: request.clientId, pkce: request.codeChallenge !== undefined }, 'code issued for linking from the Alexa app');
    res.json({ outcome: 'code', redirectTo: responseUrl(ctx.services, request.redirectUri, { code, state: request.state, source: 'app' }) });
  });

  return router;
}

function objectBody(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new OAuthError('invalid_request', 'Send a JSON object with Content-Type: application/json.');
  }
  return body as Record<string, unknown>;
}

function opaque(body: Record<string, unknown>, name: string, required: boolean): string | undefined {
  const value = body[name];
  if (value === undefined || value === null || value === '') {
    if (required) throw new OAuthError('invalid_request', `${name} is required.`);
    return undefined;
  }
  if (typeof value !== 'string' || !OPAQUE.test(value)) throw new OAuthError('invalid_request', `${name} must be a string of visible ASCII characters (at most 2048).`);
  return value;
}
