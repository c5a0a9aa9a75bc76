import { type KeyObject, X509Certificate } from 'node:crypto';
import { VerificationError } from './errors';
import { type TrustStore, validAt } from './trust-store';

/** The SAN Amazon's request-signing certificate must carry. */
export const ALEXA_SIGNING_SAN = 'echo-api.amazon.com';
const MAX_CHAIN_LENGTH = 8;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

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
 * dates, each is signed by the next (which must be a CA), the path ends at a trusted root, and the
 * leaf names echo-api.amazon.com in its SAN. Throws VerificationError with the failed check.
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

  let validUntil = Number.POSITIVE_INFINITY;
  for (let index = 0; index < chain.length; index += 1) {
    const cert = chain[index] as X509Certificate;
    if (!validAt(cert, now)) throw new VerificationError(`certificate ${index} (${cert.subject.replace(/\n/g, ', ')}) is outside its validity dates`);
    validUntil = Math.min(validUntil, Date.parse(cert.validTo));
    if (trust.contains(cert)) return { leaf, key: leaf.publicKey, validUntil };
    const root = trust.issuerOf(cert, now);
    if (root) return { leaf, key: leaf.publicKey, validUntil: Math.min(validUntil, Date.parse(root.validTo)) };
    const issuer = chain[index + 1];
    if (!issuer) throw new VerificationError('certificate chain does not end at a trusted root');
    // A certificate may only vouch for another when it is a CA and its key made the signature.
    if (!issuer.ca || !cert.checkIssued(issuer) || !cert.verify(issuer.publicKey)) {
      throw new VerificationError(`certificate ${index} is not signed by the next certificate in the chain`);
    }
  }
  throw new VerificationError('certificate chain does not end at a trusted root');
}

/** True when the certificate's subjectAltName lists exactly this DNS name. */
function hasDnsName(cert: X509Certificate, name: string): boolean {
  const entries = (cert.subjectAltName ?? '').split(/,\s*/);
  return entries.some((entry) => entry.toLowerCase() === `dns:${name}`);
}
