import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { main } from '../../scripts/alexa-config';
import { SECRET_PLACEHOLDER } from '../../server/ops/alexa-config';
import { CUSTOM_SKILL, deploymentClients, SMART_HOME, writeClientsFile } from '../support/clients-file';

const run = promisify(execFile);

const ENV = {
  PUBLIC_URL: 'https://link.example.com',
  OAUTH_CLIENT_ID: 'alexa-skill',
  OAUTH_CLIENT_SECRET: 'a-long-random-client-secret-0123456789',
  ALEXA_VENDOR_ID: 'M2TESTVENDOR1',
  SKILL_ID: 'amzn1.ask.skill.11111111-2222-3333-4444-555555555555',
  DEMO_ACCOUNT: 'false',
};

/** Runs the command in-process and returns its exit code and output lines. */
function command(args: string[], env: Record<string, string | undefined>): { code: number; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(args, env, (line) => out.push(line), (line) => err.push(line));
  return { code, out: out.join('\n').split('\n'), err: err.join('\n').split('\n') };
}

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

describe('npm run alexa:config (scripts/alexa-config.ts)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lw-alexa-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('by default writes the account-linking configuration only, and says nothing of ask deploy (it would overwrite your own skill)', () => {
    const out = join(dir, 'linking');
    const result = command(['--out', out], ENV);
    expect(result.code, result.err.join('\n')).to.equal(0);
    expect(readdirSync(out, { recursive: true }).map(String).sort()).to.deep.equal(['skill-package', 'skill-package/accountLinking.json']);
    const linking = readJson(join(out, 'skill-package', 'accountLinking.json')) as { accountLinkingRequest: Record<string, unknown> };
    expect(linking.accountLinkingRequest).to.include({ authorizationUrl: 'https://link.example.com/oauth/authorize', clientSecret: SECRET_PLACEHOLDER });
    const text = result.out.join('\n');
    expect(text).not.to.include('ask deploy');
    expect(text).to.include(`ask smapi update-account-linking-info -s ${ENV.SKILL_ID}`);
  });

  it('with --demo-skill writes the demo ASK CLI project: resources, states with the skill id, manifest pointing here, models, account linking', () => {
    const out = join(dir, 'project');
    const result = command(['--out', out, '--demo-skill'], ENV);
    expect(result.code, result.err.join('\n')).to.equal(0);

    expect(readJson(join(out, 'ask-resources.json'))).to.deep.equal({ askcliResourcesVersion: '2020-03-31', profiles: { default: { skillMetadata: { src: './skill-package' } } } });
    expect(readJson(join(out, '.ask', 'ask-states.json'))).to.deep.equal({ askcliStatesVersion: '2020-03-31', profiles: { default: { skillId: ENV.SKILL_ID } } });

    const manifest = readJson(join(out, 'skill-package', 'skill.json')) as { manifest: { apis: { custom: { endpoint: unknown } }; events: { endpoint: unknown; subscriptions: unknown[] } } };
    expect(manifest.manifest.apis.custom.endpoint).to.deep.equal({ uri: 'https://link.example.com/alexa', sslCertificateType: 'Trusted' });
    expect(manifest.manifest.events.endpoint).to.deep.equal({ uri: 'https://link.example.com/alexa', sslCertificateType: 'Trusted' });
    expect(manifest.manifest.events.subscriptions.length).to.be.greaterThan(0);

    const models = readdirSync(join(out, 'skill-package', 'interactionModels', 'custom')).sort();
    expect(models).to.deep.equal(readdirSync('skill-package/interactionModels/custom').filter((f) => f.endsWith('.json')).sort());
    for (const model of models) {
      expect(readFileSync(join(out, 'skill-package', 'interactionModels', 'custom', model), 'utf8')).to.equal(readFileSync(join('skill-package', 'interactionModels', 'custom', model), 'utf8'));
    }

    const linkingFile = join(out, 'skill-package', 'accountLinking.json');
    const linking = readJson(linkingFile) as { accountLinkingRequest: Record<string, unknown> };
    expect(Object.keys(linking)).to.deep.equal(['accountLinkingRequest']);
    expect(linking.accountLinkingRequest).to.include({
      type: 'AUTH_CODE',
      authorizationUrl: 'https://link.example.com/oauth/authorize',
      accessTokenUrl: 'https://link.example.com/oauth/token',
      clientId: 'alexa-skill',
      clientSecret: SECRET_PLACEHOLDER,
      accessTokenScheme: 'HTTP_BASIC',
      defaultTokenExpirationInSeconds: 3600,
      voiceForwardAccountLinking: 'DISABLED',
    });
    expect(linking.accountLinkingRequest.redirectUrls).to.deep.equal(['https://link.example.com/app-links/return']);
    expect(statSync(linkingFile).mode & 0o777).to.equal(0o600);
    expect(readFileSync(linkingFile, 'utf8')).not.to.include(ENV.OAUTH_CLIENT_SECRET);

    const text = result.out.join('\n');
    expect(text).to.include('  Authorization URI:        https://link.example.com/oauth/authorize');
    expect(text).to.include(`ask smapi update-account-linking-info -s ${ENV.SKILL_ID} -g development --account-linking-request file:skill-package/accountLinking.json`);
    expect(text).not.to.include(ENV.OAUTH_CLIENT_SECRET);
  });

  it('puts the secret in with --with-secret, and refuses to when the secret is generated for this run', () => {
    const out = join(dir, 'secret');
    expect(command(['--out', out, '--with-secret'], ENV).code).to.equal(0);
    expect((readJson(join(out, 'skill-package', 'accountLinking.json')) as { accountLinkingRequest: { clientSecret: string } }).accountLinkingRequest.clientSecret).to.equal(ENV.OAUTH_CLIENT_SECRET);

    const { OAUTH_CLIENT_SECRET: _unset, ...generated } = ENV;
    const refused = command(['--out', join(dir, 'generated'), '--with-secret'], generated);
    expect(refused.code).to.equal(1);
    expect(refused.err).to.deep.equal([
      'Alexa would refuse this configuration; nothing was written:',
      '  - OAUTH_CLIENT_SECRET is unset, so the service makes up a new secret at every start: set it before writing it into the console',
    ]);
    expect(existsSync(join(dir, 'generated'))).to.equal(false);
  });

  it('refuses settings Alexa would reject, one line each, and writes nothing', () => {
    const domains = Array.from({ length: 16 }, (_, i) => `d${i}.example.com`).join(',');
    const out = join(dir, 'refused');
    const refused = command(['--out', out], { ...ENV, PUBLIC_URL: 'http://link.example.com', APP_LINKS_ENABLED: 'false', ALEXA_LINKING_DOMAINS: domains });
    expect(refused.code).to.equal(1);
    expect(refused.err).to.deep.equal([
      'Alexa would refuse this configuration; nothing was written:',
      "  - PUBLIC_URL is http://link.example.com: Alexa accepts only https authorization and token URLs (set PUBLIC_URL to the service's public https address)",
      '  - ALEXA_LINKING_DOMAINS lists 16 domains: Alexa accepts at most 15',
    ]);
    expect(existsSync(out)).to.equal(false);
    expect(command(['--check'], { ...ENV, PUBLIC_URL: 'https://link.example.com:8443' }).code).to.equal(1);
  });

  it('prints the accountLinkingRequest with --print and checks without writing with --check', () => {
    const printed = command(['--print'], ENV);
    expect(printed.code).to.equal(0);
    const body = JSON.parse(printed.out.join('\n')) as { accountLinkingRequest: { clientId: string } };
    expect(body.accountLinkingRequest.clientId).to.equal('alexa-skill');
    const checked = command(['--check'], ENV);
    expect(checked.code).to.equal(0);
    expect(checked.out[0]).to.equal('The account-linking configuration is one Alexa accepts:');
  });

  it('configures one skill of a CLIENTS_FILE with --client: its id, secret, scopes and redirect URLs', () => {
    const env = { PUBLIC_URL: ENV.PUBLIC_URL, SKILL_ID: ENV.SKILL_ID, DEMO_ACCOUNT: 'false', CLIENTS_FILE: writeClientsFile(deploymentClients()) };
    const first = JSON.parse(command(['--print'], env).out.join('\n')) as { accountLinkingRequest: { clientId: string; scopes: string[] } };
    expect(first.accountLinkingRequest).to.deep.include({ clientId: CUSTOM_SKILL.id, scopes: ['profile', 'rides'] });
    const home = command(['--check', '--client', SMART_HOME.id, '--with-secret'], env);
    expect(home.code, home.err.join('\n')).to.equal(0);
    expect(home.out).to.include(`  Your Client ID:           ${SMART_HOME.id}`);
    expect(home.out).to.include('  Scope:                    profile devices');
    expect(home.out).to.include(`  Alexa Redirect URLs:      https://pitangui.amazon.com/api/skill/link/${SMART_HOME.vendor}`);
    // Its secret is only a hash in the file: it cannot be printed, only pasted from where it is kept.
    expect(home.out.join('\n')).to.include('CLIENTS_FILE holds only its hash').and.not.include(SMART_HOME.secret);
    const wrong = command(['--client', 'rides-app'], env);
    expect(wrong.code).to.equal(2);
    expect(wrong.err[0]).to.equal(`--client rides-app is not an Alexa client of these settings (Alexa clients: ${CUSTOM_SKILL.id}, ${SMART_HOME.id})`);
  });

  it('reports unreadable settings (78) and unknown options (2)', () => {
    const unreadable = command([], { ...ENV, ACCESS_TOKEN_TTL: '60' });
    expect(unreadable.code).to.equal(78);
    expect(unreadable.err).to.deep.equal(['The settings cannot be read:', '  - ACCESS_TOKEN_TTL must be between 360 and 2592000, got 60']);
    const unknown = command(['--secret'], ENV);
    expect(unknown.code).to.equal(2);
    expect(unknown.err[0]).to.match(/Unknown option '--secret'/);
  });

  it('runs as the npm script does (tsx), exiting 1 with the refusal on stderr', async () => {
    let failure: { code?: number; stderr?: string } | undefined;
    try {
      await run(process.execPath, ['--require', 'tsx/cjs', 'scripts/alexa-config.ts', '--check'], { env: { PATH: process.env.PATH, ...ENV, PUBLIC_URL: 'http://insecure.example' }, timeout: 20_000 });
    } catch (error) {
      failure = error as { code?: number; stderr?: string };
    }
    expect(failure?.code).to.equal(1);
    expect(failure?.stderr).to.include('  - PUBLIC_URL is http://insecure.example: Alexa accepts only https');
    const ok = await run(process.execPath, ['--require', 'tsx/cjs', 'scripts/alexa-config.ts', '--out', join(dir, 'spawned')], { env: { PATH: process.env.PATH, ...ENV }, timeout: 20_000 });
    expect(ok.stdout).to.include(`Wrote the account-linking configuration to ${join(dir, 'spawned')}:`);
    expect(existsSync(join(dir, 'spawned', 'skill-package', 'accountLinking.json'))).to.equal(true);
  });
});
