/** The 17 locales Alexa publishes custom skills in: the kit's prompts, the demo skill and every end-user page speak each. */
export const ALEXA_LOCALES = [
  'ar-SA',
  'de-DE',
  'en-AU',
  'en-CA',
  'en-GB',
  'en-IN',
  'en-US',
  'es-ES',
  'es-MX',
  'es-US',
  'fr-CA',
  'fr-FR',
  'hi-IN',
  'it-IT',
  'ja-JP',
  'nl-NL',
  'pt-BR',
] as const;

/** One of the 17 locales Alexa publishes custom skills in (`de-DE`). */
export type AlexaLocale = (typeof ALEXA_LOCALES)[number];

/** The locale that answers when a request names none of ours, not even by its language. */
export const DEFAULT_ALEXA_LOCALE: AlexaLocale = 'en-US';

/** The locale that stands for a language when a request names the bare language or another region of it. */
export const LANGUAGE_DEFAULTS: Readonly<Record<string, AlexaLocale>> = {
  ar: 'ar-SA',
  de: 'de-DE',
  en: 'en-US',
  es: 'es-ES',
  fr: 'fr-FR',
  hi: 'hi-IN',
  it: 'it-IT',
  ja: 'ja-JP',
  nl: 'nl-NL',
  pt: 'pt-BR',
};

const EXACT_LOCALES: ReadonlySet<string> = new Set(ALEXA_LOCALES);
// A Map, not the object: a tag such as `constructor` must not find Object.prototype's members.
const DEFAULT_OF_LANGUAGE: ReadonlyMap<string, AlexaLocale> = new Map(Object.entries(LANGUAGE_DEFAULTS));

/** Whether a value is one of the 17 locales exactly as Alexa writes it (`de-DE`, not `de_de`). */
export function isAlexaLocale(tag: unknown): tag is AlexaLocale {
  return typeof tag === 'string' && EXACT_LOCALES.has(tag);
}

/**
 * One of our locales for a BCP 47 tag: the exact locale (in any case, `_` or `-`), else its language's
 * default (`fr-BE` → `fr-FR`, `pt` → `pt-BR`), else undefined. Never throws, whatever the value is.
 */
export function matchAlexaLocale(tag: unknown): AlexaLocale | undefined {
  if (typeof tag !== 'string') return undefined;
  // The common case first: Alexa sends one of its locales exactly as written, so nothing is normalised.
  if (isAlexaLocale(tag)) return tag;
  const [language = '', region = ''] = tag.trim().replace(/_/g, '-').split('-');
  const normalised = `${language.toLowerCase()}-${region.toUpperCase()}`;
  if (isAlexaLocale(normalised)) return normalised;
  return DEFAULT_OF_LANGUAGE.get(language.toLowerCase());
}

/** The locale that answers a request: as {@link matchAlexaLocale}, else {@link DEFAULT_ALEXA_LOCALE} (en-US). */
export function alexaLocale(tag: unknown): AlexaLocale {
  return matchAlexaLocale(tag) ?? DEFAULT_ALEXA_LOCALE;
}
