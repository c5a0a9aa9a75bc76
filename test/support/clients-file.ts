import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Writes a CLIENTS_FILE into a fresh temporary directory and returns its path. */
export function writeClientsFile(content: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'lw-clients-')), 'clients.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

/** The client_secret_hash form of a secret. */
export function secretHash(secret: string): string {
  return `sha256:${createHash('sha256').update(secret).digest('hex')}`;
}

/** Env for a test service driven by a CLIENTS_FILE: the shorthand client settings of testSettings are cleared. */
export function clientsFileEnv(path: string): Record<string, string | undefined> {
  return { CLIENTS_FILE: path, OAUTH_CLIENT_ID: undefined, OAUTH_CLIENT_SECRET: undefined, ALEXA_VENDOR_ID: undefined, OAUTH_REDIRECT_URIS: undefined };
}

export const CUSTOM_SKILL = { id: 'alexa-custom-skill', secret: 'custom-skill-secret-0123456789abcdef', vendor: 'M2CUSTOM' };
export const SMART_HOME = { id: 'alexa-smart-home', secret: 'smart-home-secret-0123456789abcdefgh', vendor: 'M2HOME' };
export const APP = { id: 'rides-app', redirect: 'com.example.rides:/oauth/callback', claimed: 'https://rides.example.com/app/oauth' };
export const BACKEND = { id: 'rides-backend', secret: 'backend-secret-0123456789abcdefghijk' };

/** A deployment with two Alexa skills (one requiring PKCE), the company app and its backend. */
export function deploymentClients(): unknown {
  return {
    clients: [
      { client_id: CUSTOM_SKILL.id, client_name: 'Ride Hailer skill', client_secret: CUSTOM_SKILL.secret, alexa_vendor_id: CUSTOM_SKILL.vendor, scope: 'profile rides' },
      {
        client_id: SMART_HOME.id,
        client_name: 'Ride Hailer smart home',
        client_secret_hash: secretHash(SMART_HOME.secret),
        alexa_vendor_id: SMART_HOME.vendor,
        scope: 'profile devices',
        require_pkce: true,
        token_endpoint_auth_method: 'client_secret_post',
      },
      { client_id: APP.id, client_name: 'Ride Hailer app', token_endpoint_auth_method: 'none', redirect_uris: [APP.redirect, APP.claimed], scope: 'profile' },
      { client_id: BACKEND.id, client_secret_hash: secretHash(BACKEND.secret), grant_types: ['client_credentials'], scope: 'app_links reports' },
    ],
  };
}
