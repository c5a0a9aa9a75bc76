import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
// The verifier's modules, not the tokens entry point: that one also brings the express middleware's types.
import type { LinkwrightAccessTokenClaims } from '../tokens/verifier';

/** The `gty` claim Linkwright puts on client_credentials tokens: no user behind them. */
const SERVICE_GRANT = 'client_credentials';

/** The user an MCP request acts for: the Linkwright account the Alexa+ user linked. */
export interface McpLinkedUser {
  /** The user's Linkwright account id (`sub`): stable, the same one the classic skill sees. */
  id: string;
  /** The OAuth client the token was issued to (the Alexa+ add-on's). */
  clientId: string;
  /** The scopes the user granted. */
  scopes: string[];
  /** Every claim of the access token, as signed. */
  claims: LinkwrightAccessTokenClaims;
}

/**
 * Who is calling: a linked user (Tier 2, authorization code) or the add-on's platform itself with a
 * service token (Tier 1, client_credentials: health checks, `initialize`, `tools/list`), which acts for
 * nobody.
 */
export type McpCaller = { kind: 'user'; user: McpLinkedUser } | { kind: 'service'; clientId: string; scopes: string[] };

/** What a tool callback receives as its last argument, as far as the kit reads it (the SDK's RequestHandlerExtra). */
export interface McpRequestExtra {
  /** What the kit verified: the token, its client and scopes, and in `extra.linkwright` the {@link McpCaller}. */
  authInfo?: AuthInfo | undefined;
}

/** The error code a refused tool call carries in `_meta`, so a client (or a test) can tell it from a tool's own failure. */
export const ACCOUNT_NOT_LINKED = 'account_not_linked';

/** What a tool needing a user answers a service token, unless {@link WithLinkedUserOptions.message} says otherwise. */
export const DEFAULT_LINK_MESSAGE = 'This needs your account. Link your account to this add-on in the Alexa app, then ask again.';

/** Builds the AuthInfo the kit hands the SDK for a verified token (exported for tests of custom wiring). */
export function authInfoFor(token: string, claims: LinkwrightAccessTokenClaims, resource: URL): AuthInfo {
  const scopes = (claims.scope ?? '').split(' ').filter(Boolean);
  const caller: McpCaller =
    claims.gty === SERVICE_GRANT
      ? { kind: 'service', clientId: claims.client_id, scopes }
      : { kind: 'user', user: { id: claims.sub, clientId: claims.client_id, scopes, claims } };
  return { token, clientId: claims.client_id, scopes, expiresAt: claims.exp, resource, extra: { linkwright: caller } };
}

/**
 * The caller of this MCP request, read from the SDK's `extra.authInfo` that the kit filled in;
 * undefined when the request did not come through {@link protectMcpServer}.
 */
export function callerOf(extra: McpRequestExtra): McpCaller | undefined {
  const value = extra.authInfo?.extra?.linkwright as McpCaller | undefined;
  return value?.kind === 'user' || value?.kind === 'service' ? value : undefined;
}

/** The linked user of this MCP request, or undefined for a service token (or an unprotected request). */
export function linkedUserOf(extra: McpRequestExtra): McpLinkedUser | undefined {
  const caller = callerOf(extra);
  return caller?.kind === 'user' ? caller.user : undefined;
}

/** Options of {@link withLinkedUser}. */
export interface WithLinkedUserOptions {
  /** What the user hears when no account is linked; default {@link DEFAULT_LINK_MESSAGE}. Name your product in it. */
  message?: string;
}

/**
 * Wraps a tool callback that needs a linked user. With a user token the callback runs with the user as
 * its third argument; with a service token (or none) it does not run, and the call answers a tool
 * result with `isError: true`, a message asking the user to link the account, and
 * `_meta["linkwright/error"] = "account_not_linked"`: an MCP answer Alexa+ can speak, never a crash.
 *
 * @example
 * ```ts
 * server.registerTool('order_ride', { inputSchema: { city: z.string() } },
 *   withLinkedUser(async ({ city }, _extra, user) => ({ content: [{ type: 'text', text: `Booked in ${city} for ${user.id}` }] })));
 * ```
 */
export function withLinkedUser<Args, Extra extends McpRequestExtra>(
  handler: (args: Args, extra: Extra, user: McpLinkedUser) => CallToolResult | Promise<CallToolResult>,
  options: WithLinkedUserOptions = {},
): (args: Args, extra: Extra) => Promise<CallToolResult> {
  const message = options.message ?? DEFAULT_LINK_MESSAGE;
  return async (args, extra) => {
    const user = linkedUserOf(extra);
    if (!user) return { isError: true, content: [{ type: 'text', text: message }], _meta: { 'linkwright/error': ACCOUNT_NOT_LINKED } };
    return handler(args, extra, user);
  };
}
