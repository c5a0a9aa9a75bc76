import type { Request, Response } from 'express';
import type { Settings } from '../config/settings';
import type { KeyRing } from './keys';
import { CLIENT_AUTH_METHODS } from './client-auth';

/** Paths of the authorization server's endpoints, relative to PUBLIC_URL. */
export const OAUTH_PATHS = {
  metadata: '/.well-known/oauth-authorization-server',
  authorize: '/oauth/authorize',
  login: '/oauth/login',
  consent: '/oauth/consent',
  token: '/oauth/token',
  revoke: '/oauth/revoke',
  introspect: '/oauth/introspect',
  userinfo: '/oauth/userinfo',
  jwks: '/oauth/jwks',
} as const;

/** RFC 8414 authorization server metadata for this deployment. */
export function authorizationServerMetadata(settings: Settings): Record<string, unknown> {
  const base = settings.publicUrl;
  const metadata: Record<string, unknown> = {
    issuer: base,
    authorization_endpoint: base + OAUTH_PATHS.authorize,
    token_endpoint: base + OAUTH_PATHS.token,
    revocation_endpoint: base + OAUTH_PATHS.revoke,
    introspection_endpoint: base + OAUTH_PATHS.introspect,
    userinfo_endpoint: base + OAUTH_PATHS.userinfo,
    jwks_uri: base + OAUTH_PATHS.jwks,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
    revocation_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
    introspection_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
    code_challenge_methods_supported: ['S256'],
    scopes_supported: [...settings.oauth.scopes],
  };
  if (settings.oauth.issParameter) metadata.authorization_response_iss_parameter_supported = true;
  return metadata;
}

/** GET /.well-known/oauth-authorization-server. */
export function metadataHandler(settings: Settings) {
  const body = authorizationServerMetadata(settings);
  return (_req: Request, res: Response): void => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.json(body);
  };
}

/** GET /oauth/jwks: the public keys that verify our access tokens (short cache, so rotation shows quickly). */
export function jwksHandler(keys: KeyRing) {
  return (_req: Request, res: Response): void => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.type('application/jwk-set+json').send(JSON.stringify(keys.jwks()));
  };
}
