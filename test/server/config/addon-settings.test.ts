import { expect } from 'chai';
import { parseAddonSettings } from '../../../server/addon/settings';
import { parseClients } from '../../../server/config/clients-file';
import { EnvReader, SettingsError } from '../../../server/config/env';
import { loadSettings } from '../../../server/config/settings';

const BASE = { PUBLIC_URL: 'http://127.0.0.1:3000', DEMO_ACCOUNT: 'false' };
const PLUS = { ALEXA_PLUS_CLIENT_ID: 'plus', ALEXA_PLUS_CLIENT_SECRET: 'plus-secret', ALEXA_PLUS_REDIRECT_URIS: 'https://alexa-plus.example/link' };

function problems(env: Record<string, string>): string[] {
  try {
    loadSettings(env);
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
  return [];
}

describe('settings: the Alexa+ add-on (MCP_*, ALEXA_PLUS_*)', () => {
  it('serves /mcp outside production by default, for PUBLIC_URL/mcp, with the challenge on', () => {
    expect(loadSettings(BASE).addon).to.deep.equal({ enabled: true, resourceUrl: 'http://127.0.0.1:3000/mcp', challenge: true });
    expect(loadSettings({ ...BASE, MCP_ENABLED: 'false', MCP_WWW_AUTHENTICATE: 'false', MCP_RESOURCE_URL: 'https://mcp.example/mcp/' }).addon).to.deep.equal({ enabled: false, resourceUrl: 'https://mcp.example/mcp', challenge: false });
  });

  it('registers an alexa-plus client with both tiers and PKCE required, beside the classic client', () => {
    const clients = loadSettings({ ...BASE, ...PLUS }).oauth.clients;
    expect(clients.map((c) => c.kind)).to.deep.equal(['alexa', 'alexa-plus']);
    expect(clients[1]).to.deep.include({ clientId: 'plus', requirePkce: true, grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'], redirectUris: ['https://alexa-plus.example/link'] });
  });

  it('refuses incomplete or unsafe add-on settings, one line each', () => {
    expect(problems({ ...BASE, ALEXA_PLUS_CLIENT_ID: 'plus' })).to.deep.equal([
      'ALEXA_PLUS_CLIENT_SECRET is required with ALEXA_PLUS_CLIENT_ID',
      'ALEXA_PLUS_REDIRECT_URIS is required with ALEXA_PLUS_CLIENT_ID (the redirect URL the add-on console shows)',
    ]);
    expect(problems({ ...BASE, ALEXA_PLUS_CLIENT_SECRET: 'x' })).to.deep.equal(['ALEXA_PLUS_CLIENT_SECRET and ALEXA_PLUS_REDIRECT_URIS need ALEXA_PLUS_CLIENT_ID']);
    expect(problems({ ...BASE, ...PLUS, ALEXA_PLUS_CLIENT_ID: 'alexa-skill' })).to.deep.equal(['ALEXA_PLUS_CLIENT_ID must differ from OAUTH_CLIENT_ID (the add-on is a client of its own)']);
    expect(problems({ ...BASE, ...PLUS, ALEXA_PLUS_REDIRECT_URIS: 'not a url,https://a.example/cb#frag' })).to.deep.equal([
      'ALEXA_PLUS_REDIRECT_URIS entry is not an absolute URL: "not a url"',
      'ALEXA_PLUS_REDIRECT_URIS entry must not have a fragment: "https://a.example/cb#frag"',
    ]);
    expect(problems({ ...BASE, MCP_RESOURCE_URL: 'ftp://x' })).to.deep.equal(['MCP_RESOURCE_URL must be an absolute http(s) URL, got "ftp://x"']);
    expect(problems({ ...BASE, MCP_ENABLED: 'maybe' })).to.have.length(1);
  });

  it('in production: off unless asked, https only, a strong add-on secret', () => {
    const prod = problems({ NODE_ENV: 'production', PUBLIC_URL: 'https://link.example.com', MCP_RESOURCE_URL: 'http://link.example.com/mcp', ...PLUS });
    expect(prod).to.include('MCP_RESOURCE_URL must be https in production, got "http://link.example.com/mcp"');
    expect(prod).to.include('ALEXA_PLUS_CLIENT_SECRET is a default or too short (use at least 24 random characters)');
    expect(parseAddonSettings(new EnvReader({}), true, 'https://link.example.com').enabled).to.equal(false);
    expect(parseAddonSettings(new EnvReader({ MCP_ENABLED: 'true' }), true, 'https://link.example.com').enabled).to.equal(true);
  });

  it('accepts kind "alexa-plus" in CLIENTS_FILE and refuses require_pkce false for it', () => {
    const alexa = { client_id: 'skill', alexa_vendor_id: 'M2V', client_secret: 's' };
    const ok = parseClients([alexa, { client_id: 'plus', kind: 'alexa-plus', client_secret: 's', redirect_uris: ['https://a.example/cb'] }], false);
    expect(ok.problems).to.deep.equal([]);
    expect(ok.clients[1]).to.deep.include({ kind: 'alexa-plus', requirePkce: true, grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'] });
    const weak = parseClients([alexa, { client_id: 'plus', kind: 'alexa-plus', client_secret: 's', redirect_uris: ['https://a.example/cb'], require_pkce: false }], false);
    expect(weak.problems).to.deep.equal(['CLIENTS_FILE clients[1] ("plus"): require_pkce cannot be false for an Alexa+ add-on (OAuth 2.1: PKCE S256 is required)']);
  });
});
