import { expect } from 'chai';
import nock from 'nock';
import { ManualClock } from '../../../server/clock';
import { validateSigningChain } from '../../../kit/verify/certificate-chain';
import { checkCertChainUrl } from '../../../kit/verify/cert-url';
import { VerificationError } from '../../../kit/verify/errors';
import { SigningCertificates } from '../../../kit/verify/signing-certificates';
import { TrustStore } from '../../../kit/verify/trust-store';
import { AlexaSigner, allowOnlyLoopback, restoreNetwork } from '../../support/alexa-signing';

function reasonOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof VerificationError) return error.reason;
    throw error;
  }
  return 'no error';
}

describe('skill verification: certificate URL rules', () => {
  it('normalises the URLs Amazon accepts to one form', () => {
    for (const url of [
      'https://s3.amazonaws.com/echo.api/echo-api-cert.pem',
      'HTTPS://S3.AmazonAWS.com/echo.api/echo-api-cert.pem',
      'https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem',
      'https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem',
      'https://s3.amazonaws.com/echo.api/./echo-api-cert.pem#fragment',
    ]) {
      expect(checkCertChainUrl(url).href, url).to.equal('https://s3.amazonaws.com/echo.api/echo-api-cert.pem');
    }
  });

  it('names the rule each bad URL breaks', () => {
    expect(reasonOf(() => checkCertChainUrl('ftp://s3.amazonaws.com/echo.api/x.pem'))).to.match(/scheme is ftp:/);
    expect(reasonOf(() => checkCertChainUrl('https://s3.amazonaws.com:8443/echo.api/x.pem'))).to.match(/port is 8443/);
    expect(reasonOf(() => checkCertChainUrl('https://s3.amazonaws.com/echo.api'))).to.match(/path is \/echo.api$/);
    expect(reasonOf(() => checkCertChainUrl('https://s3.amazonaws.com./echo.api/x.pem'))).to.match(/host is s3.amazonaws.com./);
    expect(reasonOf(() => checkCertChainUrl('https://s3.amazonaws.com/echo.api%2F..%2Fother/x.pem'))).to.match(/path is/);
  });
});

describe('skill verification: signing chains', function () {
  this.timeout(30_000);
  let signer: AlexaSigner;
  let other: AlexaSigner;

  before(() => {
    signer = AlexaSigner.create();
    other = AlexaSigner.create();
  });

  it('accepts a chain ending at a configured root and bounds its use by the earliest notAfter', () => {
    const trust = new TrustStore([signer.chain.rootPem], false);
    const validated = validateSigningChain(signer.chain.chainPem, trust, Date.now());
    expect(validated.leaf.subjectAltName).to.equal('DNS:echo-api.amazon.com');
    expect(validated.validUntil).to.equal(Date.parse(validated.leaf.validTo));
  });

  it('accepts a chain that carries its root too', () => {
    const trust = new TrustStore([signer.chain.rootPem], false);
    expect(() => validateSigningChain(signer.chain.chainPem + signer.chain.rootPem, trust, Date.now())).not.to.throw();
  });

  it('refuses chains that do not reach a trusted root, garbage, and intermediates swapped between chains', () => {
    const trust = new TrustStore([signer.chain.rootPem], false);
    expect(reasonOf(() => validateSigningChain(other.chain.chainPem, trust, Date.now()))).to.match(/trusted root/);
    expect(reasonOf(() => validateSigningChain('hello', trust, Date.now()))).to.match(/no PEM certificate/);
    const [leaf] = signer.chain.chainPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) as string[];
    const [, otherIntermediate] = other.chain.chainPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) as string[];
    const both = new TrustStore([signer.chain.rootPem, other.chain.rootPem], false);
    expect(reasonOf(() => validateSigningChain(`${leaf}\n${otherIntermediate}`, both, Date.now()))).to.match(/not signed by the next certificate/);
  });

  it('does not trust the system store for the test roots (a self-made root is only trusted when configured)', () => {
    expect(reasonOf(() => validateSigningChain(signer.chain.chainPem, new TrustStore([], true), Date.now()))).to.match(/trusted root/);
  });

  describe('download cache', () => {
    beforeEach(allowOnlyLoopback);
    afterEach(restoreNetwork);

    it('shares one download between concurrent requests and keeps at most maxEntries chains', async () => {
      const clock = new ManualClock();
      const certificates = new SigningCertificates({ trust: new TrustStore([signer.chain.rootPem], false), clock, timeoutMs: 1000, maxEntries: 2 });
      const paths = ['/echo.api/a.pem', '/echo.api/b.pem', '/echo.api/c.pem'];
      const scope = nock('https://s3.amazonaws.com');
      for (const path of paths) scope.get(path).once().reply(200, signer.chain.chainPem);
      const first = paths[0] as string;
      const leaves = await Promise.all([1, 2, 3].map(() => certificates.leafFor(new URL(`https://s3.amazonaws.com${first}`))));
      expect(new Set(leaves.map((leaf) => leaf.fingerprint256)).size).to.equal(1);
      for (const path of paths.slice(1)) await certificates.leafFor(new URL(`https://s3.amazonaws.com${path}`));
      expect(scope.isDone()).to.equal(true);
      expect(certificates.size).to.equal(2);
    });

    it('fetches from SKILL_CERT_FETCH_BASE after the rules passed on the Amazon URL', async () => {
      const clock = new ManualClock();
      const certificates = new SigningCertificates({ trust: new TrustStore([signer.chain.rootPem], false), clock, timeoutMs: 1000, fetchBase: 'http://simulator.test:9100' });
      const scope = nock('http://simulator.test:9100').get('/echo.api/echo-api-cert.pem').reply(200, signer.chain.chainPem);
      const leaf = await certificates.leafFor(checkCertChainUrl('https://s3.amazonaws.com/echo.api/echo-api-cert.pem'));
      expect(leaf.subjectAltName).to.equal('DNS:echo-api.amazon.com');
      expect(scope.isDone()).to.equal(true);
    });

    it('re-downloads a valid chain after a day, so a replaced certificate is picked up', async () => {
      const clock = new ManualClock();
      const certificates = new SigningCertificates({ trust: new TrustStore([signer.chain.rootPem], false), clock, timeoutMs: 1000 });
      const scope = nock('https://s3.amazonaws.com').get('/echo.api/daily.pem').twice().reply(200, signer.chain.chainPem);
      const url = new URL('https://s3.amazonaws.com/echo.api/daily.pem');
      await certificates.leafFor(url);
      clock.advance(23 * 3_600_000);
      await certificates.leafFor(url);
      expect(scope.pendingMocks()).to.have.length(1);
      clock.advance(2 * 3_600_000);
      await certificates.leafFor(url);
      expect(scope.isDone()).to.equal(true);
    });

    it('gives up on a slow download within the timeout', async () => {
      const clock = new ManualClock();
      const certificates = new SigningCertificates({ trust: new TrustStore([signer.chain.rootPem], false), clock, timeoutMs: 150 });
      nock('https://s3.amazonaws.com').get('/echo.api/slow.pem').delay(2000).reply(200, signer.chain.chainPem);
      let reason = '';
      await certificates.leafFor(new URL('https://s3.amazonaws.com/echo.api/slow.pem')).catch((error: VerificationError) => {
        reason = error.reason;
      });
      expect(reason).to.match(/download failed \(ECONNABORTED\)/);
    });
  });
});
