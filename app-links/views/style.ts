/**
 * The pages' stylesheet, served from our origin (the CSP allows styles from 'self' only, never inline).
 * Kept as a module rather than a .css file so the TypeScript build carries it into dist/.
 */
export const STYLESHEET = `
:root { color-scheme: light dark; --accent: #0a6cbd; --danger: #b3261e; --muted: #5f6b7a; --card: #fff; --bg: #f3f5f8; --line: #d6dbe2; }
@media (prefers-color-scheme: dark) { :root { --card: #1b2027; --bg: #101318; --line: #2e3642; --muted: #9aa6b5; --accent: #5aa9f0; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); }
main { max-width: 26rem; margin: 2.5rem auto; padding: 1.75rem; background: var(--card); border: 1px solid var(--line); border-radius: 12px; }
h1 { font-size: 1.35rem; margin: 0 0 .75rem; }
p { margin: .5rem 0; }
.muted { color: var(--muted); font-size: .9rem; }
.error { color: var(--danger); font-weight: 600; }
.code { font-family: ui-monospace, monospace; font-size: .85rem; color: var(--muted); }
label { display: block; margin: .9rem 0 .25rem; font-weight: 600; }
input[type=text], input[type=email], input[type=password] { width: 100%; padding: .6rem .7rem; border: 1px solid var(--line); border-radius: 8px; font: inherit; background: transparent; color: inherit; }
ul.scopes { padding-left: 1.2rem; }
.actions { display: flex; flex-direction: row-reverse; gap: .75rem; margin-top: 1.4rem; } /* the default (first) button is Allow; it shows on the right */
button { flex: 1; padding: .7rem 1rem; border-radius: 8px; border: 1px solid var(--accent); font: inherit; font-weight: 600; cursor: pointer; }
button.primary { background: var(--accent); color: #fff; }
button.secondary { background: transparent; color: var(--accent); }
`;
