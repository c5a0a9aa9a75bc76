import { html, type SafeHtml } from './html';
import { renderPage } from './layout';
import type { PageContext } from './page-context';

export interface ErrorPageModel {
  title: string;
  /** What went wrong and what to do next, in a sentence the visitor can act on. */
  message: string;
  /** A link to the next step (e.g. "Try again with …"), shown everywhere. */
  action?: { href: string; label: string } | undefined;
  /**
   * Labelled values that help whoever configures the client diagnose it (what was received...).
   * Development only: in production they are in the log line of the refusal instead.
   */
  details?: Array<{ label: string; value: string | string[] }>;
  /** A closing hint for developers (markup allowed, built with `html`); development only, like details. */
  hint?: SafeHtml | string;
}

/**
 * A page for errors that must not (or cannot) be sent back to the client's redirect URI. In
 * production it says what happened and what to do next, with the support link, and nothing more.
 */
export function errorPage(page: PageContext, model: ErrorPageModel): string {
  const details = page.production ? [] : (model.details ?? []);
  const hint = page.production ? undefined : model.hint;
  const body = html`<p class="error" role="alert">${model.message}</p>
${model.action ? html`<p><a href="${model.action.href}">${model.action.label}</a></p>` : ''}
${details.length > 0
    ? html`<dl class="details">
${details.map(
  (detail) => html`<dt>${detail.label}</dt>
${Array.isArray(detail.value) ? detail.value.map((value) => html`<dd><code>${value}</code></dd>\n`) : html`<dd><code>${detail.value}</code></dd>\n`}`,
)}</dl>`
    : ''}
${hint ? html`<p class="muted">${hint}</p>` : ''}
${supportLine(page)}`;
  return renderPage(page, { title: model.title, body });
}

/** "Still not working? Contact support", when the company has a support page. */
export function supportLine(page: PageContext): SafeHtml | '' {
  const url = page.brand.supportUrl;
  return url ? html`<p class="muted" data-testid="support">${page.text.needHelp} <a href="${url}">${page.text.contactSupport}</a></p>` : '';
}
