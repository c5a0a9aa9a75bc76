import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { type HotRequest, type HotRoute, withHotRoutes } from '../../../server/http/hot-routes';
import { createLogger } from '../../../server/log';
import { CapturedLog } from '../../support/service';

describe('hot routes (served from node:http before express)', () => {
  let server: Server;
  let url: string;
  const logs = new CapturedLog();
  const seen: HotRequest[] = [];

  const echo: HotRoute = {
    method: 'POST',
    path: '/echo',
    bodyLimitBytes: 64,
    handle: async (req) => {
      seen.push(req);
      req.log.info({ event: 'echo.handled' }, 'handled');
      return { status: 201, headers: { 'Cache-Control': 'no-store' }, json: { body: req.body.toString('utf8'), auth: req.header('Authorization') ?? null } };
    },
    tooLarge: () => ({ status: 413, json: { error: 'too_large' } }),
  };
  const broken: HotRoute = { method: 'POST', path: '/broken', bodyLimitBytes: 64, handle: async () => Promise.reject(new Error('boom: secret-detail')), tooLarge: () => ({ status: 413, json: {} }) };

  before(async () => {
    const fallback = (_req: unknown, res: { statusCode: number; end(body: string): void }) => {
      res.statusCode = 299;
      res.end('from express');
    };
    server = createServer(withHotRoutes([echo, broken], fallback, { log: createLogger('info', logs.stream()), https: true }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers its route with JSON, the security headers and the request id, and logs inside the request scope', async () => {
    const response = await fetch(`${url}/echo?ignored=1`, { method: 'POST', body: 'hello', headers: { authorization: 'Basic abc', 'x-request-id': 'hot-1' } });
    expect(response.status).to.equal(201);
    expect(await response.json()).to.deep.equal({ body: 'hello', auth: 'Basic abc' });
    expect(response.headers.get('content-type')).to.equal('application/json; charset=utf-8');
    expect(response.headers.get('cache-control')).to.equal('no-store');
    expect(response.headers.get('x-request-id')).to.equal('hot-1');
    expect(response.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(response.headers.get('strict-transport-security')).to.match(/^max-age=/);
    expect(response.headers.get('content-security-policy')).to.include("default-src 'none'");
    expect(logs.events('echo.handled')[0]?.reqId).to.equal('hot-1');
    expect(logs.events('http.request').find((line) => line.path === '/echo')).to.include({ reqId: 'hot-1', status: 201 });
    expect(seen.at(-1)?.path).to.equal('/echo');
  });

  it('leaves other paths and methods to express', async () => {
    for (const [method, path] of [['GET', '/echo'], ['POST', '/echo/more'], ['POST', '/other']] as const) {
      const response = await fetch(`${url}${path}`, { method });
      expect(response.status, `${method} ${path}`).to.equal(299);
      expect(await response.text()).to.equal('from express');
    }
  });

  it('refuses a body over the limit, whether declared or streamed, without calling the handler', async () => {
    const before = seen.length;
    const declared = await fetch(`${url}/echo`, { method: 'POST', body: 'x'.repeat(65) });
    expect(declared.status).to.equal(413);
    expect(await declared.json()).to.deep.equal({ error: 'too_large' });
    const streamed = await fetch(`${url}/echo`, {
      method: 'POST',
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('y'.repeat(40)));
          controller.enqueue(new TextEncoder().encode('y'.repeat(40)));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).to.equal(413);
    expect(seen.length).to.equal(before);
  });

  it('answers a generic 500 when the handler throws, and keeps the detail in the log only', async () => {
    const response = await fetch(`${url}/broken`, { method: 'POST', body: '' });
    expect(response.status).to.equal(500);
    const text = await response.text();
    expect(JSON.parse(text)).to.deep.equal({ error: 'server_error', error_description: 'The server could not complete the request.' });
    expect(text).to.not.include('secret-detail');
    expect(logs.events('http.error').some((line) => String(line.reason).includes('boom'))).to.equal(true);
  });
});
