import type { ResponseEnvelope } from 'ask-sdk-model';
import { promptsFor } from './prompts';

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/**
 * Turns plain prompt text into SSML-safe text. Written here because ask-sdk-core's escapeXmlCharacters
 * first un-escapes entities, which would turn a name typed as "&amp;" into markup.
 */
export function ssmlText(text: string): string {
  return text.replace(/[&<>"']/g, (char) => XML_ESCAPES[char] as string);
}

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
