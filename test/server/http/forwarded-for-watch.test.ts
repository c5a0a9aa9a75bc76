import type { IncomingMessage } from 'node:http';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { forwardedForWatch } from '../../../server/http/forwarded-for-watch';
import { createLogger } from '../../../server/log';

function capturedLogger(): { lines: Array<Record<string, unknown>>; log: ReturnType<typeof createLogger> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, log: createLogger('info', stream) };
}

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('the TRUST_PROXY warning', () => {
  it('warns once in production when X-Forwarded-For arrives and TRUST_PROXY is unset', () => {
    const { lines, log } = capturedLogger();
    const watch = forwardedForWatch({ production: true, trustProxy: undefined }, log);
    watch?.(request({}));
    expect(lines).to.have.length(0);
    watch?.(request({ 'x-forwarded-for': '203.0.113.9' }));
    watch?.(request({ 'x-forwarded-for': '203.0.113.10' }));
    expect(lines.map((line) => line.event)).to.deep.equal(['proxy.trust_proxy_unset']);
    expect(lines[0]?.level).to.equal(40);
    expect(String(lines[0]?.advice)).to.include('TRUST_PROXY');
  });

  it('stays quiet with TRUST_PROXY set, and outside production', () => {
    expect(forwardedForWatch({ production: true, trustProxy: '1' }, capturedLogger().log)).to.equal(undefined);
    expect(forwardedForWatch({ production: false, trustProxy: undefined }, capturedLogger().log)).to.equal(undefined);
  });
});
