import { VerificationError } from './errors';

const AMAZON_CERT_HOST = 's3.amazonaws.com';
const AMAZON_CERT_PATH = '/echo.api/';

/**
 * Applies Amazon's rules to a SignatureCertChainUrl and returns the normalised URL: scheme https and
 * host s3.amazonaws.com (both case-insensitive), path starting /echo.api/ (case-sensitive, after dot
 * segments are resolved), port 443 when one is given. Throws VerificationError otherwise.
 */
export function checkCertChainUrl(raw: string): URL {
  let url: URL;
  try {
    // WHATWG parsing lower-cases scheme and host, resolves "." / ".." (also percent-encoded) and
    // drops the default port, so the checks below see what an HTTP client would actually fetch.
    url = new URL(raw);
  } catch {
    throw new VerificationError('certificate URL is not a URL');
  }
  if (url.protocol !== 'https:') throw new VerificationError(`certificate URL scheme is ${url.protocol} (https required)`);
  if (url.hostname !== AMAZON_CERT_HOST) throw new VerificationError(`certificate URL host is ${url.hostname}`);
  if (url.port !== '') throw new VerificationError(`certificate URL port is ${url.port} (443 required)`);
  if (url.username !== '' || url.password !== '') throw new VerificationError('certificate URL carries credentials');
  if (!url.pathname.startsWith(AMAZON_CERT_PATH)) throw new VerificationError(`certificate URL path is ${url.pathname}`);
  url.hash = '';
  return url;
}
