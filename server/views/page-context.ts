import type { Request } from 'express';
import type { Settings } from '../config/settings';
import { type BrandView, brandAssetsFor } from './brand-assets';
import { PAGE_MESSAGES, type PageLocale, type PageMessages, pageLocale } from './i18n';

/** What every end-user page is rendered with: the visitor's language and the company's brand. */
export interface PageContext {
  locale: PageLocale;
  text: PageMessages;
  brand: BrandView;
  /** In production, pages speak to the end user only; details for whoever configures the service stay in the logs. */
  production: boolean;
}

/** The context of a page answering `req`; `chosen` is the locale the authorization request asked for (ui_locales). */
export function pageContext(settings: Settings, req: Request | undefined, chosen?: PageLocale): PageContext {
  const locale = pageLocale(req, chosen, settings.defaultLocale);
  return { locale, text: PAGE_MESSAGES[locale], brand: brandAssetsFor(settings.brand).view, production: settings.production };
}
