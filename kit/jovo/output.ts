import type { Response } from 'ask-sdk-model';
import type { OutputTemplate } from '@jovotech/framework';

const SPEAK_TAGS = /^<speak>|<\/speak>$/g;

/**
 * An ASK `Response` the linking core built, as a Jovo output template: the speech as `message` and
 * `reprompt` (already SSML-escaped, so Jovo's `<speak>` wrapping gives the same SSML), `listen` from
 * `shouldEndSession`, and what Jovo has no generic field for (the LinkAccount card, the
 * Connections.StartConnection directive) in `platforms.alexa.nativeResponse`.
 */
export function toOutputTemplate(response: Response): OutputTemplate {
  const native: Record<string, unknown> = {};
  if (response.card !== undefined) native.card = response.card;
  if (response.directives !== undefined) native.directives = response.directives;
  // Voice-forward linking hands the session to Alexa's dialog: shouldEndSession must be absent, and an
  // explicit undefined in the native response is how Jovo's merge removes the one `listen` put there.
  if (response.shouldEndSession === undefined) native.shouldEndSession = undefined;
  const speech = response.outputSpeech?.type === 'SSML' ? response.outputSpeech.ssml.replace(SPEAK_TAGS, '') : undefined;
  const reprompt = response.reprompt?.outputSpeech?.type === 'SSML' ? response.reprompt.outputSpeech.ssml.replace(SPEAK_TAGS, '') : undefined;
  return {
    ...(speech !== undefined ? { message: speech } : {}),
    ...(reprompt !== undefined ? { reprompt } : {}),
    listen: response.shouldEndSession !== true,
    platforms: { alexa: { nativeResponse: { response: native } } },
  };
}
