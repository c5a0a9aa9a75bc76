/**
 * Reference for the MCP case: the official SDK's stateless Streamable HTTP server on node:http with
 * the same order_ride tool, verifying nothing (every caller is the same rider). What linkwright/mcp
 * adds (bearer verification, the linked user per call) is measured against it.
 */
import { createServer } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { serveChild } from './child';
import { bookRide, ORDER_RIDE_INPUT, rideServer } from './mcp-tool';

const createRideServer = () => rideServer((server) => server.registerTool('order_ride', { inputSchema: ORDER_RIDE_INPUT }, ({ city, destination }) => bookRide('anyone', city, destination)));

const server = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/mcp') {
    res.writeHead(404).end();
    return;
  }
  const mcp = createRideServer();
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  res.on('close', () => {
    void transport.close();
    void mcp.close();
  });
  void mcp.connect(transport).then(() => transport.handleRequest(req, res));
});
void serveChild(server);
