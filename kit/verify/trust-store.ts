import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';

let systemRoots: X509Certificate[] | undefined;

/** Node's bundled Mozilla root store, parsed once per process on first use. */
function loadSystemRoots(): X509Certificate[] {
  systemRoots ??= rootCertificates.flatMap((pem) => {
    try {
      return [new X509Certificate(pem)];
    } catch {
      return [];
    }
  });
  return systemRoots;
}

/** The root certificates a signing chain may end at: the system roots plus configured extras. */
export class TrustStore {
  private readonly roots: X509Certificate[];

  constructor(extraRootPems: readonly string[] = [], includeSystemRoots = true) {
    this.roots = [...extraRootPems.map((pem) => new X509Certificate(pem)), ...(includeSystemRoots ? loadSystemRoots() : [])];
  }

  /** The trusted root that signed `cert` and is valid at `now`, if any. */
  issuerOf(cert: X509Certificate, now: number): X509Certificate | undefined {
    return this.roots.find((root) => cert.checkIssued(root) && validAt(root, now) && cert.verify(root.publicKey));
  }

  /** True when `cert` is itself one of the trusted roots (same bytes). */
  contains(cert: X509Certificate): boolean {
    return this.roots.some((root) => root.fingerprint256 === cert.fingerprint256);
  }
}

/** True when `now` (ms) lies within the certificate's validity period. */
export function validAt(cert: X509Certificate, now: number): boolean {
  return Date.parse(cert.validFrom) <= now && now <= Date.parse(cert.validTo);
}
