/**
 * Ours for the MCP case: the same SDK server and tool behind linkwright/mcp on node:http, each call
 * carrying a Linkwright user token (ES256, audience the MCP server) that the kit verifies (pinned
 * algorithm, issuer, audience, expiry, the revocation hook) before the SDK sees the request, and the
 * tool reading the linked user. The child is its own issuer: it serves the authorization server
 * metadata and JWKS the kit's verifier downloads once, and mints user tokens for the bench over IPC.
 */
import { createServer } from 'node:http';
import { protectMcpServer, withLinkedUser } from '../../kit/mcp';
import { systemClock } from '../../server/clock';
import { AccessTokens } from '../../server/oauth/access-tokens';
import { KeyRing } from '../../server/oauth/keys';
import { serveChild } from './child';
import { bookRide, ORDER_RIDE_INPUT, rideServer } from './mcp-tool';

const port = Number(process.env.PORT ?? '0');
const issuer = `http://127.0.0.1:${port}`;
const resource = `${issuer}/mcp`;
const keys = KeyRing.generate();
const tokens = new AccessTokens(keys, issuer, 3600, systemClock, () => resource);
/** Revoked grants, as a host's own check would see them (kept in memory: this bench measures the kit, not a store). */
const revoked = new Set<string>();

const createRideServer = () =>
  rideServer((server) =>
    server.registerTool(
      'order_ride',
      { inputSchema: ORDER_RIDE_INPUT },
      withLinkedUser(({ city, destination }: { city: string; destination?: string | undefined }, _extra, user) => bookRide(user.id, city, destination)),
    ),
  );
const mcp = protectMcpServer({ createServer: createRideServer, issuer, resource, tokens: { isRevoked: (claims) => revoked.has(claims.sid ?? '') } });
const metadata = JSON.stringify({ issuer, jwks_uri: `${issuer}/oauth/jwks`, token_endpoint: `${issuer}/oauth/token` });
const jwks = JSON.stringify(keys.jwks());

const server = createServer((req, res) => {
  const path = req.url ?? '/';
  if (path === '/mcp') return void mcp.handle(req, res);
  if (path === '/.well-known/oauth-authorization-server') return void res.writeHead(200, { 'content-type': 'application/json' }).end(metadata);
  if (path === '/oauth/jwks') return void res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
  res.writeHead(404).end();
});
void serveChild(server, {
  /** User tokens for `count` riders, one each, as Linkwright signs them for an Alexa+ client. */
  mintUserTokens: (count: number) =>
    Array.from({ length: count }, (_, i) => tokens.sign({ userId: `bench-rider-${i}`, clientId: 'alexa-plus-bench', scope: 'profile', familyId: `bench-family-${i}` }).token),
});
