import { Writable } from 'node:stream';
import { expect } from 'chai';
import { createLogger, redact } from '../../server/log';

function capture(lines: string[]): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
}

describe('log redaction', () => {
  it('blanks secret fields in any letter case, inside arrays and nested objects', () => {
    const out = redact({ event: 'x', Authorization: 'Basic a', list: [{ refreshToken: 'r' }, 'plain'], deep: { a: { b: { Set_Cookie: 'no', 'set-cookie': ['c'] } } } });
    expect(out).to.deep.equal({ event: 'x', Authorization: '[redacted]', list: [{ refreshToken: '[redacted]' }, 'plain'], deep: { a: { b: { Set_Cookie: 'no', 'set-cookie': '[redacted]' } } } });
  });

  it('returns the very same object when there is nothing to blank, and never changes the caller\'s object', () => {
    const clean = { event: 'http.request', status: 200, nested: { path: '/oauth/token' } };
    expect(redact(clean)).to.equal(clean);
    const dirty = { event: 'x', token: 't' };
    const out = redact(dirty) as Record<string, unknown>;
    expect(out.token).to.equal('[redacted]');
    expect(dirty.token).to.equal('t');
  });

  it('leaves class instances such as errors to the serializers, and survives cycles', () => {
    const error = new Error('boom');
    expect(redact({ err: error }) as { err: unknown }).to.deep.equal({ err: error });
    const cyclic: Record<string, unknown> = { password: 'p' };
    cyclic.self = cyclic;
    expect((redact(cyclic) as Record<string, unknown>).password).to.equal('[redacted]');
  });

  it('blanks secrets in child-logger bindings too', () => {
    const lines: string[] = [];
    const child = createLogger('info', capture(lines)).child({ accessToken: 'secret-binding' });
    child.info({ event: 'x' }, 'm');
    child.child({ userId: 'u-1' }).child({ nested: { password: 'grandchild-secret' } }).info({ event: 'y' }, 'm');
    expect(lines.join('')).to.not.include('secret-binding');
    expect(lines.join('')).to.not.include('grandchild-secret');
    expect(lines.join('')).to.include('"accessToken":"[redacted]"');
    expect(lines[1]).to.include('"userId":"u-1"');
  });
});

describe('readable development logs', () => {
  it('pretty-prints lines (not JSON) when asked, still redacting secrets', () => {
    const lines: string[] = [];
    createLogger('info', capture(lines), { pretty: true }).info({ event: 'login.failed', password: 'hunter2-secret' }, 'sign-in failed');
    const text = lines.join('');
    expect(text).to.include('sign-in failed');
    expect(text).to.include('login.failed');
    expect(text).to.not.include('hunter2-secret');
    expect(() => JSON.parse(text) as unknown).to.throw();
  });

  it('writes JSON lines otherwise (production, or output that is not a terminal)', () => {
    const lines: string[] = [];
    createLogger('info', capture(lines)).info({ event: 'x' }, 'm');
    expect((JSON.parse(lines.join('')) as Record<string, unknown>).event).to.equal('x');
  });
});
