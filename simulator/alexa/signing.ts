import { sign } from 'node:crypto';
import type { Express, Request, Response } from 'express';
import { noteExchange } from '../host';
import type { TestCertificateChain } from '../certificates';

/** Where Amazon publishes its signing chains; the service is told to fetch from the simulator instead. */
export const AMAZON_CERT_BASE = 'https://s3.amazonaws.com';

/** How a request's signature headers are made, for the service's verification tests. */
export type SignatureMode =
  /** Signed over the exact body (what Alexa does). */
  | 'valid'
  /** Signed over a different body, so verification must fail. */
  | 'tampered'
  /** No signature headers at all. */
  | 'missing';

/**
 * Signs skill requests as Alexa does: `Signature-256` is base64 RSA-SHA256 over the raw body with the
 * leaf key, and `SignatureCertChainUrl` names the chain at s3.amazonaws.com/echo.api/. The simulator
 * serves that chain at the same path.
 */
export class RequestSigner {
  constructor(
    private readonly chain: TestCertificateChain,
    /** File name of the chain under /echo.api/ (without .pem). */
    readonly certName: string,
  ) {}

  /** Path of the chain on any host: /echo.api/<name>.pem. */
  get certPath(): string {
    return `/echo.api/${this.certName}.pem`;
  }

  /** The URL Alexa would send in SignatureCertChainUrl. */
  get certUrl(): string {
    return `${AMAZON_CERT_BASE}${this.certPath}`;
  }

  /** The Signature-256 value for a raw body. */
  sign(body: string): string {
    return sign('sha256', Buffer.from(body, 'utf8'), this.chain.leafKeyPem).toString('base64');
  }

  /** The signature headers for a body (`certUrl` overrides the chain URL, to test URL checks). */
  headers(body: string, mode: SignatureMode = 'valid', certUrl = this.certUrl): Record<string, string> {
    if (mode === 'missing') return {};
    const signed = mode === 'valid' ? body : `${body} `;
    return { SignatureCertChainUrl: certUrl, 'Signature-256': this.sign(signed) };
  }

  /** Serves the chain (leaf then intermediate, PEM) at /echo.api/<name>.pem. */
  mount(app: Express): void {
    app.get(this.certPath, (_req: Request, res: Response) => {
      noteExchange(res, { to: 's3.amazonaws.com', note: 'signing certificate chain' });
      res.status(200).type('application/x-x509-ca-cert').send(this.chain.chainPem);
    });
  }
}
