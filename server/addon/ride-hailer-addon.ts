import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { withLinkedUser } from '../../kit/mcp';
import { RideCatalogue } from '../skill/rides';

/** The demo add-on's name and version, as `initialize` reports them. */
export const RIDE_HAILER_ADDON = { name: 'ride-hailer', version: '1.0.0' } as const;

/** What `order_ride` answers a caller with no linked account (a service token). */
export const LINK_FIRST = 'To order a ride, link your Ride Hailer account to the Ride Hailer add-on in the Alexa app, then ask again.';

/**
 * The demo "Ride Hailer" Alexa+ add-on, built from the public kit alone (linkwright/mcp) as a company
 * would build its own: `rides_available` answers anyone, a service token included; `order_ride` needs
 * the linked user and tells anyone else to link. One server per request (the kit runs stateless).
 */
export function createRideHailerAddon(rides: RideCatalogue = new RideCatalogue()): () => McpServer {
  return () => {
    const server = new McpServer(RIDE_HAILER_ADDON);
    server.registerTool(
      'rides_available',
      {
        title: 'Rides available',
        description: 'Whether Ride Hailer operates in a city, and how far away the nearest car is. Needs no account.',
        inputSchema: { city: z.string().min(1).max(100).describe('The city, e.g. Seattle') },
        annotations: { readOnlyHint: true },
      },
      ({ city }) => ({
        content: [
          {
            type: 'text',
            text: rides.operatesIn(city)
              ? `Rides are available in ${city}: the nearest car is ${rides.etaMinutes(city)} minutes away.`
              : `Ride Hailer does not operate in ${city} yet.`,
          },
        ],
      }),
    );
    server.registerTool(
      'order_ride',
      {
        title: 'Order a ride',
        description: "Orders a ride for the user in a city, on the user's linked Ride Hailer account.",
        inputSchema: {
          city: z.string().min(1).max(100).describe('Where to be picked up'),
          destination: z.string().min(1).max(200).optional().describe('Where to go'),
        },
      },
      withLinkedUser(
        ({ city, destination }: { city: string; destination?: string | undefined }, _extra, user) => {
          if (!rides.operatesIn(city)) return { isError: true, content: [{ type: 'text', text: `Ride Hailer does not operate in ${city} yet, so no ride was ordered.` }] };
          const eta = rides.etaMinutes(`${user.id}:${city}`);
          const to = destination ? ` to ${destination}` : '';
          return { content: [{ type: 'text', text: `Your ride${to} is booked: a car will pick you up in ${city} in ${eta} minutes.` }] };
        },
        { message: LINK_FIRST },
      ),
    );
    return server;
  };
}
