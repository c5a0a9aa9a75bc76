import { type Request, type Response, Router } from 'express';
import { protectMcpServer, type ProtectedMcpEndpoint } from '../../kit/mcp';
import type { Services } from '../services';
import { createRideHailerAddon } from './ride-hailer-addon';

/**
 * The kit-protected demo add-on for this deployment: tokens from this service for MCP_RESOURCE_URL,
 * revocation asked of the store on every call (the same process writes it, so it is seen at once).
 */
export function rideHailerEndpoint(services: Services): ProtectedMcpEndpoint {
  const { settings } = services;
  return protectMcpServer({
    createServer: createRideHailerAddon(),
    issuer: settings.publicUrl,
    resource: settings.addon.resourceUrl,
    challenge: settings.addon.challenge,
    scopesSupported: [...new Set(services.clients.all().filter((c) => c.kind === 'alexa-plus').flatMap((c) => c.scopes))],
    resourceName: 'Ride Hailer',
    tokens: {
      isRevoked: (claims) => services.revocations.isRevoked({ sid: claims.sid ?? '' }),
      clock: { now: () => services.clock.now() },
    },
    onRefused: ({ status, reason }) => services.log.info({ event: 'mcp.refused', status, reason }, 'MCP request refused'),
    onError: (error) => services.log.error({ event: 'mcp.failed', err: error }, 'MCP request failed'),
  });
}

/**
 * The demo Alexa+ add-on at /mcp and its RFC 9728 metadata, when MCP_ENABLED (development by default).
 * No body parser: the SDK reads the body itself, so malformed JSON is a JSON-RPC error.
 */
export function addonRouter(services: Services): Router {
  const router = Router();
  if (!services.settings.addon.enabled) return router;
  const endpoint = rideHailerEndpoint(services);
  router.get(endpoint.metadataPaths as string[], (req: Request, res: Response) => endpoint.handleMetadata(req, res));
  // handle never rejects (failures go to onError and a JSON-RPC internal error).
  router.all(endpoint.path, (req: Request, res: Response) => void endpoint.handle(req, res));
  return router;
}
