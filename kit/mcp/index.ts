/**
 * `linkwright/mcp`: protect an MCP server built with the official `@modelcontextprotocol/sdk` with
 * Linkwright's tokens, for an Alexa+ add-on (or any MCP client). Service tokens (client_credentials,
 * Amazon's Tier 1) and user tokens (the account link, Tier 2) are told apart; each tool learns the
 * linked user, or that there is none. Importing this module starts nothing and fetches nothing.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
 * import { z } from 'zod';
 * import { protectMcpServer, withLinkedUser } from 'linkwright/mcp';
 *
 * const createServer = () => {
 *   const server = new McpServer({ name: 'ride-hailer', version: '1.0.0' });
 *   server.registerTool('order_ride', { inputSchema: { city: z.string() } },
 *     withLinkedUser(async ({ city }, _extra, user) => ({ content: [{ type: 'text', text: `A car is on its way in ${city}, ${user.id}.` }] })));
 *   return server;
 * };
 * const mcp = protectMcpServer({ issuer: 'https://link.example.com', resource: 'https://mcp.example.com/mcp', createServer });
 * const app = express();
 * app.all(mcp.path, (req, res) => void mcp.handle(req, res)); // never rejects: failures go to onError
 * app.get(mcp.metadataPaths, (req, res) => mcp.handleMetadata(req, res));
 * ```
 * @packageDocumentation
 */
export { protectMcpServer, type McpProtectionOptions, type ProtectedMcpEndpoint } from './protect';
export {
  ACCOUNT_NOT_LINKED,
  authInfoFor,
  callerOf,
  DEFAULT_LINK_MESSAGE,
  linkedUserOf,
  withLinkedUser,
  type McpCaller,
  type McpLinkedUser,
  type McpRequestExtra,
  type WithLinkedUserOptions,
} from './caller';
