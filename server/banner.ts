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
  const secret = oauth.clientSecretGenerated ? `${oauth.clientSecret}   (generated for this run; set OAUTH_CLIENT_SECRET)` : '(OAUTH_CLIENT_SECRET, not shown)';
  const lines = [
    '',
    `Linkwright is running on ${url} (public URL ${settings.publicUrl})`,
    `  store: ${settings.redis.url ? 'Redis' : 'in-memory (development only: everything is lost on restart)'}`,
    '',
    'Alexa developer console → Build → Account Linking (npm run alexa:config writes these for the ASK CLI):',
    ...consoleLines(config, secret),
  ];
  if (config.problems.length > 0) {
    lines.push('', 'Alexa would refuse this configuration (fine for local tries with the simulator):', ...config.problems.map((problem) => `  - ${problem}`));
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
