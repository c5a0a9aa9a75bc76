import type { Settings } from './config/settings';
import { alexaConfiguration, consoleLines } from './ops/alexa-config';

/** Where the process listens: the bound address, and a URL that reaches it from this machine. */
export interface ListeningAddress {
  /** `host:port` as bound (`0.0.0.0:3000`, `[::]:3000`, `127.0.0.1:3000`). */
  listening: string;
  /** A loopback URL for that address. */
  url: string;
}

/**
 * What a new user needs after `npm start`: where the service really listens, the values to paste into the
 * Alexa developer console (from the same source as `npm run alexa:config`, so the two cannot drift), the
 * operator pages, and how to try the skill without an Alexa account. A secret is shown only when it was
 * generated for this development run: a configured one (OAUTH_CLIENT_SECRET, DEMO_PASSWORD) never is.
 */
export function startupBanner(settings: Settings, address: ListeningAddress): string {
  const oauth = settings.oauth;
  const config = alexaConfiguration(settings);
  const secret = oauth.clientSecretGenerated
    ? `${oauth.clientSecret}   (generated for this run; set OAUTH_CLIENT_SECRET)`
    : oauth.clientsFile !== undefined
      ? '(in CLIENTS_FILE, not shown)'
      : '(OAUTH_CLIENT_SECRET, not shown)';
  const everywhere = /^(0\.0\.0\.0|\[::\]):/.test(address.listening);
  const lines = [
    '',
    `Linkwright is listening on ${address.listening} (${everywhere ? 'every interface; ' : ''}from this machine: ${address.url})`,
    `  public URL: ${settings.publicUrl}`,
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
  lines.push(
    '',
    settings.ops.admin
      ? `Operator pages: ${settings.publicUrl}/ops (sign in as ${settings.ops.admin.username})`
      : 'Operator pages (/ops) are off: set ADMIN_USERNAME and ADMIN_PASSWORD to turn them on',
    '',
    'Try the skill without an Alexa account:',
    '  npm run demo                  every linking story against a local stand-in for Amazon, then stops',
    `  npm run simulator -- --service-url ${settings.publicUrl}`,
    '                                that stand-in on its own: it prints the settings to give this service',
    `                                (app-to-app linking also needs --app-redirect-url ${settings.appLinks.appRedirectUrl})`,
  );
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
    const password = settings.demo.passwordGenerated ? `${settings.demo.password}   (generated for this run; set DEMO_PASSWORD)` : '(DEMO_PASSWORD, not shown)';
    lines.push('', 'Demo account (development only):', `  username: ${settings.demo.username}`, `  password: ${password}`);
  }
  lines.push('');
  return lines.join('\n');
}
