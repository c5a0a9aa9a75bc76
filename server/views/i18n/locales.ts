import { ALEXA_LOCALES, type AlexaLocale, LANGUAGE_DEFAULTS, matchAlexaLocale } from '../../../kit/linking/locales';

/** The 17 locales Alexa publishes skills in; every end-user page speaks each of them. */
export const PAGE_LOCALES = ALEXA_LOCALES;

export type PageLocale = AlexaLocale;

/** Languages written right to left. */
const RTL_LANGUAGES = new Set(['ar']);

/** One of our locales for a BCP 47 tag: the exact locale, else its language's default, else undefined. */
export function supportedLocale(tag: string): PageLocale | undefined {
  return matchAlexaLocale(tag);
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
