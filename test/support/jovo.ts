import Module from 'node:module';
import { join } from 'node:path';
import type { RequestEnvelope } from 'ask-sdk-model';
import './class-transformer-0.4.1';
import { type App, TestSuite } from '@jovotech/framework';
import { AlexaPlatform, type AlexaResponse } from '@jovotech/platform-alexa';

type Resolve = (request: string, parent: unknown, isMain: boolean, options: unknown) => string;
const loader = Module as unknown as { _resolveFilename: Resolve };
const resolveFilename = loader._resolveFilename;
const BRIDGE = join(__dirname, 'jest-globals-for-mocha.cjs');
// Jovo's TestSuite requires @jest/globals (not installed: the suite runs on mocha); hand it mocha's hooks.
loader._resolveFilename = function resolve(request, parent, isMain, options) {
  return resolveFilename.call(this, request === '@jest/globals' ? BRIDGE : request, parent, isMain, options);
};

/**
 * Jovo's own TestSuite over a Jovo app with the Alexa platform, fed whole Alexa envelopes. TestSuite
 * stamps its configured locale and user id on every request, so they are taken from the envelope first;
 * its data is cleared before each request (what its Jest afterEach hook does).
 */
export class AlexaTestSuite {
  readonly suite: TestSuite<AlexaPlatform>;

  constructor(app: App) {
    this.suite = new TestSuite<AlexaPlatform>({ app, platform: AlexaPlatform, data: { deleteAfterAll: false, deleteAfterEach: false } });
  }

  /** Runs one envelope through the app and answers Alexa's response. */
  async run(envelope: RequestEnvelope): Promise<AlexaResponse> {
    const raw = envelope as unknown as { request?: { locale?: unknown }; session?: { user?: { userId?: unknown } } };
    this.suite.clearData();
    this.suite.config.locale = raw.request?.locale as string;
    const userId = raw.session?.user?.userId;
    if (typeof userId === 'string') this.suite.config.userId = userId;
    const { response } = await this.suite.run(structuredClone(envelope) as never);
    return response as AlexaResponse;
  }
}

/** The speech of a response, without the <speak> tags. */
export function speechOf(response: AlexaResponse | undefined): string {
  const speech = response?.response?.outputSpeech as { ssml?: string } | undefined;
  return speech?.ssml?.replace(/^<speak>|<\/speak>$/g, '') ?? '';
}
