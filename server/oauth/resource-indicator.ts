/**
 * RFC 8707 resource indicators. Each client's tokens have one audience (this service, or for an Alexa+
 * add-on the MCP server), fixed at registration; a `resource` sent at the authorization or token
 * endpoint is accepted when it names exactly that audience and refused with invalid_target otherwise,
 * so no request can obtain a token for a server its client was not registered for.
 */
export function resourceProblem(resource: string | undefined, audience: string): { description: string; reason: string } | undefined {
  if (resource === undefined) return undefined;
  if (resource === audience) return undefined;
  // The issuer is written without a trailing slash; a client that adds one means the same server.
  if (resource.replace(/\/+$/, '') === audience) return undefined;
  return {
    description: `The resource "${resource.slice(0, 200)}" is not one this server issues tokens for; this client's tokens are for ${audience}.`,
    reason: `resource ${resource.slice(0, 200)} is not the client's audience ${audience}`,
  };
}
