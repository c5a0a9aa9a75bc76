import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { SettingsError } from '../../server/config/env';
import { loadSettings } from '../../server/config/settings';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadSettings(env);
    return [];
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
}

const KEY = randomBytes(32).toString('base64');

function productionEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    PUBLIC_URL: 'https://link.ridehailer.example',
    REDIS_URL: 'redis://127.0.0.1:6379',
    OAUTH_CLIENT_ID: 'alexa',
    OAUTH_CLIENT_SECRET: 'k3y-8f1b0c2d7e4a9b6c5d0e1f2a3b4c',
    ALEXA_VENDOR_ID: 'M2AB3CD4EF5GH',
    SIGNING_KEYS: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    SKILL_ID: 'amzn1.ask.skill.11111111-2222-3333-4444-555555555555',
    BRAND_NAME: 'Ride Hailer',
    ...extra,
  };
}

describe('app-links settings', () => {
  it('starts in development with nothing set: demo apps, a generated key, and the Amazon values still missing', () => {
    const settings = loadSettings({}).appLinks;
    expect(settings.enabled).to.equal(true);
    expect(settings.appRedirectUrl).to.equal('http://localhost:3000/app-links/return');
    expect(settings.skillStage).to.equal('development');
    expect(settings.enablementRedirect, 'step 6: the redirect URI for your app').to.equal('app');
    expect(settings.accountProvider).to.equal('ours');
    expect(settings.stateTtlSec).to.equal(600);
    expect(settings.encryptionKeyGenerated).to.equal(true);
    expect(settings.encryptionKeys[0]).to.have.length(32);
    expect(settings.missing).to.deep.equal(['LWA_CLIENT_ID', 'LWA_CLIENT_SECRET', 'SKILL_ID']);
    expect(settings.files.apple).to.be.instanceOf(Buffer);
    expect(settings.files.android).to.be.instanceOf(Buffer);
  });

  it('reads APP_LINKS_ENABLEMENT_REDIRECT (app or alexa) and refuses anything else', () => {
    expect(loadSettings({ APP_LINKS_ENABLEMENT_REDIRECT: 'alexa' }).appLinks.enablementRedirect).to.equal('alexa');
    expect(loadSettings({ APP_LINKS_ENABLEMENT_REDIRECT: 'app' }).appLinks.enablementRedirect).to.equal('app');
    expect(problemsOf({ APP_LINKS_ENABLEMENT_REDIRECT: 'both' }).join('\n')).to.include('APP_LINKS_ENABLEMENT_REDIRECT');
  });

  it('reads a full configuration', () => {
    const previous = randomBytes(32).toString('base64url');
    const settings = loadSettings({
      LWA_CLIENT_ID: 'amzn1.application-oa2-client.0123456789abcdef0123456789abcdef',
      LWA_CLIENT_SECRET: 'secret',
      SKILL_ID: 'amzn1.ask.skill.x',
      SKILL_STAGE: 'live',
      PUBLIC_URL: 'https://www.ridehailer.example',
      APP_REDIRECT_URL: 'https://www.ridehailer.example/app-links/return?from=alexa',
      APP_LINKS_ENCRYPTION_KEY: KEY,
      APP_LINKS_PREVIOUS_ENCRYPTION_KEYS: previous,
      APP_LINKS_STATE_TTL: '300',
      APP_LINKS_AMAZON_RETRIES: '3',
    }).appLinks;
    expect(settings.skillStage).to.equal('live');
    expect(settings.appRedirectUrl).to.equal('https://www.ridehailer.example/app-links/return?from=alexa');
    expect(settings.association.paths).to.deep.equal(['/app-links/return', '/app-links/authorize']);
    expect(settings.encryptionKeys.map((k) => k.toString('base64'))).to.deep.equal([KEY, Buffer.from(previous, 'base64url').toString('base64')]);
    expect(settings.encryptionKeyGenerated).to.equal(false);
    expect(settings.stateTtlSec).to.equal(300);
    expect(settings.retry.retries).to.equal(3);
    expect(settings.missing).to.deep.equal([]);
  });

  it('accepts production with app links configured', () => {
    const settings = loadSettings(
      productionEnv({
        LWA_CLIENT_ID: 'amzn1.application-oa2-client.0123456789abcdef0123456789abcdef',
        LWA_CLIENT_SECRET: 'amzn1.oa2-cs.v1.secret',
        APP_LINKS_ENCRYPTION_KEY: KEY,
        APP_IOS_APP_IDS: 'ABCDE12345.com.example.linkwright',
        APP_ANDROID_PACKAGE: 'com.example.linkwright',
        APP_ANDROID_CERT_SHA256: '3B:4F:1C:2A:9D:E0:71:56:C8:0B:AF:64:12:D7:93:E5:20:6C:B1:4A:F8:37:D9:05:6E:A2:C3:18:7B:90:4D:E6',
      }),
    );
    expect(settings.appLinks.appRedirectUrl).to.equal('https://link.ridehailer.example/app-links/return');
  });

  it('refuses production with app links enabled but unconfigured, one line per missing value', () => {
    const problems = problemsOf(productionEnv({ SKILL_ID: '' }));
    expect(problems).to.include('LWA_CLIENT_ID is required when APP_LINKS_ENABLED is true (set APP_LINKS_ENABLED=false to run without app-to-app linking)');
    expect(problems).to.include('LWA_CLIENT_SECRET is required when APP_LINKS_ENABLED is true (set APP_LINKS_ENABLED=false to run without app-to-app linking)');
    expect(problems).to.include('SKILL_ID is required when APP_LINKS_ENABLED is true (set APP_LINKS_ENABLED=false to run without app-to-app linking)');
    expect(problems).to.include('APP_LINKS_ENCRYPTION_KEY is required in production when APP_LINKS_ENABLED is true (it encrypts the stored Amazon tokens)');
    expect(problems).to.include('APP_IOS_APP_IDS or APP_ANDROID_PACKAGE is required when APP_LINKS_ENABLED is true (the apps the links open)');
    expect(problemsOf(productionEnv({ APP_LINKS_ENABLED: 'false' }))).to.deep.equal([]);
  });

  it('refuses an http return URL in production and a fragment anywhere', () => {
    expect(problemsOf(productionEnv({ APP_LINKS_ENABLED: 'true', APP_REDIRECT_URL: 'http://www.ridehailer.example/r' }))).to.include(
      'APP_REDIRECT_URL must be https in production (a universal link), got "http://www.ridehailer.example/r"',
    );
    expect(problemsOf({ APP_REDIRECT_URL: 'https://www.ridehailer.example/r#x' })).to.include('APP_REDIRECT_URL must not have a fragment, got "https://www.ridehailer.example/r#x"');
  });

  it('refuses keys that are not 32 bytes of base64', () => {
    expect(problemsOf({ APP_LINKS_ENCRYPTION_KEY: randomBytes(16).toString('base64') })).to.deep.equal(['APP_LINKS_ENCRYPTION_KEY must be 32 random bytes in base64 (openssl rand -base64 32)']);
    expect(problemsOf({ APP_LINKS_ENCRYPTION_KEY: 'not base64 at all!' })).to.have.length(1);
    expect(problemsOf({ APP_LINKS_ENCRYPTION_KEY: KEY, APP_LINKS_PREVIOUS_ENCRYPTION_KEYS: 'short' })).to.deep.equal(['APP_LINKS_PREVIOUS_ENCRYPTION_KEYS must be 32 random bytes in base64 (openssl rand -base64 32)']);
  });

  it('reports bad choices and numbers precisely', () => {
    const problems = problemsOf({ SKILL_STAGE: 'certified', APP_LINKS_STATE_TTL: '5', APP_LINKS_AMAZON_RETRIES: 'many' });
    expect(problems).to.include('SKILL_STAGE must be one of development, live, got "certified"');
    expect(problems).to.include('APP_LINKS_STATE_TTL must be between 60 and 3600, got 5');
    expect(problems).to.include('APP_LINKS_AMAZON_RETRIES must be a whole number, got "many"');
  });

  it('takes the account provider from SKILL_LINKING_PROVIDER (Alexa redeems codes where the skill links)', () => {
    expect(loadSettings({}).appLinks.accountProvider).to.equal('ours');
    expect(loadSettings({ SKILL_LINKING_PROVIDER: 'builtin' }).appLinks.accountProvider).to.equal('ours');
    expect(loadSettings({ SKILL_LINKING_PROVIDER: 'lwa' }).appLinks.accountProvider).to.equal('lwa');
    const oidc = { SKILL_LINKING_PROVIDER: 'oidc', OIDC_ISSUER: 'https://ridehailer.eu.auth0.com/', OIDC_JWKS_URL: 'https://ridehailer.eu.auth0.com/.well-known/jwks.json', OIDC_AUDIENCE: 'https://api.ridehailer.example' };
    expect(loadSettings(oidc).appLinks.accountProvider).to.equal('oidc');
  });
});
