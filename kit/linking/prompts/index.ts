import { LANGUAGE_DEFAULTS, LINK_PROMPTS } from './catalogue';
import type { LinkPrompts, PromptParameters, Sentence } from './types';

export type { LinkPrompts, PromptParameters, Sentence } from './types';
export { LINK_PROMPTS } from './catalogue';

/** Per-locale overrides: any sentence of any locale (`de-DE`), or of a whole language (`de`). */
export type PromptOverrides = Readonly<Record<string, Partial<LinkPrompts>>>;

/** The published locale whose prompts answer a request: exact, else the language's default, else en-US. */
export function linkPromptLocale(locale: unknown): string {
  if (typeof locale !== 'string') return 'en-US';
  if (LINK_PROMPTS[locale]) return locale;
  const [language = '', region = ''] = locale.replace('_', '-').split('-');
  const exact = `${language.toLowerCase()}-${region.toUpperCase()}`;
  if (LINK_PROMPTS[exact]) return exact;
  return LANGUAGE_DEFAULTS[language.toLowerCase()] ?? 'en-US';
}

/** Speaks one sentence: fills in `{skill}` (or calls the function). */
export function speak(sentence: Sentence, parameters: PromptParameters): string {
  return typeof sentence === 'function' ? sentence(parameters) : sentence.replaceAll('{skill}', parameters.skill);
}

/** The sentences for a request's locale: the kit's, then the language's overrides, then the locale's. */
export class LinkPromptBook {
  private readonly merged = new Map<string, LinkPrompts>();

  constructor(private readonly overrides: PromptOverrides = {}) {
    for (const key of Object.keys(overrides)) {
      if (typeof key !== 'string' || !/^[a-z]{2}(-[A-Z]{2})?$/.test(key)) throw new Error(`prompt override key "${key}" is not a locale (de-DE) or language (de)`);
    }
  }

  /** The prompts for a request's locale (never throws, whatever the locale is). */
  for(locale: unknown): LinkPrompts {
    const published = linkPromptLocale(locale);
    let prompts = this.merged.get(published);
    if (prompts === undefined) {
      const language = published.slice(0, 2);
      prompts = { ...(LINK_PROMPTS[published] as LinkPrompts), ...this.overrides[language], ...this.overrides[published] };
      this.merged.set(published, prompts);
    }
    return prompts;
  }
}
