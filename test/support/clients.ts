import type { Services } from '../../server/services';

/** The company app's client id in tests: a public native client (RFC 8252). */
export const APP_CLIENT_ID = 'company-app';
export const APP_REDIRECT = 'com.example.rides:/oauth/callback';

/**
 * Registers the company app as a public client (once), as CLIENTS_FILE would: only tokens issued to an
 * `app` client are accepted as the app's sessions by /app-links/*.
 */
export function registerAppClient(services: Pick<Services, 'clients'>, id = APP_CLIENT_ID): string {
  if (!services.clients.find(id)) {
    services.clients.register({ id, kind: 'app', authMethod: 'none', redirectUris: [APP_REDIRECT], scopes: ['profile'], requirePkce: true, name: 'Rides app' });
  }
  return id;
}
