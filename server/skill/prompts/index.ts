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
import { alexaLocale, type AlexaLocale } from '../../../kit/ask-sdk';
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
} satisfies Record<AlexaLocale, PromptSet>;

/** The locale whose prompts answer a request: the exact locale, else its language's default, else en-US. */
export function promptLocale(locale: unknown): AlexaLocale {
  // Not only undefined: the apology must never throw, whatever the envelope carried (the kit's rule never does).
  return alexaLocale(locale);
}

/** The prompts for a request's locale (see promptLocale for the fallback order). */
export function promptsFor(locale: unknown): PromptSet {
  return PROMPTS_BY_LOCALE[promptLocale(locale)] as PromptSet;
}
