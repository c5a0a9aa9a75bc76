import type { Express, Request, Response } from 'express';
import { s256 } from '../../server/oauth/pkce';
import type { Customer, Customers } from '../customers';
import { noteExchange } from '../host';
import { randomValue } from '../ids';
import { withParams } from '../lwa/authority';
import { sendPage } from '../pages';
import type { Enablement, SkillLinks, SkillStage } from './links';
import { requireServiceUrl, type SkillConfig } from './skill-config';
import type { AccountLinkingClient } from './token-client';

/** Alexa's redirect path shape: https://pitangui.amazon.com/api/skill/link/{vendorId}. */
export const WEB_LINK_PATH = '/api/skill/link/:vendorId';
/**
 * A convenience for people at a browser: starts web linking for the signed-in customer as the Alexa
 * app's "Link account" button would, by redirecting to the service's authorization page.
 */
export const WEB_LINK_START_PATH = '/_simulator/link-account';

export interface AuthorizeOptions {
  /** The state to send; a fresh random one by default (Alexa's are opaque). */
  state?: string;
  /** Send PKCE parameters (default: the skill's pkce setting). */
  pkce?: boolean;
  /** Which Amazon customer is linking (default: the signed-in one). */
  customer?: string;
  /** The redirect URI to send (default: the simulator's own /api/skill/link/{vendorId}). */
  redirectUri?: string;
  /** Scopes to ask for (default: the skill's scopes). */
  scope?: string[];
  /** Stage the link enables (default development). */
  stage?: SkillStage;
}

/** How a web-linking attempt ended. */
export interface WebLinkResult {
  linked: boolean;
  customer: Customer | undefined;
  /** Why it failed, in one line (undefined on success). */
  reason: string | undefined;
  enablement: Enablement | undefined;
}

interface PendingLink {
  customerId: string;
  redirectUri: string;
  codeVerifier: string | undefined;
  stage: SkillStage;
}

/**
 * Standard (web) account linking as the Alexa app does it: open the service's authorization URI with
 * a state (and PKCE), receive ?code&state at Alexa's redirect path, redeem the code at the token URI
 * with the configured client authentication, and keep the tokens.
 */
export class WebLinking {
  private readonly pending = new Map<string, PendingLink>();

  constructor(
    private readonly deps: {
      skill: () => SkillConfig;
      customers: Customers;
      links: SkillLinks;
      tokenClient: AccountLinkingClient;
      /** Base URL of the simulated host that serves Alexa's redirect path. */
      redirectBase: () => string;
    },
  ) {}

  /** The simulator's Alexa redirect URL for the skill's vendor id (give it to the service's OAUTH_REDIRECT_URIS). */
  get redirectUri(): string {
    return `${this.deps.redirectBase()}/api/skill/link/${this.deps.skill().vendorId}`;
  }

  /** The URL of the service's authorization page Alexa would open; remembers state and verifier. */
  authorizeUrl(options: AuthorizeOptions = {}): string {
    const skill = this.deps.skill();
    const customer = options.customer !== undefined ? this.deps.customers.get(options.customer) : this.deps.customers.current();
    const state = options.state ?? randomValue(24);
    if (this.pending.has(state)) throw new Error('this state is already waiting for a redirect');
    const redirectUri = options.redirectUri ?? this.redirectUri;
    const pkce = options.pkce ?? skill.pkce;
    const codeVerifier = pkce ? randomValue(48) : undefined;
    this.pending.set(state, { customerId: customer.id, redirectUri, codeVerifier, stage: options.stage ?? 'development' });
    return withParams(requireServiceUrl(skill, 'authorizeUrl'), {
      client_id: skill.clientId,
      response_type: 'code',
      scope: (options.scope ?? skill.scopes).join(' ') || undefined,
      redirect_uri: redirectUri,
      state,
      code_challenge: codeVerifier === undefined ? undefined : s256(codeVerifier),
      code_challenge_method: codeVerifier === undefined ? undefined : 'S256',
    });
  }

  /**
   * Finishes a link from the URL the service redirected the browser to (any host: the simulator's
   * redirect path, or pitangui/layla/alexa.amazon.co.jp when a test stops at the Location header).
   */
  async complete(callbackUrl: string): Promise<WebLinkResult> {
    const params = new URL(callbackUrl).searchParams;
    return this.finish({ state: params.get('state') ?? undefined, code: params.get('code') ?? undefined, error: params.get('error') ?? undefined });
  }

  /** Mounts Alexa's redirect path (answering with Alexa's success or failure page) and the start link. */
  mount(app: Express): void {
    app.get(WEB_LINK_START_PATH, (_req: Request, res: Response) => {
      noteExchange(res, { from: 'browser', to: 'alexa.amazon.com', note: 'Link account pressed' });
      res.setHeader('Cache-Control', 'no-store');
      res.redirect(302, this.authorizeUrl());
    });

    app.get(WEB_LINK_PATH, async (req: Request, res: Response) => {
      noteExchange(res, { from: 'browser', to: 'pitangui.amazon.com' });
      const skill = this.deps.skill();
      if (req.params.vendorId !== skill.vendorId) {
        noteExchange(res, { note: 'unknown vendor id' });
        return sendPage(res, 404, 'Alexa', 'This account linking page belongs to another vendor.');
      }
      const query = req.query as Record<string, unknown>;
      const text = (name: string) => (typeof query[name] === 'string' ? (query[name] as string) : undefined);
      const result = await this.finish({ state: text('state'), code: text('code'), error: text('error') });
      if (result.linked) {
        noteExchange(res, { note: `account linked for ${result.customer?.name ?? 'customer'}` });
        return sendPage(res, 200, 'Alexa', `Your ${skill.name} account has been successfully linked.`);
      }
      noteExchange(res, { note: `linking failed: ${result.reason ?? 'unknown'}` });
      sendPage(res, 400, 'Alexa', `We were unable to link ${skill.name} at this time.`);
    });
  }

  private async finish(input: { state: string | undefined; code: string | undefined; error: string | undefined }): Promise<WebLinkResult> {
    const failed = (reason: string, customer?: Customer): WebLinkResult => ({ linked: false, customer, reason, enablement: undefined });
    // The state is single use and must be one Alexa issued: it ties the redirect to the customer who
    // started linking, so a forged or replayed redirect cannot link someone else's account.
    const pending = input.state !== undefined ? this.pending.get(input.state) : undefined;
    if (!pending || input.state === undefined) return failed('the state is missing, unknown or already used');
    this.pending.delete(input.state);
    const customer = this.deps.customers.find(pending.customerId);
    if (!customer) return failed('the customer no longer exists');
    if (input.error !== undefined) return failed(`the authorization server returned error=${input.error}`, customer);
    if (!input.code) return failed('the redirect carried no code', customer);
    const outcome = await this.deps.tokenClient.redeem(input.code, pending.redirectUri, pending.codeVerifier);
    if (!outcome.ok) return failed(`the token endpoint refused: ${outcome.reason}`, customer);
    const enablement = this.deps.links.link(customer.id, pending.stage, outcome.tokens, 'web');
    return { linked: true, customer, reason: undefined, enablement };
  }
}
