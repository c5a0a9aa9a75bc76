import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import express from 'express';
import { createTokenVerifier, requireAccessToken, type TokenVerifier } from '../../../kit/tokens';
import { freePort } from '../../support/ports';
import type { TestService } from '../../support/service';
import { forgedSignature, issueToken, RESOURCE_SERVER, revokeAtLinkwright, startLinkwright } from './support';

/** A company API protected by the middleware, on loopback. */
async function startApi(verifier: TokenVerifier): Promise<{ url: string; server: Server }> {
  const app = express();
  app.get('/me', requireAccessToken(verifier), (req, res) => {
    res.json({ sub: req.accessToken?.sub, fromLocals: (res.locals.accessToken as { clientId: string }).clientId });
  });
  app.post('/orders', requireAccessToken(verifier, { scope: 'orders' }), (_req, res) => {
    res.status(201).json({ ordered: true });
  });
  app.post('/admin', requireAccessToken(verifier, { scope: ['orders', 'admin'] }), (_req, res) => {
    res.json({ admin: true });
  });
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('linkwright/tokens: requireAccessToken (express, RFC 6750)', () => {
  let service: TestService;
  let api: { url: string; server: Server };
  before(async () => {
    service = await startLinkwright();
    api = await startApi(createTokenVerifier({ issuer: service.services.settings.publicUrl, clock: service.clock, introspection: RESOURCE_SERVER, revocationCheckMs: 5000 }));
  });
  after(async () => {
    await new Promise((resolve) => api?.server.close(resolve));
    await service?.close();
  });

  const call = (path: string, authorization?: string, method = 'GET') => fetch(`${api.url}${path}`, { method, headers: authorization === undefined ? {} : { authorization } });

  it('admits a valid token and puts it on req and res.locals', async () => {
    const { token, userId } = await issueToken(service);
    const response = await call('/me', `Bearer ${token}`);
    expect(response.status).to.equal(200);
    expect(await response.json()).to.deep.equal({ sub: userId, fromLocals: 'alexa-test-client' });
    expect((await call('/orders', `Bearer ${token}`, 'POST')).status).to.equal(201);
  });

  it('answers no token with 401 and a bare Bearer challenge', async () => {
    for (const header of [undefined, 'Basic dXNlcjpwYXNz']) {
      const response = await call('/me', header);
      expect(response.status).to.equal(401);
      expect(response.headers.get('www-authenticate')).to.equal('Bearer realm="linkwright"');
    }
  });

  it('answers a refused token with 401 invalid_token, and a malformed header with 400 invalid_request', async () => {
    const { token } = await issueToken(service);
    const forged = await call('/me', `Bearer ${forgedSignature(token)}`);
    expect(forged.status).to.equal(401);
    expect(forged.headers.get('www-authenticate')).to.equal('Bearer realm="linkwright", error="invalid_token", error_description="The access token signature is invalid."');
    expect(await forged.json()).to.deep.equal({ error: 'invalid_token', error_description: 'The access token signature is invalid.' });
    const malformed = await call('/me', 'Bearer one two');
    expect(malformed.status).to.equal(400);
    expect(((await malformed.json()) as { error: string }).error).to.equal('invalid_request');
  });

  it('answers a token without the scope with 403 insufficient_scope naming the scope', async () => {
    const { token } = await issueToken(service);
    const response = await call('/admin', `Bearer ${token}`, 'POST');
    expect(response.status).to.equal(403);
    expect(response.headers.get('www-authenticate')).to.equal('Bearer realm="linkwright", error="insufficient_scope", error_description="The access token lacks the scope admin.", scope="orders admin"');
  });

  it('refuses a revoked token after revocationCheckMs', async () => {
    const { token } = await issueToken(service);
    expect((await call('/me', `Bearer ${token}`)).status).to.equal(200);
    await revokeAtLinkwright(service, token);
    service.clock.advance(5001);
    const response = await call('/me', `Bearer ${token}`);
    expect(response.status).to.equal(401);
    expect(response.headers.get('www-authenticate')).to.contain('The access token has been revoked.');
  });

  it('answers 503 with Retry-After when the issuer cannot be asked', async () => {
    // A port nothing listens on: the issuer is down.
    const verifier = createTokenVerifier({ issuer: `http://127.0.0.1:${await freePort()}`, timeoutMs: 500 });
    const down = await startApi(verifier);
    try {
      const { token } = await issueToken(service);
      const response = await fetch(`${down.url}/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).to.equal(503);
      expect(response.headers.get('retry-after')).to.equal('5');
      expect(((await response.json()) as { error: string }).error).to.equal('temporarily_unavailable');
    } finally {
      await new Promise((resolve) => down.server.close(resolve));
    }
  });

  it('works as plain node:http middleware too (no express): 401 without a token, the verified token on req with one', async () => {
    const verifier = createTokenVerifier({ issuer: service.services.settings.publicUrl, clock: service.clock, introspection: RESOURCE_SERVER });
    const guard = requireAccessToken(verifier);
    const server = createServer((req, res) => {
      guard(req, res, (error) => {
        res.statusCode = error === undefined ? 200 : 500;
        res.end(JSON.stringify({ sub: (req as { accessToken?: { sub: string } }).accessToken?.sub }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const refused = await fetch(url);
      expect(refused.status).to.equal(401);
      expect(refused.headers.get('www-authenticate')).to.equal('Bearer realm="linkwright"');
      const { token, userId } = await issueToken(service);
      const admitted = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect(admitted.status).to.equal(200);
      expect(await admitted.json()).to.deep.equal({ sub: userId });
      const forged = await fetch(url, { headers: { authorization: `Bearer ${forgedSignature(token)}` } });
      expect(forged.status).to.equal(401);
      expect(forged.headers.get('content-type')).to.equal('application/json; charset=utf-8');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
