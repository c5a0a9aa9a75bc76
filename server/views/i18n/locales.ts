/** The 17 locales Alexa publishes skills in; every end-user page speaks each of them. */
export const PAGE_LOCALES = [
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

export type PageLocale = (typeof PAGE_LOCALES)[number];

/** The locale that stands for a language when a visitor asks for the language or another region of it. */
export const LANGUAGE_DEFAULTS: Readonly<Record<string, PageLocale>> = {
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

/** Languages written right to left. */
const RTL_LANGUAGES = new Set(['ar']);

const BY_LOWER = new Map<string, PageLocale>(PAGE_LOCALES.map((locale) => [locale.toLowerCase(), locale]));

/** One of our locales for a BCP 47 tag: the exact locale, else its language's default, else undefined. */
export function supportedLocale(tag: string): PageLocale | undefined {
  const lower = tag.trim().replace(/_/g, '-').toLowerCase();
  const exact = BY_LOWER.get(lower);
  if (exact) return exact;
  const language = lower.split('-')[0] ?? '';
  return LANGUAGE_DEFAULTS[language];
}

/**
 * The first locale of an OpenID Connect `ui_locales` value (space-separated BCP 47 tags, in order of
 * preference) that we speak, or undefined when none is (then Accept-Language decides).
 */
export function localeFromUiLocales(uiLocales: string | undefined): PageLocale | undefined {
  if (uiLocales === undefined) return undefined;
  for (const tag of uiLocales.split(' ')) {
    if (!/^[A-Za-z]{2,3}([_-][A-Za-z0-9]{1,8})*$/.test(tag)) continue;
    const locale = supportedLocale(tag);
    if (locale) return locale;
  }
  return undefined;
}

/** Our locales and their bare languages, the offer Accept-Language is matched against. */
export const NEGOTIABLE_TAGS: readonly string[] = [...PAGE_LOCALES, ...Object.keys(LANGUAGE_DEFAULTS)];

/** The text direction of a locale's script. */
export function directionOf(locale: PageLocale): 'ltr' | 'rtl' {
  return RTL_LANGUAGES.has(locale.split('-')[0] ?? '') ? 'rtl' : 'ltr';
}
