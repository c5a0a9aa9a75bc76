import type { IncomingMessage, ServerResponse } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { getOAuthProtectedResourceMetadataUrl } from '@modelcontextprotocol/sdk/server/auth/router.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { OAuthProtectedResourceMetadata } from '@modelcontextprotocol/sdk/shared/auth.js';
// The verifier's modules, not the tokens entry point: that one also brings the express middleware's types.
import { bearerCredentials } from '../tokens/bearer';
import { createTokenVerifier, type TokenRefusalReason, type TokenVerifier, type TokenVerifierOptions } from '../tokens/verifier';
import { authInfoFor } from './caller';

/** Options of {@link protectMcpServer}. `createServer`, `issuer` and `resource` are required. */
export interface McpProtectionOptions {
  /**
   * A new McpServer (tools registered) for each request. The endpoint runs the SDK's stateless mode
   * (`sessionIdGenerator: undefined`): nothing is kept between requests, so a request costs no store
   * and any instance can answer it. Building an McpServer is cheap; share your data sources, not it.
   */
  createServer: () => McpServer;
  /** Linkwright's PUBLIC_URL: the issuer tokens must come from, named as the authorization server. */
  issuer: string;
  /** This MCP server's URL (MCP_RESOURCE_URL): the audience tokens must carry, and the metadata's `resource`. */
  resource: string;
  /** A verifier of your own; default `createTokenVerifier({ issuer, audience: resource, ...tokens })`. */
  verifier?: TokenVerifier;
  /** Options for the default verifier (introspection credentials, `isRevoked`, clock…). */
  tokens?: Omit<TokenVerifierOptions, 'issuer' | 'audience'>;
  /**
   * Send `WWW-Authenticate: Bearer resource_metadata="…"` with every 401 (RFC 9728 §5.1, what the MCP
   * specification asks); default true. False leaves the header out: one third-party server reports that
   * Alexa+ expects it absent, which Amazon's pages do not confirm.
   */
  challenge?: boolean;
  /** Scopes listed in the metadata (`scopes_supported`). */
  scopesSupported?: string[];
  /** A human-readable name for the metadata (`resource_name`). */
  resourceName?: string;
  /** Answer with a JSON body instead of an SSE stream (the SDK's `enableJsonResponse`); default true. */
  jsonResponse?: boolean;
  /** Largest request body accepted, in bytes (by its Content-Length before verification, as read after); default 1 MiB. */
  maxBodyBytes?: number;
  /** Called with an error the SDK or a tool threw past the MCP layer (the caller got a JSON-RPC internal error, 500). */
  onError?: (error: unknown) => void;
  /** Called once per refused request (for your log and metrics); never with the token. */
  onRefused?: (refusal: { status: number; reason: TokenRefusalReason | 'missing' | 'malformed_header' | 'too_large' }) => void;
}

/** An MCP endpoint protected by Linkwright's tokens; made by {@link protectMcpServer}. */
export interface ProtectedMcpEndpoint {
  /**
   * Serves one request to the MCP endpoint (mount it at the resource's path for POST, GET and DELETE).
   * The bearer token is verified before anything else: a request without a valid one never reaches the
   * SDK. `parsedBody` is for hosts that already parsed JSON; leave it out and the SDK parses the body,
   * answering malformed JSON-RPC with a JSON-RPC error (400), not a 500. It never rejects: an
   * unexpected failure is answered with a JSON-RPC internal error and handed to `onError`.
   */
  handle(req: IncomingMessage, res: ServerResponse, parsedBody?: unknown): Promise<void>;
  /** Serves the RFC 9728 protected-resource metadata (GET) at any of {@link metadataPaths}. */
  handleMetadata(req: IncomingMessage, res: ServerResponse): void;
  /** The RFC 9728 document. */
  readonly metadata: OAuthProtectedResourceMetadata;
  /** Where the document lives: `/.well-known/oauth-protected-resource` and its path-suffixed form (`…/mcp`). */
  readonly metadataPaths: readonly string[];
  /** The absolute URL named in `WWW-Authenticate` (the path-suffixed form, RFC 9728 §3.1). */
  readonly metadataUrl: string;
  /** The path of the MCP endpoint, from `resource` (e.g. `/mcp`). */
  readonly path: string;
}

const WELL_KNOWN = '/.well-known/oauth-protected-resource';

/** What a refused token is told, one answer per reason (RFC 6750 error_description). */
const DESCRIPTIONS: Record<Exclude<TokenRefusalReason, 'unavailable'>, string> = {
  malformed: 'The access token is malformed.',
  bad_signature: 'The access token signature is invalid.',
  unknown_key: 'The access token is signed with an unknown key.',
  expired: 'The access token has expired: refresh it and try again.',
  wrong_issuer: 'The access token was issued by another authorization server.',
  wrong_audience: 'The access token is not for this MCP server (its audience names another resource).',
  revoked: 'The access token has been revoked: the account link was ended, link the account again.',
};

/**
 * Protects an MCP server built with the official SDK: verifies Linkwright bearer tokens (signature,
 * issuer, audience = `resource`, expiry, revocation) before any MCP work, serves RFC 9728 metadata,
 * answers 401 with a `WWW-Authenticate: Bearer resource_metadata=…` challenge (unless `challenge` is
 * false) and a distinct description for a missing, expired, revoked or foreign-audience token, and
 * hands each tool the caller through the SDK's `extra.authInfo` (read it with `callerOf`,
 * `linkedUserOf` or `withLinkedUser`). Creating it starts and fetches nothing.
 *
 * @example
 * ```ts
 * import { protectMcpServer, withLinkedUser } from 'linkwright/mcp';
 * const mcp = protectMcpServer({ issuer: 'https://link.example.com', resource: 'https://link.example.com/mcp', createServer });
 * app.all('/mcp', (req, res) => void mcp.handle(req, res));
 * app.get(mcp.metadataPaths, (req, res) => mcp.handleMetadata(req, res));
 * ```
 */
export function protectMcpServer(options: McpProtectionOptions): ProtectedMcpEndpoint {
  if (typeof options?.createServer !== 'function') throw new TypeError('protectMcpServer: options.createServer must make an McpServer');
  const resourceUrl = new URL(options.resource);
  if (resourceUrl.hash) throw new TypeError('protectMcpServer: options.resource must not have a fragment (RFC 8707)');
  const resource = options.resource;
  const verifier = options.verifier ?? createTokenVerifier({ ...options.tokens, issuer: options.issuer, audience: resource });
  const challengeOn = options.challenge ?? true;
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const path = resourceUrl.pathname === '' ? '/' : resourceUrl.pathname;
  const metadataUrl = getOAuthProtectedResourceMetadataUrl(resourceUrl);
  const metadataPaths = [...new Set([WELL_KNOWN, new URL(metadataUrl).pathname])];
  const metadata: OAuthProtectedResourceMetadata = {
    resource,
    authorization_servers: [options.issuer],
    bearer_methods_supported: ['header'],
    ...(options.scopesSupported ? { scopes_supported: options.scopesSupported } : {}),
    ...(options.resourceName ? { resource_name: options.resourceName } : {}),
  };
  const metadataBody = JSON.stringify(metadata);

  const refuse = (res: ServerResponse, status: number, reason: Parameters<NonNullable<McpProtectionOptions['onRefused']>>[0]['reason'], error: string | undefined, description: string): void => {
    options.onRefused?.({ status, reason });
    if (status === 401 && challengeOn) res.setHeader('WWW-Authenticate', challenge(metadataUrl, error, description));
    res.setHeader('Cache-Control', 'no-store');
    json(res, status, { error: error ?? 'invalid_request', error_description: description });
  };

  const authenticate = async (req: IncomingMessage, res: ServerResponse): Promise<AuthInfo | undefined> => {
    const credentials = bearerCredentials(header(req, 'authorization'));
    if (credentials.kind === 'missing') {
      // RFC 6750 §3.1: no credentials, no error code in the challenge; the body says what to send.
      refuse(res, 401, 'missing', undefined, 'This MCP server needs an access token: send Authorization: Bearer <token> (see the protected resource metadata).');
      return undefined;
    }
    if (credentials.kind === 'malformed') {
      refuse(res, 400, 'malformed_header', 'invalid_request', credentials.description);
      return undefined;
    }
    const result = await verifier.verify(credentials.token);
    if (!result.ok) {
      if (result.reason === 'unavailable') {
        options.onRefused?.({ status: 503, reason: 'unavailable' });
        res.setHeader('Retry-After', '5');
        json(res, 503, { error: 'temporarily_unavailable', error_description: 'The access token cannot be checked right now; try again shortly.' });
        return undefined;
      }
      refuse(res, 401, result.reason, 'invalid_token', DESCRIPTIONS[result.reason]);
      return undefined;
    }
    return authInfoFor(credentials.token, result.token.claims, resourceUrl);
  };

  return {
    metadata,
    metadataPaths,
    metadataUrl,
    path,
    handleMetadata(req, res) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD');
        json(res, 405, { error: 'invalid_request', error_description: 'Use GET.' });
        return;
      }
      // Public and the same for everyone: browsers' MCP clients may read it cross-origin (RFC 9728 §3).
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Cache-Control', 'public, max-age=300');
      res.statusCode = 200;
      res.setHeader('Content-Type', 'application/json');
      res.end(req.method === 'HEAD' ? undefined : metadataBody);
    },
    async handle(req, res, parsedBody) {
      // Stateless mode has no stream to GET and no session to DELETE (MCP Streamable HTTP: 405 is the answer).
      if (req.method !== 'POST') {
        // Not a refusal of the caller: the SDK client probes GET for a stream and is told there is none.
        res.setHeader('Allow', 'POST');
        json(res, 405, rpcError(-32000, 'Method not allowed: this MCP server is stateless; send JSON-RPC with POST.'));
        return;
      }
      const length = Number(header(req, 'content-length') ?? 0);
      if (Number.isFinite(length) && length > maxBody) {
        options.onRefused?.({ status: 413, reason: 'too_large' });
        json(res, 413, rpcError(-32600, 'The request body is too large.'));
        return;
      }
      // Verified before any server, transport or body work: an unauthenticated flood costs a header read and a hash.
      let auth: AuthInfo | undefined;
      try {
        auth = await authenticate(req, res);
      } catch (error) {
        options.onError?.(error);
        if (!res.headersSent) json(res, 500, rpcError(-32603, 'Internal error.'));
        return;
      }
      if (!auth) return;
      try {
        const server = options.createServer();
        // The SDK reads the body with the same limit as it arrives, so a chunked body (no Content-Length) is bounded too.
        const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: options.jsonResponse ?? true, maxRequestBodySize: maxBody });
        res.on('close', () => {
          void transport.close();
          void server.close();
        });
        await server.connect(transport);
        await transport.handleRequest(Object.assign(req, { auth }), res, parsedBody);
      } catch (error) {
        // Tool errors are already MCP answers (the SDK turns them into isError results); this is the SDK or the host failing.
        options.onError?.(error);
        if (!res.headersSent) json(res, 500, rpcError(-32603, 'Internal error.'));
      }
    },
  };
}

/** `Bearer resource_metadata="…"`, with error and description when a token was refused (RFC 9728 §5.1, RFC 6750 §3). */
function challenge(metadataUrl: string, error: string | undefined, description: string): string {
  const parts = [`resource_metadata="${quotable(metadataUrl)}"`];
  if (error) parts.push(`error="${error}"`, `error_description="${quotable(description)}"`);
  return `Bearer ${parts.join(', ')}`;
}

function quotable(text: string): string {
  return text.replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, '');
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function rpcError(code: number, message: string): Record<string, unknown> {
  return { jsonrpc: '2.0', error: { code, message }, id: null };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify(body));
}
