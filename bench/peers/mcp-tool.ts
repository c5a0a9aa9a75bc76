/** The tool both MCP bench servers serve: what order_ride does once it knows (or is told) the rider. */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { RideCatalogue } from '../../server/skill/rides';

const rides = new RideCatalogue();
export const ORDER_RIDE_INPUT = { city: z.string().min(1).max(100), destination: z.string().min(1).max(200).optional() };

/** Books the demo ride for a rider (the same text as the demo add-on's). */
export function bookRide(riderId: string, city: string, destination: string | undefined): CallToolResult {
  const to = destination ? ` to ${destination}` : '';
  return { content: [{ type: 'text', text: `Your ride${to} is booked: a car will pick you up in ${city} in ${rides.etaMinutes(`${riderId}:${city}`)} minutes.` }] };
}

/** An McpServer with order_ride registered by `register` (each peer adds its own way of knowing the rider). */
export function rideServer(register: (server: McpServer) => void): McpServer {
  const server = new McpServer({ name: 'ride-hailer-bench', version: '1.0.0' });
  register(server);
  return server;
}
