import express, { type Express, type Request, type Response } from 'express';
import type { Customer, Customers } from '../customers';
import { noteExchange } from '../host';
import { ACCOUNT_LINKING_SCOPE, type LoginWithAmazon } from '../lwa/authority';
import type { Enablement, SkillLinks } from './links';
import type { SkillConfig } from './skill-config';
import type { AccountLinkingClient } from './token-client';

export const DISCOVERY_PATH = '/v1/alexaApiEndpoint';
export const ENABLEMENT_PATH = '/v1/users/~current/skills/:skillId/enablement';

/** What the Alexa API needs from the rest of the simulator. */
export interface AlexaApiDeps {
  lwa: LoginWithAmazon;
  customers: Customers;
  links: SkillLinks;
  tokenClient: AccountLinkingClient;
  skill: () => SkillConfig;
  /** The skill's Alexa client id: the LWA client whose tokens may call these APIs. */
  alexaClientId: () => string;
  /** The skill's "Your Redirect URLs" (the app's redirect URLs, which LWA also accepts for the Alexa client). */
  appRedirectUrls: () => string[];
  /** Hostnames endpoint discovery returns for a customer. */
  endpointsFor: (customer: Customer) => string[];
  /**
   * Disables the skill for the customer with everything that follows (Alexa forgets the link, Amazon
   * revokes its tokens, the SkillDisabled event goes out); undefined when it was not enabled.
   */
  disableSkill: (customer: Customer) => Enablement | undefined;
}

/** Amazon's error body for the Alexa APIs: `{ "message": … }`. */
function refuse(res: Response, status: number, message: string): void {
  noteExchange(res, { note: message });
  res.status(status).json({ message });
}

/**
 * Resolves the customer behind the request's Amazon access token, or answers the error Amazon
 * documents: 400 for a malformed or missing bearer ("Bearer" must be title case), 401 for an
 * unknown, expired or revoked token, 403 for a token without the account-linking scope or client.
 */
function authenticate(req: Request, res: Response, deps: AlexaApiDeps): Customer | undefined {
  const header = req.headers.authorization;
  const match = header === undefined ? null : /^Bearer ([^\s]+)$/.exec(header);
  if (!match) {
    refuse(res, 400, header === undefined ? 'The Authorization header with the customer’s Amazon access token is missing.' : 'The Authorization header must be "Bearer <Amazon access token>" ("Bearer" in title case).');
    return undefined;
  }
  const grant = deps.lwa.verify(match[1] ?? '');
  if (grant === 'expired') return void refuse(res, 401, 'The Amazon access token has expired.');
  if (!grant) return void refuse(res, 401, 'The Amazon access token is invalid or was revoked.');
  if (!grant.scope.includes(ACCOUNT_LINKING_SCOPE) || grant.clientId !== deps.alexaClientId()) {
    return void refuse(res, 403, `The access token is not allowed to use this API (it needs the ${ACCOUNT_LINKING_SCOPE} scope, granted to the skill’s Alexa client).`);
  }
  const customer = deps.lwa.customerOf(grant);
  if (!customer) return void refuse(res, 401, 'The Amazon access token is invalid or was revoked.');
  return customer;
}

/** Mounts endpoint discovery: the Alexa API hostnames (no scheme) for the token's customer; `hostLabel` names the host in the log. */
export function mountEndpointDiscovery(app: Express, deps: AlexaApiDeps, hostLabel?: string): void {
  app.get(DISCOVERY_PATH, (req: Request, res: Response) => {
    if (hostLabel) noteExchange(res, { to: hostLabel });
    const customer = authenticate(req, res, deps);
    if (!customer) return;
    const endpoints = deps.endpointsFor(customer);
    noteExchange(res, { note: `endpoints for ${customer.name}: ${endpoints.join(', ')}` });
    res.status(200).json({ endpoints });
  });
}

/** The enablement resource's body, as Amazon answers the enable and status calls. */
function enablementBody(enablement: Enablement, skillId: string): Record<string, unknown> {
  return {
    skill: { stage: enablement.stage, id: skillId },
    user: { id: enablement.skillUserId },
    accountLink: { status: enablement.link ? 'LINKED' : 'NOT_LINKED' },
    status: 'ENABLED',
  };
}

/**
 * Mounts the Skill Enablement API (POST enable + link, GET status, DELETE disable). Enabling with an
 * accountLinkRequest makes Alexa redeem the service's code at the skill's token URI, synchronously,
 * as Amazon does; a refused code answers 400 "Invalid account linking credentials".
 *
 * `accountLinkRequest.redirectUri` is, in Amazon's step 6, the "Redirect URI for your app": it must be
 * one of the skill's "Your Redirect URLs", and Alexa repeats it as redirect_uri when it redeems the code.
 * (Amazon does not document the error for another URI; the simulator answers 400 and says why.)
 */
export function mountSkillEnablement(app: Express, deps: AlexaApiDeps): void {
  const resolve = (req: Request, res: Response): { customer: Customer; skill: SkillConfig } | undefined => {
    const customer = authenticate(req, res, deps);
    if (!customer) return undefined;
    const skill = deps.skill();
    if (req.params.skillId !== skill.skillId) return void refuse(res, 404, `No skill ${String(req.params.skillId)} is available to this customer.`);
    return { customer, skill };
  };

  app.post(ENABLEMENT_PATH, express.json({ limit: '16kb' }), async (req: Request, res: Response) => {
    const context = resolve(req, res);
    if (!context) return;
    const { customer, skill } = context;
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return refuse(res, 400, 'The body must be a JSON object (Content-Type: application/json).');
    const { stage, accountLinkRequest } = body as { stage?: unknown; accountLinkRequest?: unknown };
    if (stage !== 'development' && stage !== 'live') return refuse(res, 400, 'stage must be "development" or "live".');
    if (stage === 'development' && !customer.tester) {
      return refuse(res, 403, 'The skill is in development and this customer is neither its developer nor a beta tester.');
    }
    if (accountLinkRequest === undefined) {
      const enablement = deps.links.enable(customer.id, stage);
      noteExchange(res, { note: `skill enabled for ${customer.name} without account linking` });
      return void res.status(201).json(enablementBody(enablement, skill.skillId));
    }
    if (typeof accountLinkRequest !== 'object' || accountLinkRequest === null) return refuse(res, 400, 'accountLinkRequest must be an object.');
    const request = accountLinkRequest as { redirectUri?: unknown; authCode?: unknown; type?: unknown };
    if (request.type !== 'AUTH_CODE') return refuse(res, 400, 'accountLinkRequest.type must be "AUTH_CODE".');
    if (typeof request.authCode !== 'string' || request.authCode === '') return refuse(res, 400, 'accountLinkRequest.authCode is required.');
    if (typeof request.redirectUri !== 'string' || request.redirectUri === '') return refuse(res, 400, 'accountLinkRequest.redirectUri is required.');
    if (!deps.appRedirectUrls().includes(request.redirectUri)) {
      return refuse(res, 400, 'accountLinkRequest.redirectUri must be one of the skill’s redirect URLs to your app (“Your Redirect URLs”).');
    }

    const outcome = await deps.tokenClient.redeem(request.authCode, request.redirectUri);
    if (!outcome.ok) {
      if (outcome.status !== undefined && outcome.status >= 400 && outcome.status < 500) {
        noteExchange(res, { note: `token endpoint refused the code (${outcome.reason})` });
        return void res.status(400).json({ message: 'Invalid account linking credentials' });
      }
      return refuse(res, 500, `Alexa could not reach the skill’s access token URI (${outcome.reason}).`);
    }
    const enablement = deps.links.link(customer.id, stage, outcome.tokens, 'app-to-app');
    noteExchange(res, { note: `skill enabled and account linked for ${customer.name}` });
    res.status(201).json(enablementBody(enablement, skill.skillId));
  });

  app.get(ENABLEMENT_PATH, (req: Request, res: Response) => {
    const context = resolve(req, res);
    if (!context) return;
    const enablement = deps.links.get(context.customer.id);
    if (!enablement) return refuse(res, 404, 'The skill is not enabled for this customer.');
    noteExchange(res, { note: `${enablement.link ? 'LINKED' : 'NOT_LINKED'}` });
    res.status(200).json(enablementBody(enablement, context.skill.skillId));
  });

  app.delete(ENABLEMENT_PATH, (req: Request, res: Response) => {
    const context = resolve(req, res);
    if (!context) return;
    const enablement = deps.disableSkill(context.customer);
    if (!enablement) return refuse(res, 404, 'The skill is not enabled for this customer.');
    noteExchange(res, { note: `skill disabled for ${context.customer.name}; Amazon tokens revoked` });
    res.status(204).end();
  });
}
