import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Express, Request, Response } from 'express';
import { s256 } from '../server/oauth/pkce';
import type { Customers } from './customers';
import { type EventLog, maskParams } from './events';
import { noteExchange } from './host';
import { randomValue } from './ids';
import { withParams } from './lwa/authority';
import { sendPage } from './pages';

/**
 * Where the simulated Alexa+ receives the authorization code. Amazon's add-on pages do not say which
 * redirect URL Alexa+ uses; this path is ours, registered with the service as ALEXA_PLUS_REDIRECT_URIS.
 */
export const ADDON_LINK_PATH = '/api/addon/link';
/** For people at a browser: starts the signed-in customer's add-on link, as the Alexa app's button would. */
export const ADDON_LINK_START_PATH = '/_simulator/link-addon';

/** The add-on as its developer registers it with Alexa+: the OAuth client and the MCP server. */
export interface AddonConfig {
  clientId: string;
  clientSecret: string;
  name: string;
  scopes: string[];
  /** The service's base URL (authorization and token URIs and /mcp live under it); set by connectService. */
  serviceUrl: string | undefined;
}

/** Tokens Alexa+ holds: its own service token (Tier 1) or a customer's (Tier 2). */
export interface AddonTokens {
  accessToken: string;
  refreshToken: string | undefined;
}

/** A tool call as Alexa+ saw it: the result, or the HTTP refusal (status and the body's description). */
export type ToolCallOutcome = { ok: true; result: CallToolResult } | { ok: false; status: number | undefined; message: string };

interface PendingLink {
  customerId: string;
  verifier: string;
}

/**
 * Alexa+ calling an MCP add-on, as Amazon's "Alexa+ MCP Authentication" page describes it: a
 * client_credentials token (Tier 1) for `initialize` and `tools/list`, and per customer an account link
 * by authorization code with PKCE S256 (Tier 2) whose token comes with every tool call, refreshed when
 * asked. The RFC 8707 `resource` (the MCP server's URL) is sent at authorize and token. MCP traffic
 * goes through the official SDK client; every exchange is written to the event log, masked.
 */
export class AlexaPlus {
  private readonly pending = new Map<string, PendingLink>();
  private readonly links = new Map<string, AddonTokens>();
  private serviceTokens: AddonTokens | undefined;
  /** One initialized SDK client per access token, as an MCP client keeps its connection; a new token, a new one. */
  private readonly sessions = new Map<string, Promise<Client>>();

  constructor(
    private readonly deps: { config: () => AddonConfig; customers: Customers; events: EventLog; redirectBase: () => string },
  ) {}

  /** The redirect URL to register with the service (ALEXA_PLUS_REDIRECT_URIS). */
  get redirectUri(): string {
    return `${this.deps.redirectBase()}${ADDON_LINK_PATH}`;
  }

  /** The MCP server's URL (the add-on's endpoint, and the `resource` of every token request). */
  get mcpUrl(): string {
    return `${this.serviceUrl()}/mcp`;
  }

  /** Tier 1: a client_credentials token for the add-on itself. */
  async obtainServiceToken(): Promise<AddonTokens> {
    const tokens = await this.tokenRequest({ grant_type: 'client_credentials', resource: this.mcpUrl }, 'service token');
    this.serviceTokens = tokens;
    return tokens;
  }

  /** Tier 1 discovery: `initialize` and `tools/list` with the service token; the tools' names. */
  async discoverTools(): Promise<{ server: string | undefined; tools: string[] }> {
    const token = this.serviceTokens ?? (await this.obtainServiceToken());
    const client = await this.session(token.accessToken);
    const tools = await client.listTools();
    return { server: client.getServerVersion()?.name, tools: tools.tools.map((t) => t.name) };
  }

  /** Tier 2 starts: the authorization URL the Alexa app opens for a customer (state, PKCE S256, resource). */
  authorizeUrl(customer?: string): string {
    const config = this.deps.config();
    const who = customer !== undefined ? this.deps.customers.get(customer) : this.deps.customers.current();
    const state = randomValue(24);
    const verifier = randomValue(48);
    this.pending.set(state, { customerId: who.id, verifier });
    return withParams(`${this.serviceUrl()}/oauth/authorize`, {
      client_id: config.clientId,
      response_type: 'code',
      scope: config.scopes.join(' ') || undefined,
      redirect_uri: this.redirectUri,
      state,
      code_challenge: s256(verifier),
      code_challenge_method: 'S256',
      resource: this.mcpUrl,
    });
  }

  /** The customer's tokens, when linked. */
  linkOf(customer: string): AddonTokens | undefined {
    return this.links.get(this.deps.customers.get(customer).id);
  }

  /** Calls a tool as the customer would through Alexa+: with the customer's token, or the service token when unlinked. */
  async callTool(customer: string, name: string, args: Record<string, unknown>): Promise<ToolCallOutcome> {
    const token = this.linkOf(customer) ?? this.serviceTokens ?? (await this.obtainServiceToken());
    try {
      const client = await this.session(token.accessToken);
      return { ok: true, result: (await client.callTool({ name, arguments: args })) as CallToolResult };
    } catch (error) {
      return refusal(error);
    }
  }

  /** Refreshes the customer's tokens (rotation: the new refresh token replaces the old). */
  async refresh(customer: string): Promise<AddonTokens> {
    const current = this.linkOf(customer);
    if (!current?.refreshToken) throw new Error(`${this.deps.customers.get(customer).name} has no add-on link to refresh`);
    const tokens = await this.tokenRequest({ grant_type: 'refresh_token', refresh_token: current.refreshToken, resource: this.mcpUrl }, 'refreshed');
    this.links.set(this.deps.customers.get(customer).id, tokens);
    return tokens;
  }

  /** Mounts the redirect path Alexa+ receives codes at. */
  mount(app: Express): void {
    app.get(ADDON_LINK_START_PATH, (_req: Request, res: Response) => {
      noteExchange(res, { from: 'browser', to: 'alexa.amazon.com', note: 'Link add-on pressed' });
      res.setHeader('Cache-Control', 'no-store');
      res.redirect(302, this.authorizeUrl());
    });
    app.get(ADDON_LINK_PATH, async (req: Request, res: Response) => {
      noteExchange(res, { from: 'browser', to: 'alexa.amazon.com' });
      const query = req.query as Record<string, unknown>;
      const text = (key: string) => (typeof query[key] === 'string' ? (query[key] as string) : undefined);
      const state = text('state');
      // Single use and issued by us: a forged or replayed redirect links nobody.
      const pending = state !== undefined ? this.pending.get(state) : undefined;
      if (!pending || state === undefined) return sendPage(res, 400, 'Alexa', 'This linking attempt is unknown or already finished.');
      this.pending.delete(state);
      const code = text('code');
      if (!code) {
        noteExchange(res, { note: `linking failed: error=${text('error') ?? 'no code'}` });
        return sendPage(res, 400, 'Alexa', `We were unable to link ${this.deps.config().name} at this time.`);
      }
      try {
        const tokens = await this.tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: this.redirectUri, code_verifier: pending.verifier, resource: this.mcpUrl }, 'user tokens');
        this.links.set(pending.customerId, tokens);
        noteExchange(res, { note: 'add-on account linked' });
        sendPage(res, 200, 'Alexa', `Your ${this.deps.config().name} account has been successfully linked to Alexa+.`);
      } catch (error) {
        noteExchange(res, { note: `linking failed: ${(error as Error).message}` });
        sendPage(res, 400, 'Alexa', `We were unable to link ${this.deps.config().name} at this time.`);
      }
    });
  }

  /** Closes every MCP client the simulator holds. */
  async close(): Promise<void> {
    const open = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.allSettled(open.map(async (client) => (await client).close()));
  }

  private session(token: string): Promise<Client> {
    let client = this.sessions.get(token);
    if (!client) {
      client = this.connect(token, 'Alexa+');
      // A refused connection is not kept: the next call tries again (and is refused again, or not).
      client.catch(() => this.sessions.delete(token));
      this.sessions.set(token, client);
    }
    return client;
  }

  private serviceUrl(): string {
    const url = this.deps.config().serviceUrl;
    if (!url) throw new Error('the add-on has no service URL yet: call connectService({ url })');
    return url;
  }

  private async tokenRequest(form: Record<string, string>, what: string): Promise<AddonTokens> {
    const config = this.deps.config();
    const url = `${this.serviceUrl()}/oauth/token`;
    const authorization = `Basic ${Buffer.from(`${encodeURIComponent(config.clientId)}:${encodeURIComponent(config.clientSecret)}`).toString('base64')}`;
    const pending = this.deps.events.begin({ from: 'Alexa+', to: 'service', method: 'POST', url, params: maskParams({ ...form, authorization }) });
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization }, body: new URLSearchParams(form).toString() });
    const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (response.status !== 200 || typeof json.access_token !== 'string') {
      const reason = `${String(json.error ?? `HTTP ${response.status}`)}${typeof json.error_description === 'string' ? `: ${json.error_description}` : ''}`;
      pending.finish({ status: response.status, note: reason });
      throw new Error(reason);
    }
    pending.finish({ status: 200, note: what });
    return { accessToken: json.access_token, refreshToken: typeof json.refresh_token === 'string' ? json.refresh_token : undefined };
  }

  /** The SDK client, connected (`initialize` done) with a bearer token; each HTTP exchange is logged. */
  private async connect(token: string, from: string): Promise<Client> {
    const events = this.deps.events;
    const logged: typeof fetch = async (input, init) => {
      const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { method?: string; params?: { name?: string } }) : undefined;
      const params = maskParams({ authorization: `Bearer ${token}`, rpc: body?.method, tool: body?.params?.name });
      const pending = events.begin({ from, to: 'service', method: init?.method ?? 'GET', url: String(input), params });
      const response = await fetch(input, init);
      pending.finish({ status: response.status, ...(response.status === 401 ? { note: response.headers.get('www-authenticate') ?? 'refused' } : {}) });
      return response;
    };
    const client = new Client({ name: 'alexa-plus-simulator', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(this.mcpUrl), { requestInit: { headers: { authorization: `Bearer ${token}` } }, fetch: logged }));
    return client;
  }
}

function refusal(error: unknown): ToolCallOutcome {
  const status = (error as { code?: unknown }).code;
  return { ok: false, status: typeof status === 'number' ? status : undefined, message: (error as Error).message };
}
