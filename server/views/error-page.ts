import { html, type SafeHtml } from './html';
import { renderPage } from './layout';

export interface ErrorPageModel {
  serviceName: string;
  title: string;
  /** What went wrong, in a sentence the visitor can act on. */
  message: string;
  /** Labelled values that help whoever configures the client diagnose it (what was received...). */
  details?: Array<{ label: string; value: string | string[] }>;
  /** A closing hint (markup allowed, built with `html`). */
  hint?: SafeHtml | string;
}

/** A page for errors that must not (or cannot) be sent back to the client's redirect URI. */
export function errorPage(model: ErrorPageModel): string {
  const details = model.details ?? [];
  const body = html`<p class="error" role="alert">${model.message}</p>
${details.length > 0
    ? html`<dl class="details">
${details.map(
  (detail) => html`<dt>${detail.label}</dt>
${Array.isArray(detail.value) ? detail.value.map((value) => html`<dd><code>${value}</code></dd>\n`) : html`<dd><code>${detail.value}</code></dd>\n`}`,
)}</dl>`
    : ''}
${model.hint ? html`<p class="muted">${model.hint}</p>` : ''}`;
  return renderPage({ title: model.title, serviceName: model.serviceName, body });
}
