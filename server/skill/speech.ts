import type { ResponseEnvelope } from 'ask-sdk-model';
import { ssmlText } from '../../kit/ask-sdk';
import { promptsFor } from './prompts';

/** SSML-safe text (the kit's escaping, kept under this name for the demo's handlers). */
export { ssmlText };

/**
 * A complete, valid Alexa response that apologises and ends the session: what the endpoint answers
 * when something fails outside the skill's own error handler (never a 500, never an empty body).
 */
export function apologyEnvelope(locale: unknown, skillName: string): ResponseEnvelope {
  return {
    version: '1.0',
    response: {
      outputSpeech: { type: 'SSML', ssml: `<speak>${ssmlText(promptsFor(locale).apology({ skill: skillName }))}</speak>` },
      shouldEndSession: true,
    },
  };
}
