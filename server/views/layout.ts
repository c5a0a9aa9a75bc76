import { html, type SafeHtml } from './html';
import { stylesheetHref } from './stylesheet';

export interface PageOptions {
  /** The page's one h1 and (with the service name) its <title>. */
  title: string;
  /** The product's name, shown above the heading. */
  serviceName: string;
  /** Everything below the heading. */
  body: SafeHtml;
}

/** A complete HTML document in the shared look: one h1, viewport for phones, our stylesheet, no scripts. */
export function renderPage(options: PageOptions): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${options.title} · ${options.serviceName}</title>
<link rel="stylesheet" href="${stylesheetHref()}">
</head>
<body>
<main>
<div class="card">
<p class="brand">${options.serviceName}</p>
<h1>${options.title}</h1>
${options.body}
</div>
</main>
</body>
</html>
`.value;
}
