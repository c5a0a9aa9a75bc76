import type { Request } from 'express';
import { ar } from './ar';
import { de } from './de';
import { en, type PageMessages } from './en';
import { es } from './es';
import { fr, frCA } from './fr';
import { hi } from './hi';
import { it } from './it';
import { ja } from './ja';
import { LANGUAGE_DEFAULTS, NEGOTIABLE_TAGS, type PageLocale, supportedLocale } from './locales';
import { nl } from './nl';
import { pt } from './pt';

export type { PageMessages } from './en';
export { PAGE_LOCALES, type PageLocale, directionOf, localeFromUiLocales } from './locales';

/** Every locale's words. English and Spanish read the same across their regions; Canadian French differs a little. */
export const PAGE_MESSAGES: Readonly<Record<PageLocale, PageMessages>> = {
  'ar-SA': ar,
  'de-DE': de,
  'en-AU': en,
  'en-CA': en,
  'en-GB': en,
  'en-IN': en,
  'en-US': en,
  'es-ES': es,
  'es-MX': es,
  'es-US': es,
  'fr-CA': frCA,
  'fr-FR': fr,
  'hi-IN': hi,
  'it-IT': it,
  'ja-JP': ja,
  'nl-NL': nl,
  'pt-BR': pt,
};

/**
 * The page's locale: the one the authorization request chose (ui_locales), else the best match of
 * the browser's Accept-Language (express's negotiator, q-values honoured; another region of a
 * language we speak gets that language's default), else the configured default.
 */
export function pageLocale(req: Request | undefined, chosen: PageLocale | undefined, fallback: PageLocale): PageLocale {
  if (chosen) return chosen;
  if (req?.headers['accept-language'] === undefined) return fallback;
  // The default goes first: a bare "*" (any language) then means the default, not the first on our list.
  const match = req.acceptsLanguages([fallback, ...NEGOTIABLE_TAGS.filter((tag) => tag !== fallback)]);
  if (typeof match !== 'string') return fallback;
  return supportedLocale(match) ?? LANGUAGE_DEFAULTS[match] ?? fallback;
}
