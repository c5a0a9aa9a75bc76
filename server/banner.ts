import type { Settings } from './config/settings';
import { alexaConfiguration, consoleLines } from './ops/alexa-config';

/**
 * What a new user needs after `npm start`: where the service runs and the values to paste into the
 * Alexa developer console, from the same source as `npm run alexa:config` so the two cannot drift.
 * Secrets are shown only when they were generated for this development run.
 */
export function startupBanner(settings: Settings, url: string): string {
  const oauth = settings.oauth;
  const config = alexaConfiguration(settings);
  const secret = oauth.clientSecretGenerated
    ? `${oauth.clientSecret}   (generated for this run; set OAUTH_CLIENT_SECRET)`
    : oauth.clientsFile !== undefined
      ? '(in CLIENTS_FILE, not shown)'
      : '(OAUTH_CLIENT_SECRET, not shown)';
  const lines = [
    '',
    `Linkwright is running on ${url} (public URL ${settings.publicUrl})`,
    `  store: ${settings.redis.url ? 'Redis' : 'in-memory (development only: everything is lost on restart)'}`,
    '',
    'Alexa developer console → Build → Account Linking (npm run alexa:config writes these for the ASK CLI):',
    ...consoleLines(config, secret),
  ];
  if (oauth.clientsFile !== undefined) {
    // The console lines are the first Alexa client's; the others each have their own skill's console.
    lines.push('', `Clients (CLIENTS_FILE ${oauth.clientsFile}):`, ...oauth.clients.map((c) => `  ${c.clientId}  ${c.kind}  ${c.grantTypes.join(',')}${c.alexaVendorId ? `  vendor ${c.alexaVendorId}` : ''}`));
  }
  if (config.problems.length > 0) {
    lines.push('', 'Alexa would refuse this configuration (fine for local tries with the simulator):', ...config.problems.map((problem) => `  - ${problem}`));
  }
  if (settings.addon.enabled) {
    const addon = oauth.clients.find((c) => c.kind === 'alexa-plus');
    lines.push(
      '',
      `Alexa+ add-on (MCP, demo Ride Hailer): ${settings.addon.resourceUrl}`,
      addon ? `  client ${addon.clientId}; npm run alexa:config -- --addon prints what to enter` : '  no Alexa+ client yet: set ALEXA_PLUS_CLIENT_ID, ALEXA_PLUS_CLIENT_SECRET and ALEXA_PLUS_REDIRECT_URIS',
    );
  }
  if (oauth.devCallbackUri) {
    lines.push('', `Try the linking flow in a browser (development only): ${settings.publicUrl}/oauth/dev/start`);
  }
  const login = settings.login;
  if (login.kind === 'oidc') {
    lines.push('', `Sign-in: ${login.name} (${login.issuer}). Register this redirect URI for client ${login.clientId} at the provider:`, `  ${login.redirectUri}`);
  } else if (login.kind === 'api') {
    lines.push('', `Sign-in: the company API at ${login.verifyUrl} (see README, "Signing users in").`);
  }
  if (settings.demo && login.kind === 'local') {
    lines.push('', 'Demo account (development only):', `  username: ${settings.demo.username}`, `  password: ${settings.demo.password}${settings.demo.passwordGenerated ? '   (generated; set DEMO_PASSWORD)' : ''}`);
  }
  lines.push('');
  return lines.join('\n');
}
