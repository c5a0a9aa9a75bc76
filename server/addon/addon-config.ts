import type { Settings } from '../config/settings';
import { OAUTH_PATHS } from '../oauth/metadata';

/** What the Alexa+ add-on's registration needs, for `npm run alexa:config -- --addon`. */
export interface AddonConfiguration {
  /** One line per value to enter, "Name: value". */
  lines: string[];
  /** Why the add-on cannot be registered yet (no Alexa+ client, the endpoint off); empty when it can. */
  problems: string[];
}

/**
 * The values to enter when registering the MCP add-on with Alexa+ (Amazon's pages name the two tiers
 * and their grants, not the form's fields, so each line says what it is rather than a console label).
 * The secret is a placeholder unless `includeSecret`.
 */
export function addonConfiguration(settings: Settings, options: { includeSecret: boolean; secretPlaceholder: string }): AddonConfiguration {
  const problems: string[] = [];
  const client = settings.oauth.clients.find((c) => c.kind === 'alexa-plus');
  if (!client) {
    problems.push('No Alexa+ add-on client is registered: set ALEXA_PLUS_CLIENT_ID, ALEXA_PLUS_CLIENT_SECRET and ALEXA_PLUS_REDIRECT_URIS, or add a client of kind "alexa-plus" to CLIENTS_FILE');
    return { lines: [], problems };
  }
  const base = settings.publicUrl;
  const resource = settings.addon.resourceUrl;
  const ownServer = resource === `${base}/mcp`;
  if (ownServer && !settings.addon.enabled) problems.push('MCP_ENABLED is false, so this service does not serve the demo add-on at MCP_RESOURCE_URL: point MCP_RESOURCE_URL at your own MCP server, or turn it on');
  if (client.secret === undefined && options.includeSecret) problems.push(`The secret of ${client.clientId} is given only as a hash in CLIENTS_FILE: enter the secret you hashed`);
  const secret = options.includeSecret && client.secret !== undefined ? client.secret : options.secretPlaceholder;
  const metadataPath = new URL(resource).pathname;
  const lines = [
    `MCP server URL (Streamable HTTP): ${resource}`,
    `Protected resource metadata (RFC 9728): ${new URL(`/.well-known/oauth-protected-resource${metadataPath === '/' ? '' : metadataPath}`, resource).toString()}`,
    `Authorization server metadata (RFC 8414): ${base}/.well-known/oauth-authorization-server`,
    `Authorization URI: ${base}${OAUTH_PATHS.authorize}`,
    `Token URI: ${base}${OAUTH_PATHS.token}`,
    `Client ID: ${client.clientId}`,
    `Client secret: ${secret}`,
    'Client authentication: HTTP Basic or credentials in the request body (both work)',
    'Tier 1 (service level): client_credentials',
    'Tier 2 (the user\'s account link): authorization code with PKCE S256 (required), refresh tokens rotated',
    `Resource (RFC 8707, optional): ${resource}`,
    `Scopes: ${client.scopes.join(' ')}`,
    `Redirect URLs registered: ${client.redirectUris.join(', ')}`,
    `Access token lifetime: ${settings.oauth.accessTokenTtlSec} s`,
  ];
  return { lines, problems };
}
