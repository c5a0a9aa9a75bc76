import { loadSettings, type Settings } from '../../server/config/settings';
import type { Env } from '../../server/config/env';

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
