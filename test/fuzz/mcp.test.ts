import { expect } from 'chai';
import { startTestService, type TestService } from '../support/service';
import { createRider, PASSWORD, USERNAME } from '../server/oauth/flow-helpers';
import { mcpClient, PLUS_ENV, serviceToken, textOf, userTokens } from '../kit/mcp/support';
import { type BaseFor, FACE_TIMEOUT_MS, expectNoServerErrors, totals } from './support';
import { MCP_ENDPOINTS } from './endpoints';

const ACCEPT: [string, string] = ['Accept', 'application/json, text/event-stream'];

describe('fuzz: the Alexa+ add-on (MCP through linkwright/mcp) and its metadata', function () {
  this.timeout(FACE_TIMEOUT_MS);
  let service: TestService;
  const endpoints = new Map<string, BaseFor>();

  before(async () => {
    service = await startTestService({ env: PLUS_ENV });
    await createRider(service);
    const user = await userTokens(service, USERNAME, PASSWORD);
    const tier1 = await serviceToken(service);
    const call = (prng: Parameters<BaseFor>[0]) => ({
      jsonrpc: '2.0',
      id: prng.int(1000),
      method: 'tools/call',
      params: { name: prng.pick(['order_ride', 'rides_available']), arguments: { city: prng.pick(['Seattle', 'Atlantis']), destination: 'the airport' } },
    });
    endpoints.set('POST /mcp (user token, tools/call)', (prng) => ({
      method: 'POST',
      path: '/mcp',
      headers: [['Authorization', `Bearer ${user.access}`], ACCEPT],
      body: { kind: 'json', value: call(prng) },
    }));
    endpoints.set('POST /mcp (service token, initialize or tools/list)', (prng) => ({
      method: 'POST',
      path: '/mcp',
      headers: [['Authorization', `Bearer ${tier1}`], ACCEPT],
      body: {
        kind: 'json',
        value: prng.chance(0.5)
          ? { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'fuzz', version: '1' } } }
          : { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      },
    }));
    endpoints.set('GET /.well-known/oauth-protected-resource', () => ({ method: 'GET', path: '/.well-known/oauth-protected-resource' }));
    endpoints.set('GET /.well-known/oauth-protected-resource/mcp', () => ({ method: 'GET', path: '/.well-known/oauth-protected-resource/mcp' }));
  });
  after(async () => {
    console.log(`      mcp: ${totals.sent} fuzz requests so far, ${totals.failures} failures`);
    await service?.close();
  });

  const errorLines = (): Array<Record<string, unknown>> => service.logs.lines.filter((line) => (line.level as number) >= 50);

  for (const name of MCP_ENDPOINTS) {
    it(`${name}: no 5xx and no unanswered request`, async () => {
      await expectNoServerErrors(service.url, name, endpoints.get(name) as BaseFor, errorLines);
    });
  }

  it('still serves the add-on afterwards', async () => {
    const client = await mcpClient(`${service.url}/mcp`, await serviceToken(service));
    expect(textOf(await client.callTool({ name: 'rides_available', arguments: { city: 'Seattle' } }))).to.match(/^Rides are available/);
    await client.close();
  });
});
