import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestEnvelope } from 'ask-sdk-model';

/** One request as the skill endpoint received it: the raw bytes matter for signature checks. */
export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  rawBody: string;
  envelope: RequestEnvelope;
}

/**
 * A loopback HTTP endpoint standing where the skill would be, recording exactly what the simulated
 * Alexa sends and answering with the response envelopes a test queues (a plain speech otherwise).
 */
export class SkillReceiver {
  readonly received: ReceivedRequest[] = [];
  private readonly answers: unknown[] = [];
  private server: Server | undefined;
  url = '';

  /** Starts listening on a free loopback port. */
  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        this.received.push({ headers: req.headers, rawBody, envelope: JSON.parse(rawBody) as RequestEnvelope });
        const answer = this.answers.shift() ?? { version: '1.0', response: { outputSpeech: { type: 'PlainText', text: 'Hello.' } } };
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/alexa`;
    return this;
  }

  /** Queues the response envelope for the next request. */
  answerNext(envelope: unknown): void {
    this.answers.push(envelope);
  }

  /** The last request received (throws when there is none). */
  last(): ReceivedRequest {
    const last = this.received[this.received.length - 1];
    if (!last) throw new Error('the skill received nothing');
    return last;
  }

  /** Stops listening. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }
}
