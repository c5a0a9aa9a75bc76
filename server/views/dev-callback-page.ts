import { html } from './html';
import { renderPage } from './layout';
import type { PageContext } from './page-context';

export interface DevCallbackPageModel {
  code?: string | undefined;
  state?: string | undefined;
  error?: string | undefined;
  errorDescription?: string | undefined;
  /** A shell command that redeems the code at the token endpoint. */
  curl?: string | undefined;
  /** Where to start the flow again. */
  startUrl: string;
}

/** The development stand-in for Alexa's redirect page: shows the code and how to redeem it (in English: it is for developers). */
export function devCallbackPage(page: PageContext, model: DevCallbackPageModel): string {
  const body = model.error
    ? html`<p class="error" role="alert">The authorization server answered with <code>${model.error}</code>${model.errorDescription ? html`: ${model.errorDescription}` : ''}</p>
${model.state !== undefined ? html`<p>state: <code>${model.state}</code></p>` : ''}`
    : html`<p>This page stands in for Alexa's redirect URL in development. Alexa would now redeem the code at the token endpoint.</p>
<dl class="details">
<dt>code</dt><dd><code>${model.code ?? ''}</code></dd>
<dt>state</dt><dd><code>${model.state ?? '(none)'}</code></dd>
</dl>
<p>Redeem it within the code's lifetime (it works once):</p>
<pre>${model.curl ?? ''}</pre>`;
  return renderPage(page, {
    title: model.error ? 'Authorization refused' : 'Authorization code received',
    body: html`${body}
<p><a href="${model.startUrl}">Start the flow again</a></p>
<p class="muted">Development only: this page is not registered when NODE_ENV=production.</p>`,
  });
}
