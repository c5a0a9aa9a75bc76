import { expect } from 'chai';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { codeExchangePlan, refreshChainPlan } from '../../bench/cases/token-requests';
import { runLoad } from '../../bench/lib/load';

/** A loopback server whose handler sees each request's form body. */
async function serve(handler: (form: URLSearchParams, req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handler(new URLSearchParams(Buffer.concat(chunks).toString('utf8')), req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function tokens(res: ServerResponse, refresh: string): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 'a', token_type: 'Bearer', refresh_token: refresh }));
}

describe('bench load runner (1-second runs on loopback)', function () {
  this.timeout(10_000);
  let server: Server | undefined;
  afterEach(() => server?.close());

  it('chains each connection on the newest refresh token, which a rotating server demands', async () => {
    // Like a rotating authorization server: each token is good exactly once and yields the next.
    const live = new Set(['t0-0', 't1-0', 't2-0']);
    let reused = 0;
    const started = await serve((form, _req, res) => {
      const token = form.get('refresh_token') ?? '';
      if (form.get('grant_type') !== 'refresh_token' || !live.delete(token)) {
        reused += 1;
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_grant"}');
        return;
      }
      const [chain, generation] = token.split('-');
      const next = `${chain}-${Number(generation) + 1}`;
      live.add(next);
      tokens(res, next);
    });
    server = started.server;
    const result = await runLoad({ url: started.url, connections: 3, durationSec: 1, plan: refreshChainPlan('/token', ['t0-0', 't1-0', 't2-0']), serverPid: process.pid });
    expect(result.completed).to.be.greaterThan(50);
    expect(reused).to.equal(0);
    expect(result.badResponses).to.equal(0);
    expect(result.statusCounts).to.deep.equal({ 200: result.completed });
    expect(result.rps).to.be.closeTo(result.completed / result.durationSec, 1e-9);
    expect(result.p50Ms).to.be.greaterThan(0).and.at.most(result.p99Ms);
    expect(result.rssMaxKb).to.be.greaterThan(0);
  });

  it('uses every pre-minted code once, then stops the run and flags the dry pool', async () => {
    const codes = Array.from({ length: 40 }, (_, i) => `code-${i}`);
    const unused = new Set(codes);
    const seen: string[] = [];
    const started = await serve((form, _req, res) => {
      const code = form.get('code') ?? '';
      seen.push(code);
      if (unused.delete(code) && form.get('redirect_uri')?.startsWith('https://pitangui.amazon.com/')) tokens(res, `r-${code}`);
      else res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_grant"}');
    });
    server = started.server;
    const began = Date.now();
    const result = await runLoad({ url: started.url, connections: 4, durationSec: 5, plan: codeExchangePlan('/token', codes), serverPid: process.pid });
    expect(result.poolExhausted).to.equal(true);
    expect(Date.now() - began).to.be.below(4000);
    expect(unused.size).to.equal(0);
    expect(seen.filter((c) => c.startsWith('code-'))).to.have.length(40);
    expect(result.badResponses).to.equal(0);
  });

  it('counts answers that fail the check, with samples, beside socket errors', async () => {
    let count = 0;
    const started = await serve((_form, _req, res) => {
      count += 1;
      if (count % 4 === 0) res.writeHead(503).end('busy');
      else res.writeHead(200).end('ok');
    });
    server = started.server;
    const plan = { check: (status: number, body: string) => status === 200 && body === 'ok', requests: () => [{ method: 'GET', path: '/' }] };
    const result = await runLoad({ url: started.url, connections: 2, durationSec: 1, plan, serverPid: process.pid });
    expect(result.badResponses).to.equal(result.statusCounts['503']);
    expect(result.badResponses).to.be.closeTo(result.completed / 4, 2);
    expect(result.badSamples[0]).to.equal('503 busy');
    expect(result.socketErrors).to.equal(0);
  });
});
