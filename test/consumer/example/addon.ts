import { createServer } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { callerOf, protectMcpServer, withLinkedUser } from 'linkwright/mcp';

const createPantryServer = (): McpServer => {
  const server = new McpServer({ name: 'acme-pantry', version: '1.0.0' });
  server.registerTool('opening_hours', { inputSchema: { store: z.string() } }, ({ store }, extra) => ({
    content: [{ type: 'text', text: `${store} opens at 8 (asked by ${callerOf(extra)?.kind ?? 'nobody'}).` }],
  }));
  server.registerTool(
    'reorder',
    { inputSchema: { item: z.string() } },
    withLinkedUser(({ item }: { item: string }, _extra, user) => ({ content: [{ type: 'text', text: `Reordered ${item} for ${user.id}.` }] }), {
      message: 'Link your Acme Pantry account in the Alexa app, then ask again.',
    }),
  );
  return server;
};

const mcp = protectMcpServer({
  createServer: createPantryServer,
  issuer: process.env.LINKWRIGHT_URL ?? 'https://link.example.com',
  resource: process.env.MCP_RESOURCE_URL ?? 'http://127.0.0.1:3002/mcp',
  // Revocations reach this server within revocationCheckMs (default 5 s); without it, at the token's expiry.
  tokens: { introspection: { clientId: 'acme-pantry-mcp', clientSecret: process.env.INTROSPECTION_CLIENT_SECRET ?? '' } },
});

createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (mcp.metadataPaths.includes(path)) return mcp.handleMetadata(req, res);
  if (path === mcp.path) return void mcp.handle(req, res);
  res.writeHead(404).end();
}).listen(Number(process.env.ADDON_PORT ?? 3002), '127.0.0.1');
