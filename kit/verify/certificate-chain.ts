import { type KeyObject, X509Certificate } from 'node:crypto';
import { readExtensions } from './certificate-extensions';
import { VerificationError } from './errors';
import { type TrustStore, validAt } from './trust-store';

/** The SAN Amazon's request-signing certificate must carry. */
export const ALEXA_SIGNING_SAN = 'echo-api.amazon.com';
const MAX_CHAIN_LENGTH = 8;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
/** extKeyUsage purposes under which a leaf may sign Alexa requests (Amazon's carries serverAuth and clientAuth). */
const SIGNING_PURPOSES = new Set(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2', '2.5.29.37.0']);

/** A signing chain that passed every check at `checkedAt`. */
export interface ValidatedChain {
  leaf: X509Certificate;
  /** The leaf's public key, parsed once here (X509Certificate.publicKey builds a new KeyObject per read). */
  key: KeyObject;
  /** The earliest notAfter in the path (ms): the chain must not be trusted beyond it. */
  validUntil: number;
}

/**
 * Validates a PEM chain (leaf first, as Amazon serves it): every certificate in the path is within its
 * dates, each is signed by the next (which must be a CA allowed to sign certificates, with a
 * pathLenConstraint, if any, that covers the CAs below it), the path ends at a trusted root, and the leaf
 * names echo-api.amazon.com in its SAN and may sign (keyUsage digitalSignature; extKeyUsage, if present,
 * a TLS purpose). Throws VerificationError with the failed check.
 */
export function validateSigningChain(pem: string, trust: TrustStore, now: number): ValidatedChain {
  const blocks = pem.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) throw new VerificationError('certificate chain holds no PEM certificate');
  if (blocks.length > MAX_CHAIN_LENGTH) throw new VerificationError(`certificate chain has ${blocks.length} certificates`);
  let chain: X509Certificate[];
  try {
    chain = blocks.map((block) => new X509Certificate(block));
  } catch {
    throw new VerificationError('certificate chain holds an unparsable certificate');
  }
  const leaf = chain[0] as X509Certificate;
  if (!hasDnsName(leaf, ALEXA_SIGNING_SAN)) throw new VerificationError(`signing certificate SAN is ${leaf.subjectAltName ?? '(none)'}`);
  if (leaf.ca) throw new VerificationError('signing certificate is a CA certificate');
  checkLeafUsage(leaf);

  let validUntil = Number.POSITIVE_INFINITY;
  for (let index = 0; index < chain.length; index += 1) {
    const cert = chain[index] as X509Certificate;
    if (!validAt(cert, now)) throw new VerificationError(`certificate ${index} (${cert.subject.replace(/\n/g, ', ')}) is outside its validity dates`);
    validUntil = Math.min(validUntil, Date.parse(cert.validTo));
    if (trust.contains(cert)) return { leaf, key: leaf.publicKey, validUntil };
    const root = trust.issuerOf(cert, now);
    if (root) {
      checkIssuerConstraints(root, index, 'the trusted root', true);
      return { leaf, key: leaf.publicKey, validUntil: Math.min(validUntil, Date.parse(root.validTo)) };
    }
    const issuer = chain[index + 1];
    if (!issuer) throw new VerificationError('certificate chain does not end at a trusted root');
    // A certificate may only vouch for another when it is a CA and its key made the signature.
    if (!issuer.ca || !cert.checkIssued(issuer) || !cert.verify(issuer.publicKey)) {
      throw new VerificationError(`certificate ${index} is not signed by the next certificate in the chain`);
    }
    checkIssuerConstraints(issuer, index, `certificate ${index + 1}`);
  }
  throw new VerificationError('certificate chain does not end at a trusted root');
}

/**
 * RFC 5280 §4.2.1.9: an issuer must be a CA, and its pathLenConstraint bounds how many intermediate CAs
 * may sit below it (its keyUsage keyCertSign is already checked by checkIssued). `casBelow` is the issued
 * certificate's index: the leaf is 0, so every certificate between the leaf and this issuer is a CA.
 * Without this, a CA restricted to issuing leaves could mint a sub-CA that signs "echo-api" certificates.
 */
function checkIssuerConstraints(issuer: X509Certificate, casBelow: number, name: string, trustAnchor = false): void {
  const extensions = readExtensions(issuer);
  // A configured or system root is trusted as an anchor; some old (v1) roots carry no basicConstraints.
  if (!extensions.ca && !trustAnchor) throw new VerificationError(`${name} is not a CA (basicConstraints)`);
  if (extensions.pathLength !== undefined && casBelow > extensions.pathLength) {
    throw new VerificationError(`${name} allows ${extensions.pathLength} CA(s) below it, the chain has ${casBelow}`);
  }
}

/** The leaf must be meant for signatures: keyUsage digitalSignature, and a TLS purpose when extKeyUsage is set. */
function checkLeafUsage(leaf: X509Certificate): void {
  const extensions = readExtensions(leaf);
  if (!extensions.keyUsage?.digitalSignature) throw new VerificationError('signing certificate keyUsage lacks digitalSignature');
  if (extensions.extKeyUsage && !extensions.extKeyUsage.some((oid) => SIGNING_PURPOSES.has(oid))) {
    throw new VerificationError(`signing certificate extKeyUsage is ${extensions.extKeyUsage.join(', ')}`);
  }
}

/** True when the certificate's subjectAltName lists exactly this DNS name. */
function hasDnsName(cert: X509Certificate, name: string): boolean {
  const entries = (cert.subjectAltName ?? '').split(/,\s*/);
  return entries.some((entry) => entry.toLowerCase() === `dns:${name}`);
}
