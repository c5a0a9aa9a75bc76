import type { EnvReader } from '../config/env';

/** Where the service serves MCP (the demo Alexa+ add-on) and its protected-resource metadata. */
export const MCP_PATH = '/mcp';

/** Settings of the Alexa+ add-on: the MCP server Alexa+ calls, and who its tokens are for. */
export interface AddonSettings {
  /** Serve the demo Ride Hailer add-on at /mcp (MCP_ENABLED; on outside production by default). */
  enabled: boolean;
  /**
   * The MCP server's URL (MCP_RESOURCE_URL, default PUBLIC_URL/mcp): the audience of every token issued
   * to an Alexa+ add-on client, the only RFC 8707 `resource` those clients may ask for, and the
   * `resource` of the protected-resource metadata. A company running its own MCP server elsewhere sets
   * it to that server's URL.
   */
  resourceUrl: string;
  /** Send `WWW-Authenticate: Bearer resource_metadata=…` with 401s (MCP_WWW_AUTHENTICATE, default true). */
  challenge: boolean;
}

/** Reads MCP_ENABLED, MCP_RESOURCE_URL and MCP_WWW_AUTHENTICATE. */
export function parseAddonSettings(read: EnvReader, production: boolean, publicUrl: string): AddonSettings {
  const resourceUrl = read.url('MCP_RESOURCE_URL', `${publicUrl}${MCP_PATH}`) ?? `${publicUrl}${MCP_PATH}`;
  if (production && !resourceUrl.startsWith('https://')) read.problem(`MCP_RESOURCE_URL must be https in production, got "${resourceUrl}"`);
  if (resourceUrl.includes('#')) read.problem(`MCP_RESOURCE_URL must not have a fragment (RFC 8707 §2), got "${resourceUrl}"`);
  return {
    enabled: read.boolean('MCP_ENABLED', !production),
    resourceUrl,
    challenge: read.boolean('MCP_WWW_AUTHENTICATE', true),
  };
}
