import { html, type SafeHtml } from './html';
import { directionOf } from './i18n';
import type { PageContext } from './page-context';
import { stylesheetHref } from './stylesheet';

export interface PageOptions {
  /** The page's one h1 and (with the brand's name) its <title>. */
  title: string;
  /** Everything below the heading. */
  body: SafeHtml;
}

/**
 * A complete HTML document in the shared look: one h1, viewport for phones, the language (and its
 * direction) of the visitor, our stylesheet then the brand's, the brand's links in a footer, no scripts.
 */
export function renderPage(page: PageContext, options: PageOptions): string {
  const { brand, text } = page;
  const links: Array<[string, string]> = [];
  if (brand.termsUrl) links.push([brand.termsUrl, text.terms]);
  if (brand.privacyUrl) links.push([brand.privacyUrl, text.privacy]);
  if (brand.supportUrl) links.push([brand.supportUrl, text.contactSupport]);
  return html`<!doctype html>
<html lang="${page.locale}" dir="${directionOf(page.locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${options.title} · ${brand.name}</title>
<link rel="stylesheet" href="${stylesheetHref()}">
${brand.stylesheets.map((href) => html`<link rel="stylesheet" href="${href}">\n`)}</head>
<body>
<main>
<div class="card">
<p class="brand">${brand.logoSrc ? html`<img class="logo" src="${brand.logoSrc}" alt="${brand.name}">` : brand.name}</p>
<h1>${options.title}</h1>
${options.body}
</div>
</main>
${links.length > 0 ? html`<footer><ul class="links">${links.map(([href, label]) => html`<li><a href="${href}">${label}</a></li>`)}</ul></footer>\n` : ''}</body>
</html>
`.value;
}
