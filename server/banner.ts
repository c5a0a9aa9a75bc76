import type { Settings } from './config/settings';

/**
 * What a new user needs after `npm start`: where the service runs and the values to paste into the
 * Alexa developer console. Secrets are shown only when they were generated for this development run.
 */
export function startupBanner(settings: Settings, url: string): string {
  const oauth = settings.oauth;
  const consoleRedirects = oauth.redirectUris.filter((uri) => uri !== oauth.devCallbackUri);
  const lines = [
    '',
    `Linkwright is running on ${url} (public URL ${settings.publicUrl})`,
    `  store: ${settings.redis.url ? 'Redis' : 'in-memory (development only: everything is lost on restart)'}`,
    '',
    'Alexa developer console → Build → Account Linking:',
    `  Authorization URI:        ${settings.publicUrl}/oauth/authorize`,
    `  Access Token URI:         ${settings.publicUrl}/oauth/token`,
    `  Your Client ID:           ${oauth.clientId}`,
    `  Your Secret:              ${oauth.clientSecretGenerated ? `${oauth.clientSecret}   (generated for this run; set OAUTH_CLIENT_SECRET)` : '(OAUTH_CLIENT_SECRET, not shown)'}`,
    '  Authentication Scheme:    HTTP Basic or Credentials in request body (both accepted)',
    `  Scope:                    ${oauth.scopes.join(' ')}`,
    `  Default Access Token Expiration Time: ${oauth.accessTokenTtlSec}`,
    `  Alexa Redirect URLs:      ${consoleRedirects.length > 0 ? consoleRedirects.join('\n                            ') : '(none: set ALEXA_VENDOR_ID to the vendor id in the console\'s redirect URLs)'}`,
    `  Skill endpoint (HTTPS):   ${settings.publicUrl}/alexa`,
  ];
  if (oauth.devCallbackUri) {
    lines.push('', `Try the linking flow in a browser (development only): ${settings.publicUrl}/oauth/dev/start`);
  }
  if (settings.demo) {
    lines.push('', 'Demo account (development only):', `  username: ${settings.demo.username}`, `  password: ${settings.demo.password}${settings.demo.passwordGenerated ? '   (generated; set DEMO_PASSWORD)' : ''}`);
  }
  lines.push('');
  return lines.join('\n');
}
