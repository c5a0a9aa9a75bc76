import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';

/** Where the operator pages' stylesheet is served; the CSP allows styles from our own origin only. */
export const OPS_STYLESHEET_PATH = '/ops/assets/ops.css';

// The operator pages work on a desktop and on a phone (360 px): wide tables scroll inside their own
// labelled region, never the page. Compact type; contrast at least 4.5:1 in both schemes.
const CSS = `:root {
  color-scheme: light dark;
  --bg: #f4f5f7; --card: #ffffff; --text: #1b1f24; --muted: #4a525c; --line: #c9cfd6;
  --accent: #0a5fb4; --accent-text: #ffffff; --warn-bg: #fff4d6; --warn-text: #5c4100;
  --error-bg: #fdecec; --error-text: #8a1111; --ok-text: #175c24; --code-bg: #eef1f4;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #111417; --card: #1c2126; --text: #eef1f4; --muted: #b3bcc6; --line: #46505a;
    --accent: #5aa9f0; --accent-text: #0b1a29; --warn-bg: #3b3012; --warn-text: #ffe3a3;
    --error-bg: #3a1717; --error-text: #ffc9c9; --ok-text: #9be3a8; --code-bg: #262c33;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); font: 0.9375rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
header { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: center; justify-content: space-between; padding: 0.75rem 1.25rem; border-bottom: 1px solid var(--line); background: var(--card); }
header p { margin: 0; font-weight: 600; }
header form { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: center; margin: 0; }
main { max-width: 80rem; margin: 0 auto; padding: 1.25rem; }
@media (max-width: 40rem) {
  main { padding: 0.75rem; } section { padding: 0.75rem; } header { padding: 0.75rem; }
  /* Label and value tables become cards: the label above its value, nothing to scroll. */
  table.pairs, table.pairs tbody, table.pairs tr, table.pairs th, table.pairs td { display: block; width: auto; }
  table.pairs th { border-bottom: 0; padding-bottom: 0; white-space: normal; }
  /* Row tables become one card per row, each value under its column's name. */
  table.cards thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  table.cards, table.cards tbody, table.cards tr, table.cards td { display: block; width: auto; }
  table.cards tr { padding: 0.5rem 0; border-bottom: 1px solid var(--line); }
  table.cards td { padding: 0.125rem 0; border: 0; text-align: start; }
  table.cards td[data-label]::before { content: attr(data-label) ": "; font-weight: 600; }
}
td.text { min-width: 10rem; overflow-wrap: anywhere; }
/* Row tables fit a desktop: their headings wrap rather than widen the table. */
table.cards th { white-space: normal; }
td.wrap { overflow-wrap: anywhere; }
@media (min-width: 40.01rem) { td.uris { min-width: 14rem; } td.id { min-width: 7rem; } }
section { margin: 0 0 1.5rem; padding: 1rem 1.25rem; background: var(--card); border: 1px solid var(--line); border-radius: 0.5rem; min-width: 0; }
.scroll { position: relative; overflow-x: auto; margin: 0 0 0.75rem; }
.scroll:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.scroll table { margin: 0; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
h1 { font-size: 1.375rem; margin: 0 0 1rem; }
h2 { font-size: 1.125rem; margin: 0 0 0.75rem; }
p { margin: 0 0 0.75rem; }
.muted { color: var(--muted); }
table { width: 100%; border-collapse: collapse; margin: 0 0 0.75rem; }
th, td { text-align: left; vertical-align: top; padding: 0.375rem 0.5rem; border-bottom: 1px solid var(--line); }
th { font-weight: 600; white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.8125rem; background: var(--code-bg); border-radius: 0.25rem; padding: 0 0.2rem; overflow-wrap: anywhere; }
ul.notices { list-style: none; margin: 0 0 0.75rem; padding: 0; }
ul.notices li, p.notice { overflow-wrap: anywhere; margin: 0 0 0.5rem; padding: 0.5rem 0.75rem; border-radius: 0.375rem; }
.warn { background: var(--warn-bg); color: var(--warn-text); }
.error { background: var(--error-bg); color: var(--error-text); }
.ok { color: var(--ok-text); font-weight: 600; }
label { display: block; font-weight: 600; margin: 0 0 0.25rem; }
input[type="text"], input[type="password"] { min-height: 2.5rem; padding: 0.375rem 0.625rem; border: 1px solid var(--line); border-radius: 0.375rem; background: var(--card); color: var(--text); font: inherit; width: 100%; max-width: 24rem; }
form.inline { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: end; margin: 0; }
form.inline > div { flex: 1 1 14rem; max-width: 24rem; }
.field { margin: 0 0 0.75rem; }
button { min-height: 2.5rem; padding: 0.375rem 1rem; border: 1px solid var(--accent); border-radius: 0.375rem; background: var(--accent); color: var(--accent-text); font: inherit; font-weight: 600; cursor: pointer; }
button.danger { border-color: var(--error-text); background: transparent; color: var(--error-text); }
button.plain { background: transparent; color: var(--accent); }
a { color: var(--accent); }
input:focus-visible, button:focus-visible, a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.login { max-width: 26rem; margin: 3rem auto; }
`;

const VERSION = createHash('sha256').update(CSS).digest('base64url').slice(0, 10);

/** The stylesheet URL the pages link to; the version changes with the content. */
export function opsStylesheetHref(): string {
  return `${OPS_STYLESHEET_PATH}?v=${VERSION}`;
}

/** Serves the operator stylesheet (cacheable: it is versioned by content). */
export function serveOpsStylesheet(_req: Request, res: Response): void {
  res.setHeader('Cache-Control', 'public, max-age=86400');
  res.type('text/css; charset=utf-8').send(CSS);
}
