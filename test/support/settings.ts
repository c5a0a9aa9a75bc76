import { generateKeyPairSync } from 'node:crypto';
import { loadSettings, type Settings } from '../../server/config/settings';
import { type Env, SettingsError } from '../../server/config/env';

export const TEST_CLIENT_ID = 'alexa-test-client';
export const TEST_CLIENT_SECRET = 'test-secret-0123456789abcdefghij';
export const TEST_VENDOR_ID = 'M2TESTVENDOR1';

/** Settings for a test service on `port`: a fixed client, the three Alexa redirect URLs, quiet logs. */
export function testSettings(port: number, env: Env = {}): Settings {
  return loadSettings({
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    LOG_LEVEL: 'silent',
    OAUTH_CLIENT_ID: TEST_CLIENT_ID,
    OAUTH_CLIENT_SECRET: TEST_CLIENT_SECRET,
    ALEXA_VENDOR_ID: TEST_VENDOR_ID,
    DEMO_ACCOUNT: 'false',
    ...env,
  });
}

/** The problems loadSettings refuses `env` with, one line each; [] when it loads. Other errors still throw. */
export function settingsProblems(env: Env): string[] {
  try {
    loadSettings(env);
    return [];
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
}

/** A complete production configuration that loads (a fresh ES256 signing key), so each test changes one thing. */
export function productionEnv(extra: Record<string, string> = {}): Record<string, string> {
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
