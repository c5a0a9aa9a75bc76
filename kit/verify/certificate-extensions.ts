import type { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { VerificationError } from './errors';

const BASIC_CONSTRAINTS = '2.5.29.19';
const KEY_USAGE = '2.5.29.15';
const EXT_KEY_USAGE = '2.5.29.37';

/** The X.509 extensions chain validation needs and node:crypto does not expose (RFC 5280 §4.2.1.3, 4.2.1.9, 4.2.1.12). */
export interface CertificateExtensions {
  /** basicConstraints cA (false when the extension is absent). */
  ca: boolean;
  /** basicConstraints pathLenConstraint, when present. */
  pathLength?: number;
  /** The keyUsage bit a signing leaf needs, when the extension is present. */
  keyUsage?: { digitalSignature: boolean };
  /** extKeyUsage OIDs, when the extension is present. */
  extKeyUsage?: string[];
}

type Asn1 = forge.asn1.Asn1;

// forge's typings only know the boolean form of the options; the object form turns off its guess that a
// BIT STRING holds nested ASN.1 (which would turn a keyUsage value into a node list on some inputs).
const fromDer = forge.asn1.fromDer as unknown as (bytes: string, options: { decodeBitStrings: boolean }) => Asn1;

function children(node: Asn1 | undefined): Asn1[] {
  return node && Array.isArray(node.value) ? node.value : [];
}

function bytesOf(node: Asn1 | undefined): string {
  return node && typeof node.value === 'string' ? node.value : '';
}

/**
 * Reads basicConstraints, keyUsage and extKeyUsage from a certificate's DER (node-forge's ASN.1 reader,
 * which, unlike forge's certificate parser, does not care about the key type). Throws VerificationError
 * when the DER or one of these extensions is malformed.
 */
export function readExtensions(cert: X509Certificate): CertificateExtensions {
  try {
    const certificate = fromDer(cert.raw.toString('binary'), { decodeBitStrings: false });
    const tbs = children(children(certificate)[0]);
    // The extensions are the optional [3] field at the end of TBSCertificate.
    const wrapper = tbs.find((node) => node.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && node.type === 3);
    const result: CertificateExtensions = { ca: false };
    for (const extension of children(children(wrapper)[0])) {
      const parts = children(extension);
      const oid = forge.asn1.derToOid(bytesOf(parts[0]));
      const value = fromDer(bytesOf(parts[parts.length - 1]), { decodeBitStrings: false });
      if (oid === BASIC_CONSTRAINTS) readBasicConstraints(value, result);
      else if (oid === KEY_USAGE) result.keyUsage = readKeyUsage(value);
      else if (oid === EXT_KEY_USAGE) result.extKeyUsage = children(value).map((node) => forge.asn1.derToOid(bytesOf(node)));
    }
    return result;
  } catch (error) {
    if (error instanceof VerificationError) throw error;
    throw new VerificationError('certificate extensions are malformed');
  }
}

function readBasicConstraints(value: Asn1, result: CertificateExtensions): void {
  for (const field of children(value)) {
    if (field.type === forge.asn1.Type.BOOLEAN) result.ca = bytesOf(field) !== '\x00';
    else if (field.type === forge.asn1.Type.INTEGER) result.pathLength = forge.asn1.derToInteger(bytesOf(field));
  }
}

function readKeyUsage(value: Asn1): { digitalSignature: boolean } {
  // A BIT STRING: one byte of unused-bit count, then the bits, most significant first (bit 0 = digitalSignature).
  const first = bytesOf(value).charCodeAt(1);
  const bits = Number.isNaN(first) ? 0 : first;
  return { digitalSignature: (bits & 0x80) !== 0 };
}
