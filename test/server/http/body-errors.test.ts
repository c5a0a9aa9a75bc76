import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import { appLinksEnv } from '../../app-links/support';
import { rawRequest, requestBytes } from '../../support/raw-http';
import { startTestService, type TestService } from '../../support/service';
import { OPS_ENV } from '../ops/helpers';

type Face = 'oauth-page' | 'oauth-json' | 'app-links-json' | 'app-links-page' | 'ops-page';

/** Every route that reads a body, with the form of its error answers. */
const BODY_ROUTES: ReadonlyArray<{ path: string; body: 'form' | 'json'; face: Face }> = [
  { path: '/oauth/login', body: 'form', face: 'oauth-page' },
  { path: '/oauth/consent', body: 'form', face: 'oauth-page' },
  { path: '/oauth/revoke', body: 'form', face: 'oauth-json' },
  { path: '/app-links/complete', body: 'json', face: 'app-links-json' },
  { path: '/app-links/authorize', body: 'json', face: 'app-links-json' },
  { path: '/app-links/return', body: 'form', face: 'app-links-page' },
  { path: '/app-links/authorize/consent', body: 'form', face: 'app-links-page' },
  { path: '/ops/login', body: 'form', face: 'ops-page' },
  { path: '/ops/logout', body: 'form', face: 'ops-page' },
  { path: '/ops/users/revoke', body: 'form', face: 'ops-page' },
];

const CONTENT_TYPE = { form: 'application/x-www-form-urlencoded', json: 'application/json' } as const;
const SAMPLE = { form: 'a=1', json: '{"code":"x","state":"y"}' } as const;

async function post(service: TestService, path: string, headers: Record<string, string>, body: Buffer | string): Promise<{ status: number; type: string; text: string }> {
  const response = await fetch(`${service.url}${path}`, { method: 'POST', headers, body });
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

/** The answer is in the face's own error form, with the given description. */
function expectFaceError(face: Face, answer: { type: string; text: string }, description: string, label: string): void {
  if (face === 'oauth-json' || face === 'app-links-json') {
    expect(answer.type, label).to.match(/^application\/json/);
    expect(JSON.parse(answer.text), label).to.deep.equal({ error: 'invalid_request', error_description: description });
  } else {
    expect(answer.type, label).to.match(/^text\/html/);
    expect(answer.text, label).to.include(description);
  }
}

describe('body errors on every express route that reads a body', () => {
  let service: TestService;

  before(async () => {
    service = await startTestService({ env: { ...appLinksEnv(), ...OPS_ENV } });
  });
  after(() => service.close());

  const errorLines = (): Array<Record<string, unknown>> => service.logs.lines.filter((line) => (line.level as number) >= 50);

  it('answers 400 in the face’s format, without an error line, for a body that does not match its Content-Encoding', async () => {
    for (const route of BODY_ROUTES) {
      for (const coding of ['gzip', 'deflate', 'br']) {
        const answer = await post(service, route.path, { 'content-type': CONTENT_TYPE[route.body], 'content-encoding': coding }, SAMPLE[route.body]);
        const label = `${route.path} ${coding}`;
        expect(answer.status, `${label}: ${answer.text.slice(0, 200)}`).to.equal(400);
        expectFaceError(route.face, answer, 'The request body could not be decoded: it does not match its Content-Encoding.', label);
      }
      // A compressed body cut short is the same fault.
      const truncated = gzipSync(SAMPLE[route.body]).subarray(0, 8);
      const cut = await post(service, route.path, { 'content-type': CONTENT_TYPE[route.body], 'content-encoding': 'gzip' }, truncated);
      expect(cut.status, `${route.path} truncated gzip`).to.equal(400);
    }
    expect(errorLines(), JSON.stringify(errorLines()).slice(0, 500)).to.deep.equal([]);
  });

  it('answers the same on the hot routes: 400 from the token endpoint, the skill’s generic 400', async () => {
    for (const coding of ['gzip', 'deflate', 'br']) {
      const token = await post(service, '/oauth/token', { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': coding }, 'grant_type=refresh_token');
      expect(token.status, coding).to.equal(400);
      expectFaceError('oauth-json', token, 'The request body could not be decoded: it does not match its Content-Encoding.', `/oauth/token ${coding}`);
      const skill = await post(service, '/alexa', { 'content-type': 'application/json', 'content-encoding': coding }, '{}');
      expect(skill.status, coding).to.equal(400);
    }
    const unknown = await post(service, '/oauth/token', { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'compress' }, 'a=1');
    expect(unknown.status).to.equal(415);
    expect(errorLines(), JSON.stringify(errorLines()).slice(0, 500)).to.deep.equal([]);
  });

  it('answers 415 for an encoding or a charset it does not read, and 400 for malformed JSON', async () => {
    for (const route of BODY_ROUTES) {
      const coding = await post(service, route.path, { 'content-type': CONTENT_TYPE[route.body], 'content-encoding': 'compress' }, SAMPLE[route.body]);
      expect(coding.status, `${route.path} compress: ${coding.text.slice(0, 200)}`).to.equal(415);
      expectFaceError(route.face, coding, 'The request body encoding is not supported.', `${route.path} compress`);
      const charset = await post(service, route.path, { 'content-type': `${CONTENT_TYPE[route.body]}; charset=x-no-such-charset` }, SAMPLE[route.body]);
      expect(charset.status, `${route.path} charset: ${charset.text.slice(0, 200)}`).to.equal(415);
    }
    for (const route of BODY_ROUTES.filter((r) => r.body === 'json')) {
      const malformed = await post(service, route.path, { 'content-type': 'application/json' }, '{"code":');
      expect(malformed.status, route.path).to.equal(400);
      expectFaceError(route.face, malformed, 'The request body is not well-formed.', route.path);
    }
    expect(errorLines(), JSON.stringify(errorLines()).slice(0, 500)).to.deep.equal([]);
  });

  it('answers 413 at once to a chunked body that grows past the limit, while the client keeps the stream open', async () => {
    const chunk = 'a'.repeat(40_000);
    for (const route of [...BODY_ROUTES, { path: '/oauth/token', body: 'form' as const }]) {
      const path = route.path;
      const bytes = requestBytes('POST', path, [['Content-Type', CONTENT_TYPE[route.body]], ['Transfer-Encoding', 'chunked']], `${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      // Before, body-parser waited for the rest of the body: no answer until Node's request timeout check (15 to 45 s).
      const answer = await rawRequest(service.url, bytes, { timeoutMs: 5000 });
      expect(answer.timedOut, `${path} answered within 5 s`).to.equal(false);
      expect(answer.status, `${path}: ${answer.head}`).to.equal(413);
      expect(answer.headers.connection, path).to.equal('close');
    }
  });

  it('answers 413 at once to a declared Content-Length far over the limit, and closes the connection', async () => {
    for (const path of [...BODY_ROUTES.map((r) => r.path), '/oauth/token', '/alexa']) {
      const bytes = requestBytes('POST', path, [['Content-Type', 'application/x-www-form-urlencoded'], ['Content-Length', '900000000']], 'a=1&b=2');
      // Before, express read (or waited for) the declared body and answered 408 at the request timeout (15 s).
      const answer = await rawRequest(service.url, bytes, { timeoutMs: 5000, untilClosed: true });
      expect(answer.timedOut, `${path} answered and closed within 5 s`).to.equal(false);
      expect(answer.status, `${path}: ${answer.head}`).to.equal(path === '/alexa' ? 400 : 413); // the skill refuses everything unverifiable with 400
      expect(answer.headers.connection, path).to.equal('close');
      expect(answer.closed, path).to.equal(true);
    }
  });
});
