import type { Request, Response } from 'express';
import type { Settings } from '../config/settings';
import type { KeyRing } from './keys';
import { GRANT_TYPES } from '../config/clients-file';
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

/**
 * RFC 8414 authorization server metadata for this deployment. It lists only what some registered client
 * can use: grant types, authentication methods, PKCE and scopes are the union over the clients, so a
 * deployment without an app client does not advertise `none`, nor one without a service client_credentials.
 */
export function authorizationServerMetadata(settings: Settings): Record<string, unknown> {
  const base = settings.publicUrl;
  const clients = settings.oauth.clients;
  const grantTypes = GRANT_TYPES.filter((g) => clients.some((c) => c.grantTypes.includes(g)));
  const signsIn = grantTypes.includes('authorization_code');
  const authMethods = [
    ...(clients.some((c) => c.tokenEndpointAuthMethod !== 'none') ? CLIENT_AUTH_METHODS : []),
    ...(clients.some((c) => c.tokenEndpointAuthMethod === 'none') ? ['none'] : []),
  ];
  const metadata: Record<string, unknown> = {
    issuer: base,
    ...(signsIn ? { authorization_endpoint: base + OAUTH_PATHS.authorize } : {}),
    token_endpoint: base + OAUTH_PATHS.token,
    revocation_endpoint: base + OAUTH_PATHS.revoke,
    introspection_endpoint: base + OAUTH_PATHS.introspect,
    userinfo_endpoint: base + OAUTH_PATHS.userinfo,
    jwks_uri: base + OAUTH_PATHS.jwks,
    response_types_supported: signsIn ? ['code'] : [],
    ...(signsIn ? { response_modes_supported: ['query'] } : {}),
    grant_types_supported: grantTypes,
    token_endpoint_auth_methods_supported: authMethods,
    revocation_endpoint_auth_methods_supported: authMethods,
    introspection_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
    ...(signsIn ? { code_challenge_methods_supported: ['S256'] } : {}),
    scopes_supported: [...new Set(clients.flatMap((c) => c.scopes))],
  };
  if (settings.oauth.issParameter && signsIn) metadata.authorization_response_iss_parameter_supported = true;
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
