import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The endpoints each fuzz face runs, by name: `METHOD /path`, sometimes followed by what varies in the
 * base request (`(signed)`, `(user token, tools/call)`). The faces iterate these lists, and
 * coverage.test.ts checks them against the routes the service actually serves, so an endpoint added
 * without a fuzz run fails there.
 */

export const OAUTH_ENDPOINTS = [
  'GET /.well-known/oauth-authorization-server',
  'GET /oauth/jwks',
  'GET /assets/linkwright.css',
  'GET /oauth/authorize',
  'POST /oauth/login',
  'GET /oauth/consent',
  'POST /oauth/consent',
  'POST /oauth/token',
  'POST /oauth/introspect',
  'GET /oauth/userinfo',
  'POST /oauth/userinfo',
  'POST /oauth/revoke',
] as const;

/** Mounted when no redirect URI is configured (ALEXA_VENDOR_ID empty). */
export const DEV_CALLBACK_ENDPOINTS = ['GET /oauth/dev/start', 'GET /oauth/dev/callback'] as const;

/** Mounted when BRAND_COLOR, BRAND_STYLESHEET_FILE and BRAND_LOGO_FILE are set. */
export const BRAND_ENDPOINTS = ['GET /assets/brand.css', 'GET /assets/brand-custom.css', 'GET /assets/brand-logo'] as const;

export const SKILL_ENDPOINTS = ['POST /alexa (signed)', 'POST /alexa (envelopes)'] as const;

export const APP_LINKS_ENDPOINTS = [
  'GET /.well-known/apple-app-site-association',
  'GET /.well-known/assetlinks.json',
  'GET /app-links/openapi.json',
  'POST /app-links/start',
  'POST /app-links/complete',
  'GET /app-links/status',
  'DELETE /app-links/link',
  'POST /app-links/authorize',
  'GET /app-links/return',
  'POST /app-links/return',
  'GET /app-links/authorize',
  'POST /app-links/authorize/consent',
] as const;

export const OPS_ENDPOINTS = [
  'GET /healthz',
  'GET /readyz',
  'GET /metrics',
  'GET /no/such/path',
  'GET /ops/login',
  'POST /ops/login',
  'GET /ops/assets/ops.css',
  'GET /ops',
  'GET /ops/users',
  'POST /ops/users/revoke',
  // Last: a request that gets through ends the session the others use.
  'POST /ops/logout',
] as const;

export const MCP_ENDPOINTS = [
  'POST /mcp (user token, tools/call)',
  'POST /mcp (service token, initialize or tools/list)',
  'GET /.well-known/oauth-protected-resource',
  'GET /.well-known/oauth-protected-resource/mcp',
] as const;

/** Mounted with LOGIN_SOURCE=oidc. */
export const UPSTREAM_ENDPOINTS = ['GET /oauth/upstream/callback', 'GET /app-links/authorize/upstream'] as const;

/** Every fuzzed endpoint's name, over all faces. */
export const FUZZED_ENDPOINTS: readonly string[] = [
  ...OAUTH_ENDPOINTS,
  ...DEV_CALLBACK_ENDPOINTS,
  ...BRAND_ENDPOINTS,
  ...SKILL_ENDPOINTS,
  ...APP_LINKS_ENDPOINTS,
  ...OPS_ENDPOINTS,
  ...MCP_ENDPOINTS,
  ...UPSTREAM_ENDPOINTS,
];

/** Files for every brand asset and the settings that mount them; `remove` deletes the files. */
export function brandAssetsEnv(): { env: Record<string, string>; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'lw-fuzz-brand-'));
  writeFileSync(join(dir, 'logo.png'), Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'));
  writeFileSync(join(dir, 'company.css'), '.card { border-width: 2px; }\n');
  return {
    env: { BRAND_COLOR: '#0a5fb4', BRAND_STYLESHEET_FILE: join(dir, 'company.css'), BRAND_LOGO_FILE: join(dir, 'logo.png') },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
