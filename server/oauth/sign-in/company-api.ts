import { createHmac, randomUUID } from 'node:crypto';
import type { ApiLoginSource } from './settings';

/** What the company's endpoint said about a username and password. */
export type CompanyApiAnswer =
  | { kind: 'accepted'; userId: string; displayName: string; email: string | undefined }
  | { kind: 'refused' }
  /** The endpoint could not be asked, or answered something that is neither: the user should retry later. */
  | { kind: 'unavailable'; reason: string };

/** Longest answer read; a real one is a few hundred bytes. */
const MAX_ANSWER_BYTES = 16 * 1024;

/** The signature header's value for a timestamp (Unix seconds) and the exact body bytes sent. */
export function signVerifyRequest(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Asks the company's endpoint (LOGIN_VERIFY_URL) whether a username and password are right. The
 * request is signed with LOGIN_VERIFY_SECRET over a timestamp and the body (the company rejects a
 * forged or replayed request), sent once with a short timeout: a retry would double the wait, and
 * a password check is not worth more than the user's patience. Redirects are not followed, so the
 * password only ever goes to the configured URL. The password is neither logged nor kept.
 */
export class CompanyApiVerifier {
  constructor(
    private readonly source: ApiLoginSource,
    private readonly now: () => number = Date.now,
  ) {}

  async verify(username: string, password: string): Promise<CompanyApiAnswer> {
    const body = JSON.stringify({ username, password, request_id: randomUUID() });
    const timestamp = String(Math.floor(this.now() / 1000));
    let response: Response;
    try {
      response = await fetch(this.source.verifyUrl, {
        method: 'POST',
        redirect: 'error',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          'linkwright-timestamp': timestamp,
          'linkwright-signature': signVerifyRequest(this.source.secret, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(this.source.timeoutMs),
      });
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if (name === 'TimeoutError' || name === 'AbortError') return { kind: 'unavailable', reason: `no answer within ${this.source.timeoutMs} ms` };
      const cause = error instanceof Error && error.cause instanceof Error ? ((error.cause as NodeJS.ErrnoException).code ?? error.cause.message) : 'request failed';
      return { kind: 'unavailable', reason: `unreachable (${cause})` };
    }
    let text: string;
    try {
      text = await readLimited(response);
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      return { kind: 'unavailable', reason: name === 'TimeoutError' || name === 'AbortError' ? `answer not complete within ${this.source.timeoutMs} ms` : (error as Error).message };
    }
    if (response.status === 401 || response.status === 403) return { kind: 'refused' };
    if (response.status !== 200) return { kind: 'unavailable', reason: `answered HTTP ${response.status}` };
    return parseAnswer(text);
  }
}

function parseAnswer(text: string): CompanyApiAnswer {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'unavailable', reason: 'answered 200 with a body that is not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'unavailable', reason: 'answered 200 with JSON that is not an object' };
  const answer = value as Record<string, unknown>;
  if (answer.error === 'invalid_credentials') return { kind: 'refused' };
  const { user_id: userId, display_name: displayName, email } = answer;
  if (typeof userId !== 'string' || !/^[\x21-\x7e]{1,256}$/.test(userId)) return { kind: 'unavailable', reason: 'answered 200 without a usable user_id (a string of 1-256 visible ASCII characters)' };
  if (typeof displayName !== 'string' || displayName.trim() === '' || displayName.length > 200) return { kind: 'unavailable', reason: 'answered 200 without a usable display_name (a string of 1-200 characters)' };
  if (email !== undefined && email !== null && (typeof email !== 'string' || !/^[^\s@]{1,64}@[^\s@]{1,254}$/.test(email))) return { kind: 'unavailable', reason: 'answered 200 with an email that is not an e-mail address' };
  return { kind: 'accepted', userId, displayName: displayName.trim(), email: typeof email === 'string' ? email : undefined };
}

/** The body as text, refusing one larger than MAX_ANSWER_BYTES (the rest is not read). */
async function readLimited(response: Response): Promise<string> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await response.body.cancel().catch(() => undefined);
      throw new Error(`answer longer than ${MAX_ANSWER_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
