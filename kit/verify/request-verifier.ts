import type { RequestEnvelope } from 'ask-sdk-model';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../shared/clock';

import { checkCertChainUrl } from './cert-url';
import { checkApplicationId, checkTimestamp, parseEnvelope } from './envelope-checks';
import { VerificationError } from './errors';
import { checkBodySignature } from './signature';
import type { SigningCertificates } from './signing-certificates';

/** Reads a request header case-insensitively; undefined when absent. */
export type HeaderReader = (name: string) => string | undefined;

/**
 * Decides whether a POST to the skill endpoint really comes from Alexa for this skill, in the order
 * Amazon prescribes: signature over the raw bytes first, then the envelope's timestamp and
 * application id. Nothing in the body is trusted before the signature holds.
 */
export class RequestVerifier {
  /**
   * Chain URL headers that passed the URL rules, by their exact text: Alexa sends the same one or two on
   * every request, so the rules run once per distinct header, not per request. Failures are not kept.
   */
  private readonly checkedUrls = new LRUCache<string, URL>({ max: 16 });

  constructor(
    private readonly settings: { verifySignature: boolean; skillId: string | undefined },
    private readonly certificates: SigningCertificates | undefined,
    private readonly clock: Clock,
  ) {}

  /** The verified envelope; throws VerificationError naming the failed check. */
  async verify(header: HeaderReader, body: Buffer): Promise<RequestEnvelope> {
    if (this.settings.verifySignature) {
      // Only the SHA-256 signature is accepted; the legacy SHA-1 "Signature" header is ignored.
      const chainUrl = header('SignatureCertChainUrl');
      const signature = header('Signature-256');
      if (!chainUrl) throw new VerificationError('SignatureCertChainUrl header missing');
      if (!signature) throw new VerificationError('Signature-256 header missing');
      if (!this.certificates) throw new VerificationError('no certificate source configured');
      let url = this.checkedUrls.get(chainUrl);
      if (url === undefined) {
        url = checkCertChainUrl(chainUrl);
        this.checkedUrls.set(chainUrl, url);
      }
      const chain = await this.certificates.chainFor(url);
      checkBodySignature(body, signature, chain.key);
    }
    const envelope = parseEnvelope(body);
    checkTimestamp(envelope, this.clock.now());
    checkApplicationId(envelope, this.settings.skillId);
    return envelope;
  }
}
