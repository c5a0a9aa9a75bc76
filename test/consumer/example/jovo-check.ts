import Module from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestSuite } from '@jovotech/framework';
import { AlexaPlatform } from '@jovotech/platform-alexa';
import { app } from './jovo-app.js';

// Jovo's TestSuite requires @jest/globals (when constructed) for its clean-up hooks; this driver runs
// without Jest and turns the hooks off (deleteAfterEach/All false, clearData before each request), so a stand-in module will do.
const STAND_IN = join(__dirname, 'jest-globals-stand-in.js');
const standIn = new Module(STAND_IN);
standIn.filename = STAND_IN;
standIn.loaded = true;
standIn.exports = { afterEach: () => undefined, afterAll: () => undefined };
require.cache[STAND_IN] = standIn;
const loader = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const resolve = loader._resolveFilename;
loader._resolveFilename = (request, ...rest) => (request === '@jest/globals' ? STAND_IN : resolve(request, ...rest));

/** Runs the Alexa envelopes of the JSON file argv[2] through the app with Jovo's TestSuite; writes the responses to argv[3]. */
async function main(): Promise<void> {
  const suite = new TestSuite({ app, platform: AlexaPlatform, data: { deleteAfterAll: false, deleteAfterEach: false } });
  const envelopes = JSON.parse(readFileSync(process.argv[2] as string, 'utf8')) as Array<{ request: { locale: string }; session: { user: { userId: string } } }>;
  const responses: unknown[] = [];
  for (const envelope of envelopes) {
    suite.clearData();
    suite.config.locale = envelope.request.locale;
    suite.config.userId = envelope.session.user.userId;
    responses.push((await suite.run(envelope as never)).response);
  }
  // Not stdout: Jovo's request logging writes there.
  writeFileSync(process.argv[3] as string, JSON.stringify(responses));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
