import { html, type SafeHtml } from '../../views/html';
import { opsStylesheetHref } from './stylesheet';

export interface OpsPageOptions {
  title: string;
  serviceName: string;
  /** The signed-in operator and the session's CSRF token, for the header's sign-out form; absent on the sign-in page. */
  operator?: { username: string; csrf: string } | undefined;
  body: SafeHtml;
}

/** A complete operator page: no scripts, our stylesheet only, a header with the operator and sign-out. */
export function renderOpsPage(options: OpsPageOptions): string {
  const operator = options.operator;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${options.title} · ${options.serviceName} operations</title>
<link rel="stylesheet" href="${opsStylesheetHref()}">
</head>
<body>
${operator
    ? html`<header>
<p><a href="/ops">${options.serviceName} operations</a></p>
<form method="post" action="/ops/logout">
<span class="muted">Signed in as <strong data-testid="operator">${operator.username}</strong></span>
<input type="hidden" name="csrf" value="${operator.csrf}">
<button type="submit" class="plain">Sign out</button>
</form>
</header>`
    : ''}
<main${operator ? '' : html` class="login"`}>
<h1>${options.title}</h1>
${options.body}
</main>
</body>
</html>
`.value;
}

/** A timestamp as operators read it in logs: ISO 8601, UTC, to the second. */
export function when(ms: number | undefined): string {
  return ms === undefined ? '—' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
