import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { SettingsError } from '../../../server/config/env';
import { loadSettings } from '../../../server/config/settings';
import { KeyRing } from '../../../server/oauth/keys';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadSettings(env);
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
  return [];
}

const ecPem = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

function productionEnv(): Record<string, string> {
  return {
    NODE_ENV: 'production',
    PUBLIC_URL: 'https://link.ridehailer.example',
    REDIS_URL: 'redis://127.0.0.1:6379',
    OAUTH_CLIENT_ID: 'alexa',
    OAUTH_CLIENT_SECRET: 'k3y-8f1b0c2d7e4a9b6c5d0e1f2a3b4c',
    ALEXA_VENDOR_ID: 'M2AB3CD4EF5GH',
    SIGNING_KEYS: ecPem(),
    SKILL_ID: 'amzn1.ask.skill.11111111-2222-3333-4444-555555555555',
    APP_LINKS_ENABLED: 'false',
    BRAND_NAME: 'Ride Hailer',
  };
}

describe('settings', () => {
  it('starts in development with nothing set: generated secret, demo account, memory store', () => {
    const settings = loadSettings({});
    expect(settings.production).to.equal(false);
    expect(settings.port).to.equal(3000);
    expect(settings.publicUrl).to.equal('http://localhost:3000');
    expect(settings.redis.url).to.equal(undefined);
    expect(settings.oauth.clientSecretGenerated).to.equal(true);
    expect(settings.oauth.clientSecret).to.have.length.greaterThan(20);
    expect(settings.demo?.username).to.equal('rider@example.com');
    expect(settings.oauth.accessTokenTtlSec).to.equal(3600);
  });

  it('derives the three Alexa redirect URLs from the vendor id, plus extra exact URIs', () => {
    const settings = loadSettings({ ALEXA_VENDOR_ID: 'M2AB3CD4EF5GH', OAUTH_REDIRECT_URIS: 'https://alexa.amazon.com/api/skill/link/X, https://app.example/return' });
    expect(settings.oauth.redirectUris).to.include.members([
      'https://pitangui.amazon.com/api/skill/link/M2AB3CD4EF5GH',
      'https://layla.amazon.com/api/skill/link/M2AB3CD4EF5GH',
      'https://alexa.amazon.co.jp/api/skill/link/M2AB3CD4EF5GH',
      'https://alexa.amazon.com/api/skill/link/X',
      'https://app.example/return',
    ]);
  });

  it('accepts a complete production configuration', () => {
    const settings = loadSettings(productionEnv());
    expect(settings.production).to.equal(true);
    expect(settings.demo).to.equal(undefined);
    expect(KeyRing.fromPems(settings.oauth.signingKeyPems).active.alg).to.equal('ES256');
  });

  it('refuses production without Redis, signing key, https or a real secret, one line each', () => {
    const env = productionEnv();
    delete (env as Record<string, string | undefined>).REDIS_URL;
    delete (env as Record<string, string | undefined>).SIGNING_KEYS;
    env.PUBLIC_URL = 'http://link.ridehailer.example';
    env.OAUTH_CLIENT_SECRET = 'changeme';
    const problems = problemsOf(env);
    expect(problems.some((p) => p.startsWith('REDIS_URL is required'))).to.equal(true);
    expect(problems.some((p) => p.startsWith('SIGNING_KEYS or SIGNING_KEY_FILES is required'))).to.equal(true);
    expect(problems.some((p) => p.startsWith('PUBLIC_URL must be https'))).to.equal(true);
    expect(problems.some((p) => p.startsWith('OAUTH_CLIENT_SECRET is a default or too short'))).to.equal(true);
  });

  it('refuses a missing secret and missing redirect URIs in production', () => {
    const env = productionEnv();
    delete (env as Record<string, string | undefined>).OAUTH_CLIENT_SECRET;
    delete (env as Record<string, string | undefined>).ALEXA_VENDOR_ID;
    const problems = problemsOf(env);
    expect(problems).to.include('OAUTH_CLIENT_SECRET is required in production');
    expect(problems.some((p) => p.startsWith('ALEXA_VENDOR_ID (or OAUTH_REDIRECT_URIS) is required'))).to.equal(true);
  });

  it('refuses demo credentials in production', () => {
    const problems = problemsOf({ ...productionEnv(), DEMO_PASSWORD: 'hunter22' });
    expect(problems.some((p) => p.startsWith('DEMO_USERNAME/DEMO_PASSWORD must not be set in production'))).to.equal(true);
  });

  it('never lets the access-token lifetime drop below Alexa\'s 360 s minimum', () => {
    expect(problemsOf({ ACCESS_TOKEN_TTL: '300' })).to.deep.equal(['ACCESS_TOKEN_TTL must be between 360 and 2592000, got 300']);
    expect(loadSettings({ ACCESS_TOKEN_TTL: '360' }).oauth.accessTokenTtlSec).to.equal(360);
  });

  it('reports malformed values precisely', () => {
    const problems = problemsOf({ PORT: 'eighty', PUBLIC_URL: 'ftp://x', ALEXA_VENDOR_ID: 'bad id!', OAUTH_REDIRECT_URIS: 'not a url', LOG_LEVEL: 'loud' });
    expect(problems).to.include('PORT must be a whole number, got "eighty"');
    expect(problems).to.include('PUBLIC_URL must be an absolute http(s) URL, got "ftp://x"');
    expect(problems).to.include('ALEXA_VENDOR_ID must be letters and digits as the console shows it, got "bad id!"');
    expect(problems).to.include('OAUTH_REDIRECT_URIS entry is not an absolute URL: "not a url"');
    expect(problems.some((p) => p.startsWith('LOG_LEVEL must be one of'))).to.equal(true);
  });

  it('reads several signing keys, inline with escaped newlines or from files, first one signing', () => {
    const first = ecPem();
    const second = ecPem();
    const dir = mkdtempSync(join(tmpdir(), 'lw-keys-'));
    const file = join(dir, 'old.pem');
    writeFileSync(file, second);
    const settings = loadSettings({ SIGNING_KEYS: first.replace(/\n/g, '\\n'), SIGNING_KEY_FILES: file });
    const ring = KeyRing.fromPems(settings.oauth.signingKeyPems);
    expect(ring.keys).to.have.length(2);
    expect(ring.jwks().keys).to.have.length(2);
    expect(ring.active.kid).to.equal(KeyRing.fromPems([first]).active.kid);
  });

  it('explains unreadable or empty key sources', () => {
    const problems = problemsOf({ SIGNING_KEYS: 'not a pem', SIGNING_KEY_FILES: '/nonexistent/key.pem' });
    expect(problems).to.include('SIGNING_KEYS holds no PEM private key block');
    expect(problems).to.include('SIGNING_KEY_FILES: cannot read /nonexistent/key.pem (ENOENT)');
  });

  it('names the setting and the position of a malformed signing key, and of one it cannot use', () => {
    const good = ecPem();
    const lines = good.trim().split('\n');
    // A block that looks like PEM but whose body is damaged (a bad paste): the second of three.
    const damaged = [lines[0], 'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg', lines[lines.length - 1]].join('\n');
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const problems = problemsOf({ SIGNING_KEYS: [good, damaged, weak].join('\n') });
    expect(problems.some((p) => p.startsWith('SIGNING_KEYS key 2 of 3 (index 1) is not a valid PEM private key')), problems.join('\n')).to.equal(true);
    expect(problems).to.include('SIGNING_KEYS key 3 of 3 (index 2): RSA keys must be at least 2048 bits');
    expect(problems.filter((p) => p.includes('key 1 of 3'))).to.deep.equal([]);
    const dir = mkdtempSync(join(tmpdir(), 'lw-keys-'));
    writeFileSync(join(dir, 'bad.pem'), damaged);
    const fromFile = problemsOf({ SIGNING_KEY_FILES: join(dir, 'bad.pem') });
    expect(fromFile.some((p) => p.startsWith(`SIGNING_KEY_FILES ${join(dir, 'bad.pem')} key 1 of 1 (index 0) is not a valid PEM private key`)), fromFile.join('\n')).to.equal(true);
  });

  it('refuses keys the token signer cannot pin safely', () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(() => KeyRing.fromPems([weak])).to.throw('RSA keys must be at least 2048 bits');
    const ed = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(() => KeyRing.fromPems([ed])).to.throw('not supported');
  });
});
