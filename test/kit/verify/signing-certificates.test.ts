import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import forge from 'node-forge';
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

interface CertSpec {
  ca: boolean;
  pathLength?: number;
  keyUsage?: Record<string, boolean>;
  extKeyUsage?: Record<string, boolean>;
}

/**
 * Builds root → CAs… → leaf with the extensions each certificate is given (node's key generation, forge's
 * certificate writer), so each chain rule can be broken on its own. Returns the root and the chain PEM.
 */
function buildChain(intermediates: CertSpec[], leaf: Omit<CertSpec, 'ca'>): { rootPem: string; chainPem: string } {
  const newKey = (): { publicKey: forge.pki.rsa.PublicKey; privateKey: forge.pki.rsa.PrivateKey } => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    return { publicKey: forge.pki.publicKeyFromPem(pair.publicKey), privateKey: forge.pki.privateKeyFromPem(pair.privateKey) };
  };
  let serial = 1;
  const make = (subject: string, issuer: string, key: forge.pki.rsa.PublicKey, signer: forge.pki.rsa.PrivateKey, spec: CertSpec, san?: string): forge.pki.Certificate => {
    const cert = forge.pki.createCertificate();
    cert.publicKey = key;
    cert.serialNumber = `0${serial++}`;
    cert.validity.notBefore = new Date(Date.now() - 86_400_000);
    cert.validity.notAfter = new Date(Date.now() + 86_400_000);
    cert.setSubject([{ name: 'commonName', value: subject }]);
    cert.setIssuer([{ name: 'commonName', value: issuer }]);
    const extensions: object[] = [{ name: 'basicConstraints', cA: spec.ca, critical: true, ...(spec.pathLength === undefined ? {} : { pathLenConstraint: spec.pathLength }) }];
    if (spec.keyUsage) extensions.push({ name: 'keyUsage', critical: true, ...spec.keyUsage });
    if (spec.extKeyUsage) extensions.push({ name: 'extKeyUsage', ...spec.extKeyUsage });
    if (san) extensions.push({ name: 'subjectAltName', altNames: [{ type: 2, value: san }] });
    cert.setExtensions(extensions);
    cert.sign(signer, forge.md.sha256.create());
    return cert;
  };
  const rootKey = newKey();
  const root = make('Test Root', 'Test Root', rootKey.publicKey, rootKey.privateKey, { ca: true, keyUsage: { keyCertSign: true } });
  let issuerName = 'Test Root';
  let issuerKey = rootKey.privateKey;
  const below: forge.pki.Certificate[] = [];
  intermediates.forEach((spec, index) => {
    const key = newKey();
    const name = `Test CA ${index}`;
    below.unshift(make(name, issuerName, key.publicKey, issuerKey, spec));
    issuerName = name;
    issuerKey = key.privateKey;
  });
  const leafKey = newKey();
  const leafCert = make('echo-api.amazon.com', issuerName, leafKey.publicKey, issuerKey, { ca: false, ...leaf }, 'echo-api.amazon.com');
  return { rootPem: forge.pki.certificateToPem(root), chainPem: [leafCert, ...below].map((cert) => forge.pki.certificateToPem(cert)).join('') };
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

  describe('CA constraints and the leaf key usage', () => {
    const signing = { keyUsage: { digitalSignature: true, keyEncipherment: true } };
    const ca = (pathLength?: number): CertSpec => ({ ca: true, keyUsage: { keyCertSign: true, cRLSign: true }, ...(pathLength === undefined ? {} : { pathLength }) });
    const check = (built: { rootPem: string; chainPem: string }): string => reasonOf(() => validateSigningChain(built.chainPem, new TrustStore([built.rootPem], false), Date.now()));

    it('accepts CAs within their pathLenConstraint and a leaf with digitalSignature and a TLS extKeyUsage', () => {
      expect(check(buildChain([ca(0)], signing))).to.equal('no error');
      expect(check(buildChain([ca(1), ca(0)], { ...signing, extKeyUsage: { serverAuth: true, clientAuth: true } }))).to.equal('no error');
    });

    it('refuses a CA below an intermediate whose pathLenConstraint is 0', () => {
      expect(check(buildChain([ca(0), ca()], signing))).to.match(/certificate 2 allows 0 CA\(s\) below it, the chain has 1/);
    });

    it('refuses an issuer whose keyUsage does not allow signing certificates', () => {
      expect(check(buildChain([{ ca: true, keyUsage: { digitalSignature: true } }], signing))).to.match(/certificate 0 is not signed by the next certificate/);
    });

    it('refuses a leaf without digitalSignature, or without keyUsage at all', () => {
      expect(check(buildChain([ca()], { keyUsage: { keyEncipherment: true } }))).to.match(/keyUsage lacks digitalSignature/);
      expect(check(buildChain([ca()], {}))).to.match(/keyUsage lacks digitalSignature/);
    });

    it('refuses a leaf whose extKeyUsage names no TLS purpose', () => {
      expect(check(buildChain([ca()], { ...signing, extKeyUsage: { codeSigning: true } }))).to.match(/extKeyUsage is 1\.3\.6\.1\.5\.5\.7\.3\.3/);
    });
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

    it('remembers a failed URL for a short while instead of downloading it again', async () => {
      const clock = new ManualClock();
      const certificates = new SigningCertificates({ trust: new TrustStore([signer.chain.rootPem], false), clock, timeoutMs: 1000, failureTtlMs: 30_000 });
      const url = new URL('https://s3.amazonaws.com/echo.api/broken.pem');
      const scope = nock('https://s3.amazonaws.com').get('/echo.api/broken.pem').once().reply(404).get('/echo.api/broken.pem').once().reply(200, signer.chain.chainPem);
      const reasons: string[] = [];
      for (let attempt = 0; attempt < 5; attempt += 1) {
        await certificates.leafFor(url).catch((error: VerificationError) => reasons.push(error.reason));
      }
      expect(reasons[0]).to.match(/download failed \(404\)/);
      expect(reasons.slice(1)).to.deep.equal(Array(4).fill('certificate chain failed recently (certificate chain download failed (404))'));
      expect(scope.pendingMocks()).to.have.length(1);
      clock.advance(30_001);
      expect((await certificates.leafFor(url)).subjectAltName).to.equal('DNS:echo-api.amazon.com');
      expect(scope.isDone()).to.equal(true);
    });

    it('remembers a chain that failed validation too, and forgets the oldest failures beyond the bound', async () => {
      const clock = new ManualClock();
      const certificates = new SigningCertificates({ trust: new TrustStore([signer.chain.rootPem], false), clock, timeoutMs: 1000, maxFailures: 2 });
      const fetched: string[] = [];
      nock('https://s3.amazonaws.com')
        .get(/^\/echo\.api\/[xyz]\.pem$/)
        .times(10)
        .reply((path) => {
          fetched.push(path);
          return [200, other.chain.chainPem];
        });
      for (const name of ['x', 'y', 'z', 'y', 'z', 'x']) {
        await certificates.leafFor(new URL(`https://s3.amazonaws.com/echo.api/${name}.pem`)).catch(() => undefined);
      }
      // y and z were refused from memory; x had been pushed out by z, so it was fetched once more.
      expect(fetched).to.deep.equal(['/echo.api/x.pem', '/echo.api/y.pem', '/echo.api/z.pem', '/echo.api/x.pem']);
    });

    it('refuses a request needing a download beyond the concurrency cap, without fetching', async () => {
      const clock = new ManualClock();
      const certificates = new SigningCertificates({ trust: new TrustStore([signer.chain.rootPem], false), clock, timeoutMs: 2000, maxConcurrentDownloads: 2 });
      const scope = nock('https://s3.amazonaws.com');
      for (const name of ['p', 'q']) scope.get(`/echo.api/${name}.pem`).delay(100).reply(200, signer.chain.chainPem);
      const slow = ['p', 'q'].map((name) => certificates.leafFor(new URL(`https://s3.amazonaws.com/echo.api/${name}.pem`)));
      const interceptor = nock('https://s3.amazonaws.com').get('/echo.api/r.pem').reply(200, signer.chain.chainPem);
      let reason = '';
      await certificates.leafFor(new URL('https://s3.amazonaws.com/echo.api/r.pem')).catch((error: VerificationError) => {
        reason = error.reason;
      });
      expect(reason).to.equal('too many certificate chain downloads at once');
      expect(interceptor.isDone()).to.equal(false);
      // A URL already being fetched still shares that download.
      await Promise.all([...slow, certificates.leafFor(new URL('https://s3.amazonaws.com/echo.api/p.pem'))]);
      expect(scope.isDone()).to.equal(true);
      // Once the downloads are done, the next URL is fetched.
      await certificates.leafFor(new URL('https://s3.amazonaws.com/echo.api/r.pem'));
      expect(interceptor.isDone()).to.equal(true);
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
