import { expect } from 'chai';
import { startupBanner } from '../../../server/banner';
import { loadSettings } from '../../../server/config/settings';
import { alexaConfiguration, consoleLines, SECRET_HASHED, SECRET_PLACEHOLDER } from '../../../server/ops/alexa-config';
import { deploymentClients, writeClientsFile } from '../../support/clients-file';

const HTTPS = {
  PUBLIC_URL: 'https://link.example.com',
  OAUTH_CLIENT_ID: 'alexa-skill',
  OAUTH_CLIENT_SECRET: 'a-long-random-client-secret-0123456789',
  ALEXA_VENDOR_ID: 'M2TESTVENDOR1',
  DEMO_ACCOUNT: 'false',
};

describe('the Alexa configuration from settings', () => {
  it('describes account linking in the accountLinkingRequest shape SMAPI takes', () => {
    const config = alexaConfiguration(loadSettings({ ...HTTPS, OAUTH_SCOPES: 'profile rides', ACCESS_TOKEN_TTL: '900', ALEXA_LINKING_DOMAINS: 'cdn.example.com' }));
    expect(config.problems).to.deep.equal([]);
    expect(config.accountLinking).to.deep.equal({
      type: 'AUTH_CODE',
      authorizationUrl: 'https://link.example.com/oauth/authorize',
      accessTokenUrl: 'https://link.example.com/oauth/token',
      clientId: 'alexa-skill',
      clientSecret: SECRET_PLACEHOLDER,
      accessTokenScheme: 'HTTP_BASIC',
      scopes: ['profile', 'rides'],
      domains: ['cdn.example.com'],
      defaultTokenExpirationInSeconds: 900,
      redirectUrls: ['https://link.example.com/app-links/return'],
      // Development fills in the demo apps, so both platforms have an authorization URL.
      authorizationUrlsByPlatform: [
        { platformType: 'iOS', platformAuthorizationUrl: 'https://link.example.com/app-links/authorize' },
        { platformType: 'Android', platformAuthorizationUrl: 'https://link.example.com/app-links/authorize' },
      ],
      skipOnEnablement: true,
      voiceForwardAccountLinking: 'DISABLED',
    });
    expect(config.alexaRedirectUrls).to.deep.equal([
      'https://pitangui.amazon.com/api/skill/link/M2TESTVENDOR1',
      'https://layla.amazon.com/api/skill/link/M2TESTVENDOR1',
      'https://alexa.amazon.co.jp/api/skill/link/M2TESTVENDOR1',
    ]);
    expect(config.skillEndpoint).to.equal('https://link.example.com/alexa');
  });

  it('puts the real secret in only when asked', () => {
    const settings = loadSettings(HTTPS);
    expect(alexaConfiguration(settings, { includeSecret: true }).accountLinking.clientSecret).to.equal(HTTPS.OAUTH_CLIENT_SECRET);
    const withPlaceholder = alexaConfiguration(settings);
    expect(JSON.stringify(withPlaceholder)).not.to.include(HTTPS.OAUTH_CLIENT_SECRET);
    expect(withPlaceholder.accountLinking.clientSecret).to.equal(SECRET_PLACEHOLDER);
  });

  it('leaves the app-to-app fields empty when app-to-app linking is off, and follows the voice-forward setting', () => {
    const linking = alexaConfiguration(loadSettings({ ...HTTPS, APP_LINKS_ENABLED: 'false', SKILL_VOICE_FORWARD: 'true' })).accountLinking;
    expect(linking.redirectUrls).to.deep.equal([]);
    expect(linking.authorizationUrlsByPlatform).to.deep.equal([]);
    expect(linking.voiceForwardAccountLinking).to.equal('ENABLED');
  });

  it('lists one clear line for each value Alexa would refuse', () => {
    const http = alexaConfiguration(loadSettings({ ...HTTPS, PUBLIC_URL: 'http://link.example.com', APP_LINKS_ENABLED: 'false' }));
    expect(http.problems).to.deep.equal([
      "PUBLIC_URL is http://link.example.com: Alexa accepts only https authorization and token URLs (set PUBLIC_URL to the service's public https address)",
    ]);
    const port = alexaConfiguration(loadSettings({ ...HTTPS, PUBLIC_URL: 'https://link.example.com:8443', APP_LINKS_ENABLED: 'false' }));
    expect(port.problems).to.deep.equal(['PUBLIC_URL uses port 8443: Alexa calls the authorization and token URLs on port 443 only']);
    const appReturn = alexaConfiguration(loadSettings({ ...HTTPS, APP_REDIRECT_URL: 'http://app.example.com/return' }));
    expect(appReturn.problems).to.deep.equal(['APP_REDIRECT_URL is http://app.example.com/return: Alexa accepts only https redirect URLs (a universal link / app link)']);

    const domains = Array.from({ length: 16 }, (_, i) => `d${i}.example.com`).join(',');
    expect(alexaConfiguration(loadSettings({ ...HTTPS, ALEXA_LINKING_DOMAINS: domains })).problems).to.deep.equal(['ALEXA_LINKING_DOMAINS lists 16 domains: Alexa accepts at most 15']);

    // Settings already refuse these two; the configuration checks them again for settings built another way.
    const settings = loadSettings(HTTPS);
    settings.oauth.scopes = Array.from({ length: 16 }, (_, i) => `scope${i}`);
    settings.oauth.accessTokenTtlSec = 300;
    expect(alexaConfiguration(settings).problems).to.deep.equal([
      'OAUTH_SCOPES lists 16 scopes: Alexa accepts at most 15',
      'ACCESS_TOKEN_TTL is 300 s: Alexa refuses access tokens that live less than 360 s',
    ]);
  });

  it('refuses to describe account linking through another provider', () => {
    const config = alexaConfiguration(loadSettings({ ...HTTPS, SKILL_LINKING_PROVIDER: 'lwa' }));
    expect(config.problems).to.have.length(1);
    expect(config.problems[0]).to.match(/^SKILL_LINKING_PROVIDER=lwa: /);
  });

  it('notes a missing vendor id and voice-forward without Login with Amazon', () => {
    const { ALEXA_VENDOR_ID: _omitted, ...noVendor } = HTTPS;
    const config = alexaConfiguration(loadSettings({ ...noVendor, OAUTH_REDIRECT_URIS: 'https://client.example.com/cb', SKILL_VOICE_FORWARD: 'true' }));
    expect(config.alexaRedirectUrls).to.deep.equal([]);
    expect(config.notes.join('\n')).to.include('ALEXA_VENDOR_ID is unset').and.to.include('voice-forward linking only when account linking uses Login with Amazon');
  });

  it('is what the development start banner prints, line for line', () => {
    const settings = loadSettings({ PORT: '3999', ALEXA_VENDOR_ID: 'M2TESTVENDOR1', DEMO_ACCOUNT: 'false' });
    const banner = startupBanner(settings, { listening: '127.0.0.1:3999', url: 'http://127.0.0.1:3999' });
    const config = alexaConfiguration(settings);
    const lines = consoleLines(config, `${settings.oauth.clientSecret}   (generated for this run; set OAUTH_CLIENT_SECRET)`);
    expect(lines.length).to.be.greaterThan(10);
    for (const line of lines) expect(banner.split('\n'), line).to.include(line);
    // The banner says, once, what Alexa would refuse (plain http is fine for the simulator).
    for (const problem of config.problems) expect(banner).to.include(`  - ${problem}`);
    expect(banner).to.include('  Authorization URI:        http://localhost:3999/oauth/authorize');
  });

  it('names the demo Alexa+ add-on and its client, or what to set for one, and nothing of it when MCP_ENABLED=false', () => {
    const base = { PORT: '3999', DEMO_ACCOUNT: 'false' };
    const none = startupBanner(loadSettings(base), { listening: '127.0.0.1:3999', url: 'http://127.0.0.1:3999' }).split('\n');
    expect(none).to.include('Alexa+ add-on (MCP, demo Ride Hailer): http://localhost:3999/mcp');
    expect(none).to.include('  no Alexa+ client yet: set ALEXA_PLUS_CLIENT_ID, ALEXA_PLUS_CLIENT_SECRET and ALEXA_PLUS_REDIRECT_URIS');
    const plus = { ALEXA_PLUS_CLIENT_ID: 'plus', ALEXA_PLUS_CLIENT_SECRET: 'plus-secret-not-printed', ALEXA_PLUS_REDIRECT_URIS: 'https://a.example/cb' };
    const withClient = startupBanner(loadSettings({ ...base, ...plus }), { listening: '127.0.0.1:3999', url: 'http://127.0.0.1:3999' });
    expect(withClient).to.include('  client plus; npm run alexa:config -- --addon prints what to enter');
    expect(withClient).to.not.include('plus-secret-not-printed');
    expect(startupBanner(loadSettings({ ...base, MCP_ENABLED: 'false' }), { listening: '127.0.0.1:3999', url: 'http://127.0.0.1:3999' })).to.not.include('Alexa+');
  });

  it('with a CLIENTS_FILE: the first Alexa client in the console lines, every client listed, a hashed secret never shown', () => {
    const settings = loadSettings({ PORT: '3999', CLIENTS_FILE: writeClientsFile(deploymentClients()), DEMO_ACCOUNT: 'false' });
    const banner = startupBanner(settings, { listening: '127.0.0.1:3999', url: 'http://127.0.0.1:3999' }).split('\n');
    expect(banner).to.include('  Your Client ID:           alexa-custom-skill');
    expect(banner).to.include('  Your Secret:              (in CLIENTS_FILE, not shown)');
    expect(banner).to.include('  alexa-smart-home  alexa  authorization_code,refresh_token  vendor M2HOME');
    expect(banner).to.include('  rides-backend  service  client_credentials');
    // The smart home skill's secret is only a hash: the console helper cannot print it.
    const hashedFirst = loadSettings({ CLIENTS_FILE: writeClientsFile({ clients: [(deploymentClients() as { clients: unknown[] }).clients[1]] }), DEMO_ACCOUNT: 'false' });
    expect(alexaConfiguration(hashedFirst, { includeSecret: true }).accountLinking.clientSecret).to.equal(SECRET_HASHED);
  });
});
