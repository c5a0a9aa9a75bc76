import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { createLinkwright } from '../../server/index';
import { createLogger } from '../../server/log';
import { freePort } from '../support/ports';
import { testSettings } from '../support/settings';

const run = promisify(execFile);

describe('linkwright (the package entry): createLinkwright', function () {
  this.timeout(20_000);

  it('importing every entry point starts nothing: the process exits by itself at once', async () => {
    const script = "require('./server/index'); require('./kit/ask-sdk'); require('./kit/verify'); require('./kit/tokens'); console.log('imported')";
    const { stdout } = await run(process.execPath, ['--require', 'tsx/cjs', '-e', script], { timeout: 15_000 });
    expect(stdout.trim()).to.equal('imported');
  });

  it('start() listens on PORT and serves; stop() drains and is idempotent', async () => {
    const linkwright = createLinkwright(testSettings(await freePort()), { log: createLogger('silent') });
    const { url } = await linkwright.start();
    expect((await fetch(`${url}/healthz`)).status).to.equal(200);
    const alexa = await fetch(`${url}/alexa`, { method: 'POST', body: '{}' });
    expect(alexa.status).to.equal(400);
    await linkwright.stop();
    await linkwright.stop();
    await fetch(`${url}/healthz`).then(
      () => expect.fail('still listening after stop()'),
      (error: Error) => expect(error.message).to.match(/fetch failed/),
    );
  });

  it('app is a request listener for your own server (hot routes included), before or without start()', async () => {
    const linkwright = createLinkwright(testSettings(await freePort()), { log: createLogger('silent') });
    const server = createServer(linkwright.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const metadata = (await (await fetch(`${base}/.well-known/oauth-authorization-server`)).json()) as { issuer: string };
      expect(metadata.issuer).to.equal(linkwright.settings.publicUrl);
      expect((await fetch(`${base}/oauth/token`, { method: 'POST', body: '' })).status).to.be.oneOf([400, 401]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await linkwright.stop();
    }
  });
});
