import { ENTRIES } from '../lib/compile';
import type { LoadPlan } from '../lib/load';
import { startPeer } from './peer-service';
import type { BenchCase } from './types';

const MCP_PATH = '/mcp';

/** A tools/call answered with the booked ride (JSON, not an error result). */
function isBooked(status: number, body: string): boolean {
  return status === 200 && body.includes('is booked') && !body.includes('"isError":true');
}

/** Each connection posts the same tools/call, with its own rider's bearer token when given. */
function toolCallPlan(tokens: string[] | undefined): LoadPlan {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'order_ride', arguments: { city: 'Seattle', destination: 'the airport' } } });
  return {
    check: isBooked,
    requests: (connection) => [
      {
        method: 'POST',
        path: MCP_PATH,
        body,
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': '2025-11-25',
          ...(tokens ? { authorization: `Bearer ${tokens[connection % tokens.length] as string}` } : {}),
        },
      },
    ],
  };
}

/** Ours: tools/call with a valid user token through linkwright/mcp (verification, the linked user). */
export const ourMcpToolCall: BenchCase = {
  id: 'ours.mcp-tool-call',
  title: 'linkwright/mcp tools/call (user token verified, SDK stateless)',
  kind: 'ours',
  group: 'mcp',
  byDefault: true,
  start: async (context) => {
    const { server, url } = await startPeer(context, 'linkwright/mcp', ENTRIES.mcpLinkwright);
    return {
      server,
      url,
      close: () => server.stop(),
      plan: async (connections) => toolCallPlan(await server.call<string[]>('mintUserTokens', connections)),
    };
  },
};

/** Reference: the same call on the bare SDK server, which verifies nothing. */
export const bareMcpToolCall: BenchCase = {
  id: 'ceiling.mcp-bare',
  title: 'bare MCP SDK tools/call (no verification, stateless)',
  kind: 'ceiling',
  group: 'mcp',
  byDefault: true,
  start: async (context) => {
    const { server, url } = await startPeer(context, 'bare MCP SDK', ENTRIES.mcpBare);
    return { server, url, close: () => server.stop(), plan: async () => toolCallPlan(undefined) };
  },
};
