import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import { SettingsError } from '../../../server/config/env';
import { loadSettings } from '../../../server/config/settings';
import { APP, BACKEND, CUSTOM_SKILL, deploymentClients, secretHash, SMART_HOME, writeClientsFile } from '../../support/clients-file';

const run = promisify(execFile);

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadSettings(env);
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
  return [];
}

describe('CLIENTS_FILE', () => {
  it('reads several kinds of clients with RFC 7591 names, deriving kinds, defaults and the Alexa redirect URLs', () => {
    const settings = loadSettings({ CLIENTS_FILE: writeClientsFile(deploymentClients()), DEMO_ACCOUNT: 'false' });
    const byId = new Map(settings.oauth.clients.map((c) => [c.clientId, c]));
    expect(byId.get(CUSTOM_SKILL.id)).to.deep.include({
      kind: 'alexa',
      clientName: 'Ride Hailer skill',
      secret: CUSTOM_SKILL.secret,
      grantTypes: ['authorization_code', 'refresh_token'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      scopes: ['profile', 'rides'],
      requirePkce: false,
    });
    expect(byId.get(CUSTOM_SKILL.id)?.redirectUris).to.deep.equal([
      `https://pitangui.amazon.com/api/skill/link/${CUSTOM_SKILL.vendor}`,
      `https://layla.amazon.com/api/skill/link/${CUSTOM_SKILL.vendor}`,
      `https://alexa.amazon.co.jp/api/skill/link/${CUSTOM_SKILL.vendor}`,
    ]);
    expect(byId.get(SMART_HOME.id)).to.deep.include({ kind: 'alexa', secret: undefined, secretSha256: secretHash(SMART_HOME.secret).slice(7), requirePkce: true });
    expect(byId.get(APP.id)).to.deep.include({ kind: 'app', secret: undefined, tokenEndpointAuthMethod: 'none', requirePkce: true, redirectUris: [APP.redirect, APP.claimed] });
    expect(byId.get(BACKEND.id)).to.deep.include({ kind: 'service', grantTypes: ['client_credentials'], redirectUris: [], scopes: ['app_links', 'reports'] });
    // The primary Alexa client (the console helper's, app-to-app's) is the first Alexa client.
    expect(settings.oauth).to.include({ clientId: CUSTOM_SKILL.id, clientSecret: CUSTOM_SKILL.secret, vendorId: CUSTOM_SKILL.vendor, clientName: 'Ride Hailer skill' });
    expect(settings.oauth.devCallbackUri).to.equal(undefined);
  });

  it('reads an Alexa client from Alexa redirect URLs alone, and takes a bare array', () => {
    const url = 'https://layla.amazon.com/api/skill/link/M2ONLY';
    const settings = loadSettings({ CLIENTS_FILE: writeClientsFile([{ client_id: 'skill', client_secret: 'x', redirect_uris: [url] }]), DEMO_ACCOUNT: 'false' });
    expect(settings.oauth.clients[0]).to.deep.include({ kind: 'alexa', redirectUris: [url], alexaVendorId: undefined });
    // One non-Alexa redirect URL and nothing else to go by: the kind must be said.
    const unclear = writeClientsFile([{ client_id: 'skill', client_secret: 'x', redirect_uris: [url, 'https://elsewhere.example/cb'] }]);
    expect(problemsOf({ CLIENTS_FILE: unclear })).to.deep.equal(['CLIENTS_FILE clients[0] ("skill"): cannot tell what the client is for: set kind to alexa, app, service, alexa-plus']);
  });

  it('refuses a bad file with one line per problem, naming the client and the field', () => {
    const path = writeClientsFile([
      { client_id: 'skill', alexa_vendor_id: 'M2 BAD', scope: Array.from({ length: 16 }, (_, i) => `s${i}`).join(' ') },
      { client_id: 'app', token_endpoint_auth_method: 'none', client_secret: 'x', redirect_uris: ['http://127.0.0.1/cb', 'myapp:/cb', 'https://app.example/cb#x'], require_pkce: false },
      { client_id: 'backend', grant_types: ['client_credentials', 'password'], client_secret: 'a', client_secret_hash: 'md5:abc' },
      { client_id: 'skill', kind: 'robot', redirect_uri: 'https://typo.example' },
      { client_id: 'a:b', kind: 'service', client_secret: 'x', scope: 'app_links', redirect_uris: ['https://x.example/cb'] },
      'not an object',
    ]);
    expect(problemsOf({ CLIENTS_FILE: path })).to.deep.equal([
      'CLIENTS_FILE clients[0] ("skill"): alexa_vendor_id must be letters and digits as the console shows it, got "M2 BAD"',
      'CLIENTS_FILE clients[0] ("skill"): client_secret or client_secret_hash is required (this client authenticates with a secret)',
      'CLIENTS_FILE clients[0] ("skill"): scope lists 16 scopes; Alexa accepts at most 15',
      'CLIENTS_FILE clients[1] ("app"): a client of kind "app" is public (RFC 8252): it must have no client_secret or client_secret_hash',
      'CLIENTS_FILE clients[1] ("app"): redirect_uris[0] "http://127.0.0.1/cb" must be a claimed https URL or a private-use scheme (RFC 8252 §7); loopback and http redirects are not accepted',
      'CLIENTS_FILE clients[1] ("app"): redirect_uris[1] "myapp:/cb" uses the scheme "myapp": a private-use scheme must be a reverse domain name such as com.example.app (RFC 8252 §7.1)',
      'CLIENTS_FILE clients[1] ("app"): redirect_uris[2] "https://app.example/cb#x" must not have a fragment',
      'CLIENTS_FILE clients[1] ("app"): require_pkce cannot be false for a public client (RFC 8252 requires PKCE)',
      'CLIENTS_FILE clients[2] ("backend"): grant_types has unsupported "password" (supported: authorization_code, refresh_token, client_credentials)',
      'CLIENTS_FILE clients[2] ("backend"): cannot tell what the client is for: set kind to alexa, app, service, alexa-plus',
      'CLIENTS_FILE clients[3] ("skill"): unknown field "redirect_uri" (known: client_id, client_name, kind, client_secret, client_secret_hash, redirect_uris, grant_types, token_endpoint_auth_method, scope, require_pkce, alexa_vendor_id)',
      'CLIENTS_FILE clients[3] ("skill"): kind must be one of alexa, app, service, alexa-plus, got "robot"',
      'CLIENTS_FILE clients[4] ("a:b"): client_id must be 1 to 256 visible ASCII characters without ":"',
      'CLIENTS_FILE clients[4] ("a:b"): a client of kind "service" has no redirects: remove redirect_uris',
      'CLIENTS_FILE clients[5] must be a JSON object',
    ]);
  });

  it('refuses a hash in the wrong form, a secret and a hash together, duplicates, a file without an Alexa client', () => {
    let path = writeClientsFile([
      { client_id: 'skill', alexa_vendor_id: 'M2A', client_secret_hash: 'sha256:1234' },
      { client_id: 'skill', alexa_vendor_id: 'M2B', client_secret: 'a-long-enough-secret-0123456789', client_secret_hash: secretHash('x') },
    ]);
    expect(problemsOf({ CLIENTS_FILE: path })).to.deep.equal([
      'CLIENTS_FILE clients[0] ("skill"): client_secret_hash must be "sha256:" followed by the 64 hex digits of the secret\'s SHA-256 (printf %s "$SECRET" | sha256sum)',
      'CLIENTS_FILE clients[1] ("skill"): give client_secret or client_secret_hash, not both',
    ]);
    path = writeClientsFile([
      { client_id: 'skill', alexa_vendor_id: 'M2A', client_secret: 'a-long-enough-secret-0123456789' },
      { client_id: 'skill', alexa_vendor_id: 'M2B', client_secret: 'a-long-enough-secret-0123456789' },
    ]);
    expect(problemsOf({ CLIENTS_FILE: path })).to.deep.equal(['CLIENTS_FILE clients[1]: client_id "skill" is listed twice']);
    path = writeClientsFile([{ client_id: BACKEND.id, kind: 'service', client_secret: BACKEND.secret, scope: 'app_links' }]);
    expect(problemsOf({ CLIENTS_FILE: path })).to.deep.equal(['CLIENTS_FILE lists no Alexa client (kind "alexa", or one with alexa_vendor_id): Alexa could not link']);
  });

  it('refuses an unreadable or malformed file, and the single-client settings beside it', () => {
    expect(problemsOf({ CLIENTS_FILE: '/nonexistent/clients.json' })).to.deep.equal(['CLIENTS_FILE: cannot read /nonexistent/clients.json (ENOENT)']);
    const broken = writeClientsFile('{ "clients": [ ');
    expect(problemsOf({ CLIENTS_FILE: broken })[0]).to.match(/^CLIENTS_FILE: .*clients\.json is not valid JSON \(/);
    expect(problemsOf({ CLIENTS_FILE: writeClientsFile({ client: [] }) })).to.deep.equal(['CLIENTS_FILE must hold a JSON array of clients, or an object with a "clients" array']);
    const good = writeClientsFile(deploymentClients());
    expect(problemsOf({ CLIENTS_FILE: good, OAUTH_CLIENT_ID: 'x', ALEXA_VENDOR_ID: 'M2X' })).to.deep.equal([
      'CLIENTS_FILE is set, so OAUTH_CLIENT_ID, ALEXA_VENDOR_ID must not be (describe that client in the file)',
    ]);
  });

  it('holds secrets in clear to the production rules; hashes cannot be judged and are accepted', () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const production = { NODE_ENV: 'production', PUBLIC_URL: 'https://link.example', REDIS_URL: 'redis://127.0.0.1:6379', SIGNING_KEYS: key, APP_LINKS_ENABLED: 'false', BRAND_NAME: 'Ride Hailer' };
    const weak = writeClientsFile([{ client_id: 'skill', alexa_vendor_id: 'M2A', client_secret: 'changeme' }]);
    expect(problemsOf({ ...production, CLIENTS_FILE: weak })).to.include('CLIENTS_FILE clients[0] ("skill"): client_secret is a default or too short (use at least 24 random characters)');
    const hashed = writeClientsFile([{ client_id: 'skill', alexa_vendor_id: 'M2A', client_secret_hash: secretHash('a-long-random-secret-0123456789') }]);
    expect(problemsOf({ ...production, CLIENTS_FILE: hashed })).to.deep.equal([]);
  });

  it('makes npm start exit 78 with one line per problem of the file', async () => {
    const path = writeClientsFile([{ client_id: 'app', token_endpoint_auth_method: 'none', client_secret: 'x', redirect_uris: ['myapp:/cb'] }]);
    let failure: { code?: number; stderr?: string } | undefined;
    try {
      await run(process.execPath, ['--require', 'tsx/cjs', 'server/main.ts'], { env: { PATH: process.env.PATH, HOME: process.env.HOME, CLIENTS_FILE: path }, timeout: 20_000 });
    } catch (error) {
      failure = error as { code?: number; stderr?: string };
    }
    expect(failure?.code).to.equal(78);
    const lines = (failure?.stderr ?? '').split('\n').filter(Boolean);
    expect(lines).to.deep.equal([
      'Linkwright cannot start:',
      '  - CLIENTS_FILE clients[0] ("app"): a client of kind "app" is public (RFC 8252): it must have no client_secret or client_secret_hash',
      '  - CLIENTS_FILE clients[0] ("app"): redirect_uris[0] "myapp:/cb" uses the scheme "myapp": a private-use scheme must be a reverse domain name such as com.example.app (RFC 8252 §7.1)',
    ]);
  });
});
