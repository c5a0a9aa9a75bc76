import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import express from 'express';
import { alexaVerifierMiddleware, createAlexaVerifier, verifyAlexaRequest, VerificationError, type VerifiedAlexaRequest } from '../../../kit/verify';
import { ManualClock } from '../../../server/clock';
import { launchRequest, TEST_SKILL_ID } from '../../support/alexa-requests';
import { AlexaSigner, allowOnlyLoopback, restoreNetwork } from '../../support/alexa-signing';

describe('linkwright/verify', () => {
  const signer = AlexaSigner.create();
  const other = AlexaSigner.create();
  const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000);
  const options = { applicationId: TEST_SKILL_ID, trustedRootPems: [signer.chain.rootPem], clock };

  beforeEach(() => allowOnlyLoopback());
  afterEach(() => restoreNetwork());

  async function reason(promise: Promise<unknown>): Promise<string> {
    try {
      await promise;
    } catch (error) {
      expect(error).to.be.instanceOf(VerificationError);
      return (error as VerificationError).reason;
    }
    throw new Error('expected a refusal');
  }

  it('verifyAlexaRequest: accepts a signed request (headers in any case, body as string or Buffer) and caches the chain per options object', async () => {
    const scope = signer.serveChain(1);
    const body = JSON.stringify(launchRequest({ clock }));
    const headers = signer.headers(body);
    const upper = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toUpperCase(), value]));
    expect((await verifyAlexaRequest(body, headers, options)).request.type).to.equal('LaunchRequest');
    expect((await verifyAlexaRequest(Buffer.from(body), upper, options)).request.type).to.equal('LaunchRequest');
    expect(scope.isDone()).to.equal(true);
  });

  it('refuses, naming the check: no signature, a tampered body, another signer, a stale timestamp, another skill', async () => {
    signer.serveChain(1);
    other.serveChain(1);
    const verifier = createAlexaVerifier(options);
    const body = JSON.stringify(launchRequest({ clock }));
    expect(await reason(verifier.verify(body, {}))).to.equal('SignatureCertChainUrl header missing');
    expect(await reason(verifier.verify(body.replace('LaunchRequest', 'LaunchRequesT'), signer.headers(body)))).to.equal('signature does not match the body');
    expect(await reason(verifier.verify(body, other.headers(body)))).to.equal('certificate chain does not end at a trusted root');
    const stale = JSON.stringify(launchRequest({ clock, skewMs: -151_000 }));
    expect(await reason(verifier.verify(stale, signer.headers(stale)))).to.match(/^request timestamp is 151 s in the past/);
    const foreign = JSON.stringify(launchRequest({ clock, applicationId: 'amzn1.ask.skill.other' }));
    expect(await reason(verifier.verify(foreign, signer.headers(foreign)))).to.match(/is not this skill$/);
  });

  describe('express middleware', () => {
    let server: Server;
    let url: string;
    const refusals: string[] = [];
    before(async () => {
      const app = express();
      app.post('/alexa', alexaVerifierMiddleware({ ...options, onRefused: (why) => refusals.push(why) }), (req, res) => {
        const verified = req as unknown as VerifiedAlexaRequest;
        res.json({ type: verified.body.request.type, bytes: verified.rawBody.length });
      });
      server = createServer(app);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alexa`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('keeps the raw body, hands on the envelope, and answers a generic 400 to anything else', async () => {
      signer.serveChain(1);
      const body = JSON.stringify(launchRequest({ clock }));
      const ok = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...signer.headers(body) }, body });
      expect(ok.status).to.equal(200);
      expect(await ok.json()).to.deep.equal({ type: 'LaunchRequest', bytes: Buffer.byteLength(body) });

      const unsigned = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
      expect(unsigned.status).to.equal(400);
      expect(await unsigned.json()).to.deep.equal({ error: 'invalid_request', error_description: 'The request could not be verified.' });

      const huge = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...signer.headers(body) }, body: 'x'.repeat(300 * 1024) });
      expect(huge.status).to.equal(400);
      expect(refusals).to.deep.equal(['SignatureCertChainUrl header missing', 'body over 256 kB']);
    });
  });
});
