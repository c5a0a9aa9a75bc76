import { expect } from 'chai';
import { hashPassword } from '../../../server/accounts/passwords';
import { SettingsError } from '../../../server/config/env';
import { loadSettings } from '../../../server/config/settings';

/** A production configuration that loads, so each test changes one thing. */
const PRODUCTION = {
  NODE_ENV: 'production',
  PUBLIC_URL: 'https://link.example.com',
  REDIS_URL: 'redis://127.0.0.1:6379',
  OAUTH_CLIENT_ID: 'alexa-skill',
  OAUTH_CLIENT_SECRET: 'a-long-random-client-secret-0123456789',
  ALEXA_VENDOR_ID: 'M2TESTVENDOR1',
  SIGNING_KEYS: '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgevZzL1gdAFr88hb2OF/2NxApJCzGCEDdfSp6VQO30hyhRANCAAQRWz+jn65BtOMvdyHKcvjBeBSDZH2r1RTwjmYSi9R/zpBnuQ4EiMnCqfMPWiZqB4QdbAd0E7oH50VpuZ1P087G\n-----END PRIVATE KEY-----',
  APP_LINKS_ENABLED: 'false',
  BRAND_NAME: 'Ride Hailer',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadSettings(env);
    return [];
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
}

describe('ops settings', () => {
  it('turns /metrics and the diagnostics pages off when nothing is set', () => {
    const ops = loadSettings({ DEMO_ACCOUNT: 'false' }).ops;
    expect(ops.metricsToken).to.equal(undefined);
    expect(ops.admin).to.equal(undefined);
    expect(ops).to.deep.include({ failuresKept: 100, adminSessionTtlSec: 1800, adminLoginMaxAttempts: 10, adminLoginWindowSec: 900 });
    expect(ops.alexa).to.deep.equal({ domains: [], accessTokenScheme: 'HTTP_BASIC', skipOnEnablement: true });
  });

  it('accepts the production configuration this file builds on', () => {
    expect(problemsOf(PRODUCTION)).to.deep.equal([]);
  });

  it('refuses a short or well-known METRICS_TOKEN in production only', () => {
    expect(problemsOf({ ...PRODUCTION, METRICS_TOKEN: 'metrics' })).to.deep.equal(['METRICS_TOKEN is a default or shorter than 16 characters (use openssl rand -base64 32)']);
    expect(problemsOf({ ...PRODUCTION, METRICS_TOKEN: 'short' })).to.have.length(1);
    expect(problemsOf({ ...PRODUCTION, METRICS_TOKEN: 'kT3v9Qx2LmW8pZr4Yb7N' })).to.deep.equal([]);
    expect(loadSettings({ METRICS_TOKEN: 'short' }).ops.metricsToken).to.equal('short');
  });

  it('refuses a METRICS_TOKEN that cannot travel in a header', () => {
    expect(problemsOf({ METRICS_TOKEN: 'two words' })).to.deep.equal(['METRICS_TOKEN must be visible ASCII without spaces (it travels in an Authorization header)']);
  });

  it('needs ADMIN_USERNAME and ADMIN_PASSWORD together', () => {
    expect(problemsOf({ ADMIN_USERNAME: 'ops' })).to.deep.equal(['ADMIN_USERNAME and ADMIN_PASSWORD go together (leave both unset to turn the diagnostics pages off)']);
    expect(problemsOf({ ADMIN_PASSWORD: 'whatever-password' })).to.have.length(1);
    expect(loadSettings({ ADMIN_USERNAME: 'ops', ADMIN_PASSWORD: 'pw' }).ops.admin).to.deep.equal({ username: 'ops', password: 'pw' });
  });

  it('never lets the demo account be the operator', () => {
    const problems = problemsOf({ DEMO_USERNAME: 'rider@example.com', DEMO_PASSWORD: 'demo-password-1', ADMIN_USERNAME: 'Rider@Example.com', ADMIN_PASSWORD: 'demo-password-1' });
    expect(problems).to.deep.equal([
      'ADMIN_USERNAME must not be the demo account (DEMO_USERNAME); operator sign-in is separate from user accounts',
      "ADMIN_PASSWORD must not be the demo account's password",
    ]);
  });

  it('refuses weak or default admin passwords in production, and accepts an scrypt hash', async () => {
    for (const password of ['admin', 'password', 'short-pass', 'operator-operator'.slice(0, 8)]) {
      expect(problemsOf({ ...PRODUCTION, ADMIN_USERNAME: 'operator', ADMIN_PASSWORD: password }), password).to.deep.equal([
        'ADMIN_PASSWORD is a default, equals the user name or is shorter than 16 characters',
      ]);
    }
    expect(problemsOf({ ...PRODUCTION, ADMIN_USERNAME: 'a-long-operator-name', ADMIN_PASSWORD: 'A-LONG-OPERATOR-NAME' })).to.have.length(1);
    expect(problemsOf({ ...PRODUCTION, ADMIN_USERNAME: 'operator', ADMIN_PASSWORD: 'Vq8!r2Lm#9pX4tZw' })).to.deep.equal([]);
    const hash = await hashPassword('anything at all');
    expect(problemsOf({ ...PRODUCTION, ADMIN_USERNAME: 'operator', ADMIN_PASSWORD: hash })).to.deep.equal([]);
    expect(problemsOf({ ADMIN_USERNAME: 'operator', ADMIN_PASSWORD: 'scrypt$broken' })).to.deep.equal(['ADMIN_PASSWORD looks like an scrypt hash but is not scrypt$N$r$p$salt$hash']);
  });

  it('reads the Alexa-only values and refuses malformed ones', () => {
    const settings = loadSettings({ ALEXA_LINKING_DOMAINS: 'cdn.example.com, fonts.example.net', ALEXA_ACCESS_TOKEN_SCHEME: 'REQUEST_BODY_CREDENTIALS', ALEXA_SKIP_LINKING_ON_ENABLEMENT: 'false' });
    expect(settings.ops.alexa).to.deep.equal({ domains: ['cdn.example.com', 'fonts.example.net'], accessTokenScheme: 'REQUEST_BODY_CREDENTIALS', skipOnEnablement: false });
    expect(problemsOf({ ALEXA_LINKING_DOMAINS: 'https://cdn.example.com' })).to.deep.equal(['ALEXA_LINKING_DOMAINS entries are bare host names such as cdn.example.com, got "https://cdn.example.com"']);
    expect(problemsOf({ ALEXA_ACCESS_TOKEN_SCHEME: 'BASIC' })).to.deep.equal(['ALEXA_ACCESS_TOKEN_SCHEME must be one of HTTP_BASIC, REQUEST_BODY_CREDENTIALS, got "BASIC"']);
    expect(problemsOf({ OPS_FAILURES_KEPT: '5' })).to.deep.equal(['OPS_FAILURES_KEPT must be between 10 and 1000, got 5']);
  });
});
