import { createServer, type Server } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { expect } from 'chai';
import { z } from 'zod';
import { ManualClock } from '../../../server/clock';
import { callerOf, protectMcpServer, type ProtectedMcpEndpoint, withLinkedUser } from '../../../kit/mcp';
import { createRider, PASSWORD, USERNAME } from '../../server/oauth/flow-helpers';
import { freePort } from '../../support/ports';
import { startTestService, type TestService } from '../../support/service';
import { failureOf, mcpClient, PLUS_ENV, serviceToken, textOf, userTokens } from './support';

const RESOURCE_SERVER = { clientId: 'mcp-resource-server', clientSecret: 'introspect-secret-0123456789abcdef' };
const REVOCATION_CHECK_MS = 5000;

/** A company's own MCP server, elsewhere than Linkwright, protected by the kit alone over node:http. */
function companyServer(): McpServer {
  const server = new McpServer({ name: 'company-addon', version: '0.1.0' });
  server.registerTool('whoami', { inputSchema: { greeting: z.string() } }, ({ greeting }, extra) => {
    const caller = callerOf(extra);
    return { content: [{ type: 'text', text: `${greeting}, ${caller?.kind === 'user' ? caller.user.id : `service ${caller?.clientId ?? 'nobody'}`}` }] };
  });
  server.registerTool(
    'my_orders',
    { inputSchema: { limit: z.number().int().min(1).max(10) } },
    withLinkedUser(({ limit }: { limit: number }, _extra, user) => ({ content: [{ type: 'text', text: `${limit} orders of ${user.id}` }] })),
  );
  return server;
}

async function listen(endpoint: () => ProtectedMcpEndpoint, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    const mcp = endpoint();
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (mcp.metadataPaths.includes(path)) return mcp.handleMetadata(req, res);
    if (path === mcp.path) return void mcp.handle(req, res);
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

describe('linkwright/mcp on a company\'s own MCP server (node:http), tokens from a Linkwright elsewhere', function () {
  this.timeout(20_000);
  let service: TestService;
  let clock: ManualClock;
  let strict: ProtectedMcpEndpoint;
  let quiet: ProtectedMcpEndpoint;
  let servers: Server[];
  let url: string;
  let quietUrl: string;
  let userId: string;

  before(async () => {
    clock = new ManualClock();
    const port = await freePort();
    url = `http://127.0.0.1:${port}/mcp`;
    service = await startTestService({
      clock,
      env: { ...PLUS_ENV, MCP_ENABLED: 'false', MCP_RESOURCE_URL: url, INTROSPECTION_CLIENT_ID: RESOURCE_SERVER.clientId, INTROSPECTION_CLIENT_SECRET: RESOURCE_SERVER.clientSecret },
    });
    userId = await createRider(service);
    const tokens = { introspection: RESOURCE_SERVER, revocationCheckMs: REVOCATION_CHECK_MS, clock };
    strict = protectMcpServer({ createServer: companyServer, issuer: service.url, resource: url, tokens });
    const quietPort = await freePort();
    quietUrl = `http://127.0.0.1:${quietPort}/mcp`;
    // A second resource would need tokens of its own; this one only shows the header left out.
    quiet = protectMcpServer({ createServer: companyServer, issuer: service.url, resource: quietUrl, tokens, challenge: false });
    servers = [await listen(() => strict, port), await listen(() => quiet, quietPort)];
  });
  after(async () => {
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
    await service.close();
  });

  it('serves its RFC 9728 metadata naming Linkwright as the authorization server', async () => {
    const origin = new URL(url).origin;
    const document = (await (await fetch(`${origin}/.well-known/oauth-protected-resource/mcp`)).json()) as Record<string, unknown>;
    expect(document).to.deep.equal({ resource: url, authorization_servers: [service.url], bearer_methods_supported: ['header'] });
    expect(strict.metadataUrl).to.equal(`${origin}/.well-known/oauth-protected-resource/mcp`);
    expect((await fetch(`${origin}/.well-known/oauth-protected-resource`, { method: 'POST' })).status).to.equal(405);
  });

  it('hands each tool the caller: the linked user for a user token, the client for a service token', async () => {
    const user = await userTokens(service, USERNAME, PASSWORD, url);
    const asUser = await mcpClient(url, user.access);
    expect(textOf(await asUser.callTool({ name: 'whoami', arguments: { greeting: 'Hello' } }))).to.equal(`Hello, ${userId}`);
    expect(textOf(await asUser.callTool({ name: 'my_orders', arguments: { limit: 3 } }))).to.equal(`3 orders of ${userId}`);
    await asUser.close();

    const asService = await mcpClient(url, await serviceToken(service, url));
    expect(textOf(await asService.callTool({ name: 'whoami', arguments: { greeting: 'Hi' } }))).to.equal('Hi, service alexa-plus-test');
    const refused = await asService.callTool({ name: 'my_orders', arguments: { limit: 3 } });
    expect(refused.isError).to.equal(true);
    expect(textOf(refused)).to.match(/Link your account to this add-on in the Alexa app/);
    // Bad arguments are the SDK's own MCP error, not a crash.
    const invalid = await asService.callTool({ name: 'my_orders', arguments: { limit: 'many' } });
    expect(invalid.isError).to.equal(true);
    await asService.close();
  });

  it('sees a revocation through introspection within revocationCheckMs', async () => {
    const user = await userTokens(service, USERNAME, PASSWORD, url);
    const client = await mcpClient(url, user.access);
    expect(textOf(await client.callTool({ name: 'whoami', arguments: { greeting: 'Hey' } }))).to.equal(`Hey, ${userId}`);
    await service.services.revocations.revokeUser(userId, 'revoked by the user');
    clock.advance(REVOCATION_CHECK_MS);
    const message = await failureOf(client.callTool({ name: 'whoami', arguments: { greeting: 'Hey' } }));
    expect(message).to.match(/^401 /).and.include('has been revoked');
  });

  it('leaves the WWW-Authenticate challenge out when asked to, and still answers 401 with the reason', async () => {
    const quietToken = await serviceToken(service, url);
    const answer = await fetch(quietUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${quietToken}` }, body: '{}' });
    expect(answer.status).to.equal(401);
    expect(answer.headers.get('www-authenticate')).to.equal(null);
    expect(((await answer.json()) as { error_description: string }).error_description).to.match(/not for this MCP server/);
    const missing = await fetch(quietUrl, { method: 'POST', body: '{}' });
    expect(missing.status).to.equal(401);
    expect(missing.headers.get('www-authenticate')).to.equal(null);
    const strictMissing = await fetch(url, { method: 'POST', body: '{}' });
    expect(strictMissing.headers.get('www-authenticate')).to.equal(`Bearer resource_metadata="${strict.metadataUrl}"`);
  });

  it('refuses a body over the limit by its length before verifying anything, and DELETE with 405', async () => {
    const big = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(1024 * 1024 + 1) });
    expect(big.status).to.equal(413);
    // Chunked, with a valid token: the SDK's read stops at the same limit.
    const token = await serviceToken(service, url);
    const chunk = new TextEncoder().encode(`{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"pad":"${'x'.repeat(600 * 1024)}`);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(chunk);
        controller.enqueue(chunk);
        controller.close();
      },
    });
    const chunked = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}` },
      body: stream,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    expect(chunked.status).to.equal(413);
    const del = await fetch(url, { method: 'DELETE' });
    expect(del.status).to.equal(405);
    expect(del.headers.get('allow')).to.equal('POST');
  });

  it('builds no MCP server for a flood of requests without a valid token', async () => {
    let built = 0;
    const counted = protectMcpServer({
      createServer: () => {
        built += 1;
        return companyServer();
      },
      issuer: service.url,
      resource: url,
      tokens: { clock },
    });
    const port = await freePort();
    const server = await listen(() => counted, port);
    try {
      const target = `http://127.0.0.1:${port}/mcp`;
      const answers = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          fetch(target, { method: 'POST', headers: { 'content-type': 'application/json', ...(i % 2 ? { authorization: `Bearer x${i}.y.z` } : {}) }, body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' }),
        ),
      );
      expect([...new Set(answers.map((a) => a.status))]).to.deep.equal([401]);
      expect(built).to.equal(0);
      const valid = await serviceToken(service, url);
      const client = await mcpClient(target, valid);
      await client.close();
      expect(built, 'a valid token does reach the SDK').to.be.greaterThan(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('answers a JSON-RPC internal error, never a rejection, when the host\'s server factory throws, and tells onError', async () => {
    const failures: unknown[] = [];
    const broken = protectMcpServer({
      createServer: () => {
        throw new Error('database down');
      },
      issuer: service.url,
      resource: url,
      tokens: { clock },
      onError: (error) => failures.push(error),
    });
    const port = await freePort();
    const server = await listen(() => broken, port);
    try {
      const answer = await fetch(`http://127.0.0.1:${port}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${await serviceToken(service, url)}` },
        body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
      });
      expect(answer.status).to.equal(500);
      expect(await answer.json()).to.deep.equal({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal error.' }, id: null });
      expect(failures.map((e) => (e as Error).message)).to.deep.equal(['database down']);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('refuses options it cannot work with', () => {
    expect(() => protectMcpServer({ createServer: companyServer, issuer: service.url, resource: `${url}#x` })).to.throw(/fragment/);
    expect(() => protectMcpServer({ issuer: service.url, resource: url } as unknown as Parameters<typeof protectMcpServer>[0])).to.throw(/createServer/);
  });
});
