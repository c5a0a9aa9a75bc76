import { arSA } from './ar-SA';
import { deDE } from './de-DE';
import { enAU } from './en-AU';
import { enCA } from './en-CA';
import { enGB } from './en-GB';
import { enIN } from './en-IN';
import { enUS } from './en-US';
import { esES } from './es-ES';
import { esMX } from './es-MX';
import { esUS } from './es-US';
import { frCA } from './fr-CA';
import { frFR } from './fr-FR';
import { hiIN } from './hi-IN';
import { itIT } from './it-IT';
import { jaJP } from './ja-JP';
import { nlNL } from './nl-NL';
import { ptBR } from './pt-BR';
import type { PromptSet } from './types';

export type { PromptSet } from './types';

/** Every locale a custom skill can be published in, with its prompts. */
export const PROMPTS_BY_LOCALE: Readonly<Record<string, PromptSet>> = {
  'ar-SA': arSA,
  'de-DE': deDE,
  'en-AU': enAU,
  'en-CA': enCA,
  'en-GB': enGB,
  'en-IN': enIN,
  'en-US': enUS,
  'es-ES': esES,
  'es-MX': esMX,
  'es-US': esUS,
  'fr-CA': frCA,
  'fr-FR': frFR,
  'hi-IN': hiIN,
  'it-IT': itIT,
  'ja-JP': jaJP,
  'nl-NL': nlNL,
  'pt-BR': ptBR,
};

/** The locale whose prompts stand for a whole language when a request's exact locale is unknown. */
const LANGUAGE_DEFAULTS: Readonly<Record<string, string>> = {
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

/** The published locales, for the common case: Alexa sends one of them exactly as written. */
const EXACT_LOCALES = new Set(Object.keys(PROMPTS_BY_LOCALE));

/** The locale whose prompts answer a request: the exact locale, else its language's default, else en-US. */
export function promptLocale(locale: unknown): string {
  // Not only undefined: the apology must never throw, whatever the envelope carried.
  if (typeof locale !== 'string') return 'en-US';
  if (EXACT_LOCALES.has(locale)) return locale;
  const [language = '', region = ''] = locale.replace('_', '-').split('-');
  const exact = `${language.toLowerCase()}-${region.toUpperCase()}`;
  if (PROMPTS_BY_LOCALE[exact]) return exact;
  return LANGUAGE_DEFAULTS[language.toLowerCase()] ?? 'en-US';
}

/** The prompts for a request's locale (see promptLocale for the fallback order). */
export function promptsFor(locale: unknown): PromptSet {
  return PROMPTS_BY_LOCALE[promptLocale(locale)] as PromptSet;
}
