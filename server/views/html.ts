/**
 * HTML built from tagged templates that escape every interpolated value by default. Only values that
 * are themselves SafeHtml (built by `html` or an explicit `raw`) are inserted as markup, so page code
 * cannot forget to escape a parameter it echoes back.
 */
export class SafeHtml {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

/** A value a template may interpolate: text (escaped), markup, a list of either, or nothing. */
export type HtmlValue = string | number | SafeHtml | null | undefined | false | readonly HtmlValue[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for use in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] as string);
}

/** Marks trusted markup (never user input) as safe to insert unescaped. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** The tagged template: `html\`<p>${text}</p>\`` escapes `text`; nested html fragments pass through. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(out);
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map((item: HtmlValue) => render(item)).join('');
  return escapeHtml(String(value));
}
