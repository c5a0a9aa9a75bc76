import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { expect } from 'chai';
import { rawRequest, requestBytes } from '../support/raw-http';

/**
 * A bounded fuzz run per endpoint: each request starts from a well-formed request of the endpoint (its
 * cookies, credentials and fields, so the faults reach past the first check) and gets one to three faults
 * of the kinds below. Any 5xx, any request left unanswered, and any error-level log line is a failure.
 * The seed is printed; FUZZ_SEED=<seed> replays a run, FUZZ_REQUESTS=<n> changes the count per endpoint,
 * FUZZ_VERBOSE=1 prints each endpoint's answers by status, FUZZ_DUMP_DIR=<dir> writes each failing request there,
 * FUZZ_TALLY=<file> appends one JSON line per endpoint (the README's figures come from it).
 */

/** Requests per endpoint (FUZZ_REQUESTS overrides). */
export const REQUESTS_PER_ENDPOINT = Number(process.env.FUZZ_REQUESTS ?? 200);

/** The run's seed: FUZZ_SEED when given, else a new one, printed so a failure can be replayed. */
export const FUZZ_SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) >>> 0 : (Date.now() ^ (process.pid << 8)) >>> 0;
let seedPrinted = false;
export function printSeed(): void {
  if (seedPrinted) return;
  seedPrinted = true;
  console.log(`      fuzz seed ${FUZZ_SEED} (replay with FUZZ_SEED=${FUZZ_SEED}), ${REQUESTS_PER_ENDPOINT} requests per endpoint`);
}

/** mulberry32: small, fast and seedable, so a run replays exactly from its seed. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(below: number): number {
    return Math.floor(this.next() * below);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  bytes(length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i += 1) out[i] = this.int(256);
    return out;
  }
}

/** The seed of one endpoint's run: the run's seed mixed with the endpoint's name, so endpoints differ. */
export function endpointSeed(name: string): number {
  let hash = FUZZ_SEED ^ 0x811c9dc5;
  for (const char of name) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  return hash >>> 0;
}

export type Body =
  | { kind: 'form'; fields: Array<[string, string]> }
  | { kind: 'json'; value: unknown }
  | { kind: 'none' };

/** A well-formed request of an endpoint, the starting point of each fuzzed one. */
export interface BaseRequest {
  method: string;
  path: string;
  query?: Array<[string, string]>;
  /** Cookies, credentials and other headers the endpoint needs to get past its first check. */
  headers?: Array<[string, string]>;
  body?: Body;
}

/** The base request of each fuzzed one; the PRNG lets an endpoint vary it (e.g. one grant type or another) reproducibly. */
export type BaseFor = (prng: Prng) => BaseRequest;

/** One fuzzed request: its bytes, whether our side ends after writing, and the faults it carries. */
export interface FuzzedRequest {
  bytes: Buffer;
  halfClose: boolean;
  faults: string[];
}

interface Draft {
  method: string;
  path: string;
  query: Array<[string, string]>;
  rawQuery: string | undefined;
  headers: Array<[string, string]>;
  body: Body;
  bodyBytes: Buffer | undefined;
  /** null: send no Content-Type at all; undefined: the body kind's own. */
  contentType: string | null | undefined;
  contentEncoding: string | undefined;
  length: 'exact' | 'huge' | 'short' | 'long' | 'chunked' | 'bad-chunk' | 'both';
  faults: string[];
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'M-SEARCH', 'CONNECT'];
export const ODD_STRINGS = ['', ' ', '%', '%ZZ', '%C3%28', '%FF%FE', '%00', '\u0000', '\r', '../../etc/passwd', '<script>alert(1)</script>', '"\'`', '\u202e\u0301', '😀', 'a'.repeat(5000), '\\u0000', 'null', 'undefined', '__proto__', 'constructor', '[object Object]', '-1', '1e309', 'NaN'];
export const JSON_ODD: unknown[] = [0, -1, 1e308, 3.5, true, false, null, [], {}, ['a'], { a: 'b' }, [[[]]], { toString: 'x' }, '', 'a'.repeat(3000)];
const CONTENT_TYPES = [
  undefined,
  'text/plain',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/json',
  'application/x-www-form-urlencoded',
  '*/*',
  'application/x-www-form-urlencoded;;;',
  'application/json; charset="',
  '',
  'application',
  '/',
  'application/json; boundary',
  'APPLICATION/X-WWW-FORM-URLENCODED',
  'application/vnd.api+json',
];
const CHARSETS = ['utf-8', 'UTF-16LE', 'utf-16', 'latin1', 'iso-8859-1', 'x-bogus', '', '"utf-8"', 'utf-32', 'us-ascii', 'utf-7', 'koi8-r', 'a'.repeat(300)];
const AUTHORIZATIONS = ['Basic', 'Basic ', 'Basic !!!!', `Basic ${Buffer.from('nocolon').toString('base64')}`, `Basic ${Buffer.from(':').toString('base64')}`, `Basic ${Buffer.from('%ZZ:%ZZ').toString('base64')}`, 'Bearer', 'Bearer ', 'Bearer a.b.c', `Bearer ${'a'.repeat(5000)}`, 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', 'Digest username="x"', 'basic dGVzdDp0ZXN0', '\u00e9\u00e9'];
const COOKIES = ['a', '=;=;', 'lw-x=%E0%A4%A', `big=${'b'.repeat(6000)}`, '__proto__=1', 'a=1; a=2; a=3', 'lw-ops=' + 'A'.repeat(43), '__Host-lw-ops=x; lw-ops-csrf=%', '";"', 'j:{"a":1}', 's:abc.def'];

/** Builds one fuzzed request from an endpoint's base request. */
export function fuzzRequest(prng: Prng, base: BaseRequest, minFaults = 1): FuzzedRequest {
  const draft: Draft = {
    method: base.method,
    path: base.path,
    query: [...(base.query ?? [])],
    rawQuery: undefined,
    headers: [...(base.headers ?? [])],
    body: base.body ?? { kind: 'none' },
    bodyBytes: undefined,
    contentType: undefined,
    contentEncoding: undefined,
    length: 'exact',
    faults: [],
  };
  const count = minFaults + prng.int(4 - minFaults);
  for (let i = 0; i < count; i += 1) prng.pick(FAULTS)(prng, draft);
  return serialise(prng, draft);
}

type Fault = (prng: Prng, draft: Draft) => void;

function bodyFields(draft: Draft): Array<[string, string]> | undefined {
  return draft.body.kind === 'form' ? draft.body.fields : undefined;
}

const FAULTS: Fault[] = [
  function method(prng, draft) {
    draft.method = prng.pick(METHODS);
    draft.faults.push(`method ${draft.method}`);
  },
  function path(prng, draft) {
    const variant = prng.int(8);
    const p = draft.path;
    draft.path = [`${p}/`, `/${p}`, p.toUpperCase(), `${p};x=1`, `${p}/..`, `${p}%00`, p.replace(/[a-z]/, (c) => `%${c.charCodeAt(0).toString(16)}`), `${p}/%C3%28`][variant] as string;
    draft.faults.push(`path ${JSON.stringify(draft.path)}`);
  },
  function query(prng, draft) {
    const names = [...draft.query.map(([name]) => name), ...(bodyFields(draft)?.map(([name]) => name) ?? []), 'a', '__proto__', 'a[b]', ''];
    const variant = prng.int(5);
    if (variant === 0) draft.rawQuery = prng.pick(['%ZZ', '%C3%28=1', '&&==&', '=', '?', `${prng.pick(names)}=%E0%A4%A`, 'a'.repeat(6000), `x=${'%41'.repeat(2000)}`]);
    else if (variant === 1) draft.query.push([prng.pick(names), prng.pick(ODD_STRINGS)]);
    else if (variant === 2) for (const pair of [...draft.query]) draft.query.push([pair[0], prng.pick(ODD_STRINGS)]);
    else if (variant === 3) draft.query = draft.query.map(([name, value]) => [name, prng.chance(0.5) ? prng.pick(ODD_STRINGS) : value]);
    else draft.query = [];
    draft.faults.push(`query ${variant}`);
  },
  function repeatField(prng, draft) {
    const fields = bodyFields(draft);
    if (fields && fields.length > 0) {
      const [name] = prng.pick(fields);
      fields.push([name, prng.pick(ODD_STRINGS)]);
      draft.faults.push(`repeated ${name}`);
    } else if (draft.query.length > 0) {
      const [name] = prng.pick(draft.query);
      draft.query.push([name, prng.pick(ODD_STRINGS)]);
      draft.faults.push(`repeated query ${name}`);
    }
  },
  function fieldValue(prng, draft) {
    if (draft.body.kind === 'form' && draft.body.fields.length > 0) {
      const index = prng.int(draft.body.fields.length);
      const field = draft.body.fields[index] as [string, string];
      draft.body.fields[index] = [field[0], prng.pick(ODD_STRINGS)];
      draft.faults.push(`field ${field[0]} odd`);
    } else if (draft.body.kind === 'json' && isObject(draft.body.value)) {
      const keys = Object.keys(draft.body.value);
      const key = keys.length > 0 && prng.chance(0.8) ? prng.pick(keys) : prng.pick(['__proto__', 'constructor', 'extra']);
      draft.body.value = { ...draft.body.value, [key]: prng.chance(0.7) ? prng.pick(JSON_ODD) : prng.pick(ODD_STRINGS) };
      draft.faults.push(`json ${key} odd`);
    } else {
      draft.query = draft.query.map(([name, value]) => [name, prng.chance(0.5) ? prng.pick(ODD_STRINGS) : value]);
      draft.faults.push('query values odd');
    }
  },
  function dropField(prng, draft) {
    if (draft.body.kind === 'form' && draft.body.fields.length > 0) {
      const index = prng.int(draft.body.fields.length);
      draft.faults.push(`dropped ${draft.body.fields[index]?.[0]}`);
      draft.body.fields.splice(index, 1);
    } else if (draft.body.kind === 'json' && isObject(draft.body.value)) {
      const keys = Object.keys(draft.body.value);
      if (keys.length === 0) return;
      const key = prng.pick(keys);
      const { [key]: _dropped, ...rest } = draft.body.value;
      draft.body.value = rest;
      draft.faults.push(`dropped ${key}`);
    } else if (draft.query.length > 0) {
      draft.faults.push(`dropped query ${draft.query.splice(prng.int(draft.query.length), 1)[0]?.[0]}`);
    }
  },
  function jsonShape(prng, draft) {
    const shapes: unknown[] = [[], 'text', 1, null, true, [draft.body.kind === 'json' ? draft.body.value : {}], { '': '' }];
    draft.body = { kind: 'json', value: prng.pick(shapes) };
    draft.faults.push('json top-level not an object');
  },
  function deepJson(prng, draft) {
    const depth = 500 + prng.int(7000);
    draft.bodyBytes = Buffer.from(prng.chance(0.5) ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth / 5)}1${'}'.repeat(depth / 5)}`);
    draft.contentType ??= 'application/json';
    draft.faults.push(`deep json ${depth}`);
  },
  function garbageBody(prng, draft) {
    draft.bodyBytes = prng.bytes(prng.int(3000));
    draft.faults.push('garbage body');
  },
  function truncatedBody(prng, draft) {
    const bytes = serialisedBody(draft);
    draft.bodyBytes = bytes.subarray(0, prng.int(Math.max(1, bytes.length)));
    draft.faults.push('truncated body');
  },
  function invalidUtf8(prng, draft) {
    const bytes = serialisedBody(draft);
    const bad = prng.pick([Buffer.from([0xc3, 0x28]), Buffer.from([0xff]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]), Buffer.from('%FF%FE%C0%AF')]);
    const at = prng.int(bytes.length + 1);
    draft.bodyBytes = Buffer.concat([bytes.subarray(0, at), bad, bytes.subarray(at)]);
    draft.faults.push('invalid utf-8 in body');
  },
  function contentType(prng, draft) {
    draft.contentType = prng.pick(CONTENT_TYPES) ?? null;
    if (prng.chance(0.2)) draft.headers.push(['Content-Type', prng.pick(CONTENT_TYPES) ?? 'text/plain']);
    draft.faults.push(`content-type ${JSON.stringify(draft.contentType)}`);
  },
  function charset(prng, draft) {
    draft.contentType = `${draft.contentType ?? defaultContentType(draft.body) ?? 'text/plain'}; charset=${prng.pick(CHARSETS)}`;
    draft.faults.push(`content-type ${JSON.stringify(draft.contentType)}`);
  },
  function encoding(prng, draft) {
    const bytes = serialisedBody(draft);
    const variant = prng.int(11);
    const [coding, body] = (
      [
        ['gzip', gzipSync(bytes)],
        ['gzip', bytes],
        ['deflate', bytes],
        ['deflate', deflateSync(bytes)],
        ['br', brotliCompressSync(bytes)],
        ['br', bytes],
        ['gzip, deflate', gzipSync(bytes)],
        ['identity', bytes],
        ['x-made-up', bytes],
        ['GZIP', gzipSync(bytes).subarray(0, Math.max(1, Math.floor(gzipSync(bytes).length / 2)))],
        ['gzip', gzipSync(Buffer.alloc(2_000_000, 0x61))],
      ] as const
    )[variant] as readonly [string, Buffer];
    draft.contentEncoding = coding;
    draft.bodyBytes = body;
    draft.faults.push(`content-encoding ${coding} (${variant})`);
  },
  function length(prng, draft) {
    draft.length = prng.pick(['huge', 'short', 'long', 'chunked', 'bad-chunk', 'both'] as const);
    draft.faults.push(`length ${draft.length}`);
  },
  function bigBody(prng, draft) {
    draft.bodyBytes = Buffer.alloc(17_000 + prng.int(120_000), 0x61);
    draft.faults.push(`body of ${draft.bodyBytes.length} bytes`);
  },
  function headers(prng, draft) {
    const variant = prng.int(12);
    const add = (name: string, value: string) => draft.headers.push([name, value]);
    if (variant === 0) draft.headers = draft.headers.filter(([name]) => name.toLowerCase() !== 'authorization').concat([['Authorization', prng.pick(AUTHORIZATIONS)]]);
    else if (variant === 1) draft.headers = draft.headers.filter(([name]) => name.toLowerCase() !== 'cookie').concat([['Cookie', prng.pick(COOKIES)]]);
    else if (variant === 2) add('X-Request-Id', prng.pick(['', 'a'.repeat(300), '../x', '\u00e9', 'ok-id']));
    else if (variant === 3) add('Host', prng.pick(['evil.example', '', '127.0.0.1:1']));
    else if (variant === 4) add('Expect', prng.pick(['100-continue', 'nonsense']));
    else if (variant === 5) add('X-Forwarded-For', prng.pick(['', 'junk', '1.2.3.4, ::1, x', 'a'.repeat(500)]));
    else if (variant === 6) add('X-Latin1', Buffer.from([0xe9, 0xff, 0x80]).toString('latin1'));
    else if (variant === 7) add('SignatureCertChainUrl', prng.pick(['', 'https://s3.amazonaws.com/echo.api/../x.pem', 'http://evil/', 'ftp://x', '%ZZ', 'https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem']));
    else if (variant === 8) add('Signature-256', prng.pick(['', '!!!', 'a'.repeat(400), Buffer.from('x').toString('base64')]));
    else if (variant === 9) draft.headers = draft.headers.filter(([name]) => !['authorization', 'cookie'].includes(name.toLowerCase()));
    else if (variant === 10) add('Accept', prng.pick(['', '*/*;q=nope', 'text/html;q=0', 'application/json;;']));
    else add('Origin', prng.pick(['null', 'https://evil.example', '']));
    draft.faults.push(`header ${variant}`);
  },
];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function defaultContentType(body: Body): string | undefined {
  if (body.kind === 'form') return 'application/x-www-form-urlencoded';
  if (body.kind === 'json') return 'application/json';
  return undefined;
}

function serialisedBody(draft: Draft): Buffer {
  if (draft.bodyBytes !== undefined) return draft.bodyBytes;
  if (draft.body.kind === 'form') return Buffer.from(new URLSearchParams(draft.body.fields).toString(), 'utf8');
  if (draft.body.kind === 'json') return Buffer.from(JSON.stringify(draft.body.value) ?? 'null', 'utf8');
  return Buffer.alloc(0);
}

function serialise(prng: Prng, draft: Draft): FuzzedRequest {
  const body = serialisedBody(draft);
  const query = draft.rawQuery ?? new URLSearchParams(draft.query).toString();
  const target = query === '' ? draft.path : `${draft.path}?${query}`;
  const headers: Array<[string, string]> = [...draft.headers];
  const contentType = draft.contentType === null ? undefined : (draft.contentType ?? defaultContentType(draft.body));
  if (contentType !== undefined) headers.push(['Content-Type', contentType]);
  if (draft.contentEncoding !== undefined) headers.push(['Content-Encoding', draft.contentEncoding]);
  let payload = body;
  let halfClose = false;
  const hasBody = body.length > 0 || draft.body.kind !== 'none';
  switch (draft.length) {
    case 'exact':
      if (hasBody || draft.method !== 'GET') headers.push(['Content-Length', String(body.length)]);
      break;
    case 'huge':
      // Our side stays open: a server that waited for the declared body would hold the request to its timeout.
      headers.push(['Content-Length', String(900_000_000 + prng.int(1000))]);
      break;
    case 'short':
      // The extra bytes look like the start of a second request, which the server must refuse on its own.
      headers.push(['Content-Length', String(Math.floor(body.length / 2))]);
      break;
    case 'long':
      headers.push(['Content-Length', String(body.length + 1 + prng.int(5000))]);
      halfClose = true;
      break;
    case 'chunked':
      headers.push(['Transfer-Encoding', 'chunked']);
      payload = Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]);
      if (body.length === 0) payload = Buffer.from('0\r\n\r\n');
      break;
    case 'bad-chunk':
      headers.push(['Transfer-Encoding', 'chunked']);
      payload = Buffer.concat([Buffer.from('zz\r\n'), body]);
      halfClose = true;
      break;
    case 'both':
      headers.push(['Transfer-Encoding', 'chunked'], ['Content-Length', String(body.length)]);
      break;
  }
  return { bytes: requestBytes(draft.method, target, headers, payload), halfClose, faults: draft.faults };
}

/** What a run found: every request that failed, with how to replay it. */
export interface FuzzReport {
  sent: number;
  failures: string[];
  statuses: Record<string, number>;
  /** Known open issues met, by name, with how often. */
  known: Record<string, number>;
}

/**
 * Sends REQUESTS_PER_ENDPOINT fuzzed requests to one endpoint (a few at a time) and collects failures:
 * a 5xx, no answer within the timeout, or no answer at all when our side did not give up first.
 */
export interface FuzzOptions {
  count?: number;
  concurrency?: number;
  /** The fewest transport faults per request (default 1); 0 when the base itself is already varied. */
  minFaults?: number;
  /**
   * Names a 5xx that is a known open issue owned elsewhere (it is counted and printed, not failed), or
   * undefined for a failure. Each use says which issue; remove it once the issue is fixed.
   */
  knownFailure?: (request: Buffer) => string | undefined;
  /** The same for an error-level log line. */
  knownLogLine?: (line: Record<string, unknown>) => string | undefined;
}

export async function fuzzEndpoint(baseUrl: string, name: string, base: BaseFor, options: FuzzOptions = {}): Promise<FuzzReport> {
  const { count = REQUESTS_PER_ENDPOINT, concurrency = 6, minFaults = 1, knownFailure } = options;
  const prng = new Prng(endpointSeed(name));
  const report: FuzzReport = { sent: 0, failures: [], statuses: {}, known: {} };
  const requests = Array.from({ length: count }, () => fuzzRequest(prng, base(prng), minFaults));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < requests.length) {
      const index = next;
      next += 1;
      const request = requests[index] as FuzzedRequest;
      const answer = await rawRequest(baseUrl, request.bytes, { timeoutMs: 8000, halfClose: request.halfClose });
      report.sent += 1;
      const status = answer.status === undefined ? (answer.timedOut ? 'timeout' : 'closed') : String(answer.status);
      report.statuses[status] = (report.statuses[status] ?? 0) + 1;
      const unanswered = answer.status === undefined && (answer.timedOut || !request.halfClose);
      const serverError = answer.status !== undefined && answer.status >= 500;
      const known = serverError ? knownFailure?.(request.bytes) : undefined;
      if (known !== undefined) {
        report.known[known] = (report.known[known] ?? 0) + 1;
      } else if (serverError || unanswered) {
        report.failures.push(`#${index} [${request.faults.join('; ')}] → ${status}: ${request.bytes.subarray(0, 300).toString('latin1').replace(/\r\n/g, '⏎')}`);
        if (process.env.FUZZ_DUMP_DIR) writeFileSync(join(process.env.FUZZ_DUMP_DIR, `${name.replace(/[^A-Za-z0-9]+/g, '_')}-${index}.http`), request.bytes);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return report;
}

/** Mocha's timeout for a face (FUZZ_TIMEOUT_MS overrides, for slow replays against old code). */
export const FACE_TIMEOUT_MS = Number(process.env.FUZZ_TIMEOUT_MS ?? 120_000);

/** Running totals over the whole fuzz suite, printed at the end of each face. */
export const totals = { sent: 0, failures: 0, known: 0 };

/** Fuzzes one endpoint and asserts the run found nothing, naming the seed to replay a failure. */
export async function expectNoServerErrors(baseUrl: string, name: string, base: BaseFor, errorLines: () => Array<Record<string, unknown>>, options: FuzzOptions = {}): Promise<FuzzReport> {
  printSeed();
  const before = errorLines().length;
  const report = await fuzzEndpoint(baseUrl, name, base, options);
  totals.sent += report.sent;
  totals.failures += report.failures.length;
  const logged: string[] = [];
  for (const line of errorLines().slice(before)) {
    const known = options.knownLogLine?.(line);
    if (known === undefined) logged.push(JSON.stringify(line).slice(0, 300));
    else report.known[known] = (report.known[known] ?? 0) + 1;
  }
  totals.known += Object.values(report.known).reduce((sum, n) => sum + n, 0);
  if (process.env.FUZZ_VERBOSE) console.log(`      ${name}: ${JSON.stringify(report.statuses)}`);
  if (process.env.FUZZ_TALLY) appendFileSync(process.env.FUZZ_TALLY, `${JSON.stringify({ name, seed: FUZZ_SEED, sent: report.sent, failures: report.failures.length, errorLines: logged.length, statuses: report.statuses, known: report.known })}\n`);
  if (Object.keys(report.known).length > 0) console.log(`      ${name}: known open issues met: ${JSON.stringify(report.known)}`);
  expect(report.failures, `${name}: seed ${FUZZ_SEED}, ${report.failures.length} of ${report.sent} failed:\n${report.failures.slice(0, 8).join('\n')}`).to.deep.equal([]);
  expect(logged, `${name}: error-level log lines (seed ${FUZZ_SEED})`).to.deep.equal([]);
  return report;
}

/** A browser's cookies as the one Cookie header a fuzzed request carries (none when it has none). */
export function cookieHeader(browser: { cookies: ReadonlyMap<string, string> }): Array<[string, string]> {
  const cookie = [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  return cookie ? [['Cookie', cookie]] : [];
}
