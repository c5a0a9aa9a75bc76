import forge from 'node-forge';

/** A certificate chain like Amazon's echo-api one, made locally: a root CA, an intermediate, a leaf. */
export interface TestCertificateChain {
  /** PEM of the root CA: what the service must be told to trust in test and simulator mode. */
  rootPem: string;
  /** Leaf then intermediate, PEM, as Amazon serves at SignatureCertChainUrl. */
  chainPem: string;
  /** The leaf's private key (PEM): signs request bodies (RSA-SHA256). */
  leafKeyPem: string;
}

export interface ChainOptions {
  /** Subject alternative name of the leaf; Amazon's is echo-api.amazon.com. */
  san?: string;
  notBefore?: Date;
  notAfter?: Date;
}

function keyPair(): forge.pki.rsa.KeyPair {
  return forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
}

function certificate(options: {
  subject: string;
  issuer: string;
  publicKey: forge.pki.rsa.PublicKey;
  signingKey: forge.pki.rsa.PrivateKey;
  ca: boolean;
  san?: string;
  notBefore: Date;
  notAfter: Date;
  serial: string;
}): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = options.publicKey;
  cert.serialNumber = options.serial;
  cert.validity.notBefore = options.notBefore;
  cert.validity.notAfter = options.notAfter;
  cert.setSubject([{ name: 'commonName', value: options.subject }]);
  cert.setIssuer([{ name: 'commonName', value: options.issuer }]);
  const extensions: object[] = [
    { name: 'basicConstraints', cA: options.ca, critical: true },
    options.ca ? { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true } : { name: 'keyUsage', digitalSignature: true, critical: true },
  ];
  if (options.san) extensions.push({ name: 'subjectAltName', altNames: [{ type: 2, value: options.san }] });
  cert.setExtensions(extensions);
  cert.sign(options.signingKey, forge.md.sha256.create());
  return cert;
}

/** Builds a root → intermediate → leaf chain; the defaults match what Alexa's real chain promises. */
export function createTestCertificateChain(options: ChainOptions = {}): TestCertificateChain {
  const now = Date.now();
  const notBefore = options.notBefore ?? new Date(now - 86_400_000);
  const notAfter = options.notAfter ?? new Date(now + 365 * 86_400_000);
  // The CAs cover the leaf's whole window, so a chain made for a clock far from today still verifies.
  const caBefore = new Date(Math.min(now - 10 * 86_400_000, notBefore.getTime()));
  const caAfter = new Date(Math.max(now + 10 * 365 * 86_400_000, notAfter.getTime()));
  const root = keyPair();
  const intermediate = keyPair();
  const leaf = keyPair();
  const rootCert = certificate({ subject: 'Linkwright Test Root CA', issuer: 'Linkwright Test Root CA', publicKey: root.publicKey, signingKey: root.privateKey, ca: true, notBefore: caBefore, notAfter: caAfter, serial: '01' });
  const intermediateCert = certificate({ subject: 'Linkwright Test Intermediate CA', issuer: 'Linkwright Test Root CA', publicKey: intermediate.publicKey, signingKey: root.privateKey, ca: true, notBefore: caBefore, notAfter: caAfter, serial: '02' });
  const leafCert = certificate({
    subject: options.san ?? 'echo-api.amazon.com',
    issuer: 'Linkwright Test Intermediate CA',
    publicKey: leaf.publicKey,
    signingKey: intermediate.privateKey,
    ca: false,
    san: options.san ?? 'echo-api.amazon.com',
    notBefore,
    notAfter,
    serial: '03',
  });
  return {
    rootPem: forge.pki.certificateToPem(rootCert),
    chainPem: forge.pki.certificateToPem(leafCert) + forge.pki.certificateToPem(intermediateCert),
    leafKeyPem: forge.pki.privateKeyToPem(leaf.privateKey),
  };
}
