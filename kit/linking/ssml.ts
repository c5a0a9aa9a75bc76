const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/**
 * Turns plain text into SSML-safe text. Written here because ask-sdk-core's escapeXmlCharacters first
 * un-escapes entities, which would turn a name typed as "&amp;" into markup.
 */
export function ssmlText(text: string): string {
  return text.replace(/[&<>"']/g, (char) => XML_ESCAPES[char] as string);
}

/** Plain text as an SSML output speech. */
export function ssmlSpeech(text: string): { type: 'SSML'; ssml: string } {
  return { type: 'SSML', ssml: `<speak>${ssmlText(text)}</speak>` };
}
