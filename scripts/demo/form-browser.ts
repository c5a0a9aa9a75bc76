import { type EventLog, maskParams } from '../../simulator/events';

/** A form on a page: where it posts, its hidden fields, and its submit buttons. */
export interface PageForm {
  action: string;
  method: string;
  hidden: Record<string, string>;
  buttons: Array<{ name: string | undefined; value: string | undefined; text: string }>;
}

/** A page as the demo's browser sees it. */
export interface Page {
  url: string;
  status: number;
  html: string;
  /** Text of the page's h1 (Amazon's simulated pages too), or '' when it has none. */
  heading: string;
  forms: PageForm[];
}

/** Values never shown, not even in part: anti-forgery tokens and passwords. */
const HIDDEN_VALUES = new Set(['csrf', 'password']);
/** Hidden fields that are the form's own tokens, shown (masked) when it is posted; other hidden fields are echoes. */
const FORM_TOKENS = new Set(['csrf', 'interaction']);
/** Handles shown only by a prefix, enough to follow them from line to line. */
const PREFIXED_VALUES = new Set(['interaction']);

/** Masks form fields and query parameters for the printout (codes and tokens as simulator/events does). */
export function maskForDisplay(params: Record<string, string>): Record<string, string> {
  const shown: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    if (HIDDEN_VALUES.has(key)) shown[key] = '[masked]';
    else if (PREFIXED_VALUES.has(key)) shown[key] = value.length > 6 ? `${value.slice(0, 6)}…` : '…';
    else shown[key] = value;
  }
  return maskParams(shown);
}

/**
 * What a browser does on the linking pages, without a browser: keeps cookies per origin, fetches
 * pages, reads their forms (hidden CSRF and interaction fields included), posts them and follows
 * redirects. Every request it makes to the service is written to the simulator's event log (masked),
 * so the demo prints browser → service steps beside the Amazon ones; requests to the simulator's own
 * hosts are logged by the simulator itself.
 */
export class FormBrowser {
  private readonly jar = new Map<string, Map<string, string>>();
  /** Codes in redirects, CSRF tokens and cookie values this browser held, for the demo's secret check. */
  readonly seenCredentials = new Set<string>();

  constructor(
    private readonly events: EventLog,
    private readonly serviceOrigin: string,
  ) {}

  /** GETs a page, following redirects. */
  get(url: string): Promise<Page> {
    return this.navigate('GET', url, undefined);
  }

  /**
   * Submits a form with extra fields (and the pressed button's name=value), following redirects. The
   * log shows what the user entered and pressed, the form's own tokens (masked), and only the names of
   * the request parameters the form echoes back, so the line stays readable.
   */
  submit(page: Page, form: PageForm, fields: Record<string, string>, button?: { name: string; value: string }): Promise<Page> {
    const entered = { ...fields, ...(button ? { [button.name]: button.value } : {}) };
    const body = new URLSearchParams({ ...form.hidden, ...entered });
    const echoed = Object.keys(form.hidden).filter((name) => !FORM_TOKENS.has(name) && !(name in entered));
    const tokens = Object.fromEntries(Object.entries(form.hidden).filter(([name]) => FORM_TOKENS.has(name)));
    const shown = { ...tokens, ...entered, ...(echoed.length > 0 ? { echoed: echoed.join(',') } : {}) };
    return this.navigate(form.method, new URL(form.action, page.url).toString(), body, shown);
  }

  private async navigate(method: string, url: string, body: URLSearchParams | undefined, shownBody?: Record<string, string>): Promise<Page> {
    let current = url;
    let currentMethod = method;
    let currentBody = body;
    for (let hop = 0; hop < 10; hop += 1) {
      const target = new URL(current);
      const headers: Record<string, string> = { Accept: 'text/html' };
      const cookies = this.cookieHeader(target.origin);
      if (cookies) headers.Cookie = cookies;
      if (currentBody) headers['Content-Type'] = 'application/x-www-form-urlencoded';
      const pending =
        target.origin === this.serviceOrigin
          ? this.events.begin({ from: 'browser', to: 'service', method: currentMethod, url: target.pathname, params: maskForDisplay({ ...Object.fromEntries(target.searchParams), ...(shownBody ?? Object.fromEntries(currentBody ?? [])) }) })
          : undefined;
      const response = await fetch(target, { method: currentMethod, headers, redirect: 'manual', ...(currentBody ? { body: currentBody.toString() } : {}), signal: AbortSignal.timeout(10_000) });
      this.keepCookies(target.origin, response.headers.getSetCookie());
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        const next = new URL(location, target);
        for (const [key, value] of next.searchParams) if (key === 'code' || key === 'access_token') this.seenCredentials.add(value);
        pending?.finish({ status: response.status, note: `redirect to ${describeLocation(next, this.serviceOrigin)}` });
        await response.arrayBuffer();
        current = next.toString();
        currentMethod = 'GET';
        currentBody = undefined;
        shownBody = undefined;
        continue;
      }
      const html = await response.text();
      const page: Page = { url: target.toString(), status: response.status, html, heading: headingOf(html), forms: formsOf(html) };
      for (const form of page.forms) if (form.hidden.csrf) this.seenCredentials.add(form.hidden.csrf);
      pending?.finish({ status: response.status, note: page.heading ? `page "${page.heading}"` : `${response.headers.get('content-type') ?? 'no content type'}` });
      return page;
    }
    throw new Error(`more than 10 redirects from ${url}`);
  }

  private cookieHeader(origin: string): string {
    return [...(this.jar.get(origin) ?? new Map<string, string>())].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  private keepCookies(origin: string, setCookies: string[]): void {
    const cookies = this.jar.get(origin) ?? new Map<string, string>();
    for (const line of setCookies) {
      const pair = line.split(';', 1)[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      // An expired or emptied cookie is the server removing it.
      if (value === '' || /;\s*max-age=0/i.test(line)) cookies.delete(name);
      else {
        cookies.set(name, value);
        this.seenCredentials.add(value);
      }
    }
    this.jar.set(origin, cookies);
  }
}

/** Where a redirect goes, for the printout: the service's own paths short, other hosts by origin; credentials masked. */
function describeLocation(url: URL, serviceOrigin: string): string {
  const where = url.origin === serviceOrigin ? url.pathname : `${url.origin}${url.pathname}`;
  const params = maskForDisplay(Object.fromEntries(url.searchParams));
  // A long opaque value in a redirect (the app-to-app state the return page redirects back with) is a
  // credential: shown by its prefix, like a code.
  const query = Object.entries(params)
    .map(([key, value]) => `${key}=${/^[\w-]{32,}$/.test(value) ? `${value.slice(0, 6)}…` : value}`)
    .join('&');
  return query ? `${where}?${query}` : where;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" };

/** Decodes the entities our pages' escaping produces. */
function decode(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|apos);/g, (_match, name: string) => ENTITIES[name] ?? '');
}

function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const match of tag.matchAll(/([a-zA-Z][\w-]*)="([^"]*)"/g)) out[(match[1] ?? '').toLowerCase()] = decode(match[2] ?? '');
  return out;
}

function headingOf(html: string): string {
  const match = /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(html);
  return match ? decode((match[1] ?? '').replace(/<[^>]+>/g, '')).trim() : '';
}

/** The forms of a page: enough HTML reading for the service's own server-rendered pages. */
function formsOf(html: string): PageForm[] {
  const forms: PageForm[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const form = attributes(match[1] ?? '');
    const inner = match[2] ?? '';
    const hidden: Record<string, string> = {};
    for (const input of inner.matchAll(/<input\b([^>]*)>/gi)) {
      const attrs = attributes(input[1] ?? '');
      if (attrs.type === 'hidden' && attrs.name !== undefined) hidden[attrs.name] = attrs.value ?? '';
    }
    const buttons = [...inner.matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/gi)].map((button) => {
      const attrs = attributes(button[1] ?? '');
      return { name: attrs.name, value: attrs.value, text: decode((button[2] ?? '').replace(/<[^>]+>/g, '')).trim() };
    });
    forms.push({ action: form.action ?? '', method: (form.method ?? 'get').toUpperCase(), hidden, buttons });
  }
  return forms;
}
