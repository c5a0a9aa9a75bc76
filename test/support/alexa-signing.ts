import { createSign, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { type ChainOptions, createTestCertificateChain, type TestCertificateChain } from '../../simulator/certificates';

export const AMAZON_CERT_ORIGIN = 'https://s3.amazonaws.com';

/**
 * Signs request bodies the way Alexa does (RSA-SHA256 over the raw bytes, base64 in Signature-256)
 * with a chain made by the test, and serves that chain with nock at an s3.amazonaws.com/echo.api/ URL.
 */
export class AlexaSigner {
  /** Path of the chain on s3.amazonaws.com (unique per signer, so caches never mix signers). */
  readonly certPath: string;

  private constructor(readonly chain: TestCertificateChain) {
    this.certPath = `/echo.api/echo-api-cert-${randomUUID().slice(0, 8)}.pem`;
  }

  /** Builds a fresh root → intermediate → leaf chain (about half a second). */
  static create(options: ChainOptions = {}): AlexaSigner {
    return new AlexaSigner(createTestCertificateChain(options));
  }

  /** The SignatureCertChainUrl Alexa would send. */
  get certUrl(): string {
    return `${AMAZON_CERT_ORIGIN}${this.certPath}`;
  }

  /** The base64 RSA-SHA256 signature of the exact body bytes. */
  signature(body: string | Buffer): string {
    return createSign('RSA-SHA256').update(body).sign(this.chain.leafKeyPem, 'base64');
  }

  /** Both signature headers for a body, with the chain URL overridable for negative tests. */
  headers(body: string, certUrl = this.certUrl): Record<string, string> {
    return { SignatureCertChainUrl: certUrl, 'Signature-256': this.signature(body) };
  }

  /** Serves the chain at its S3 URL; `times` answers, then the interceptor is used up. */
  serveChain(times = 1): nock.Scope {
    return nock(AMAZON_CERT_ORIGIN).get(this.certPath).times(times).reply(200, this.chain.chainPem, { 'Content-Type': 'application/x-pem-file' });
  }
}

/** Writes the signers' root certificates into one PEM file for SKILL_TRUSTED_ROOTS_FILE. */
export function writeTrustedRoots(...signers: AlexaSigner[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'lw-roots-'));
  const file = join(dir, 'roots.pem');
  writeFileSync(file, signers.map((signer) => signer.chain.rootPem).join('\n'));
  return file;
}

/** Lets tests reach loopback services only; every other host must be a nock interceptor. */
export function allowOnlyLoopback(): void {
  nock.disableNetConnect();
  nock.enableNetConnect((host) => host.startsWith('127.0.0.1') || host.startsWith('localhost'));
}

/** Undoes allowOnlyLoopback and forgets every interceptor. */
export function restoreNetwork(): void {
  nock.cleanAll();
  nock.enableNetConnect();
}
