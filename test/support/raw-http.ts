import { connect } from 'node:net';

/** What came back on a raw connection: the answer's status and head (if any), and how the connection ended. */
export interface RawAnswer {
  /** The status of the first answer; undefined when the server sent none. */
  status: number | undefined;
  /** The status line and headers, as sent. */
  head: string;
  headers: Record<string, string>;
  body: Buffer;
  /** The server closed the connection (after its answer, or without one). */
  closed: boolean;
  /** Nothing (or not all of the answer) came within the timeout. */
  timedOut: boolean;
  /** Milliseconds from connecting to the end of the answer. */
  ms: number;
}

export interface RawOptions {
  timeoutMs?: number;
  /** End our side after writing (the server sees the end of the stream, as when a client gives up). */
  halfClose?: boolean;
  /** Resolve only once the server closes the connection (to check that it does), not when the answer is complete. */
  untilClosed?: boolean;
}

/**
 * Sends exact bytes to a loopback server and reads one HTTP/1.1 answer. fetch cannot send what the
 * fuzz and the protocol tests need (a declared length that lies, CONNECT, malformed headers, invalid UTF-8).
 */
export function rawRequest(baseUrl: string, bytes: Buffer | string, options: RawOptions = {}): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  const timeoutMs = options.timeoutMs ?? 5000;
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect({ host: hostname, port: Number(port) });
    let received = Buffer.alloc(0);
    let closed = false;
    let done = false;
    // An answer to HEAD has a head only, whatever its Content-Length says.
    const headOnly = (Buffer.isBuffer(bytes) ? bytes.subarray(0, 5).toString('latin1') : bytes.slice(0, 5)) === 'HEAD ';
    const finish = (timedOut: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parse(received), closed, timedOut, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    socket.on('error', () => {
      // A reset after the server answered and closed (we were still writing) is how a close looks here.
      closed = true;
      finish(false);
    });
    socket.on('close', () => {
      closed = true;
      finish(false);
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (!options.untilClosed && (headOnly ? headEnd(received) !== -1 : complete(received))) finish(false);
    });
    socket.write(bytes, () => {
      if (options.halfClose) socket.end();
    });
  });
}

/** A request's bytes from its parts; a Host header is added unless one is given (or `host: false`). */
export function requestBytes(method: string, target: string, headers: Array<[string, string]>, body: Buffer | string = ''): Buffer {
  const head = [`${method} ${target} HTTP/1.1`, ...headers.map(([name, value]) => `${name}: ${value}`)];
  if (!headers.some(([name]) => name.toLowerCase() === 'host')) head.splice(1, 0, 'Host: 127.0.0.1');
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8')]);
}

/** Where the final answer's head ends, past any interim 1xx answers (100 Continue). */
function headEnd(data: Buffer): number {
  return data.indexOf('\r\n\r\n', interimEnd(data));
}

/** The offset after the interim (1xx) answers at the start of the data. */
function interimEnd(data: Buffer): number {
  let offset = 0;
  while (/^HTTP\/1\.[01] 1\d\d/.test(data.subarray(offset, offset + 12).toString('latin1'))) {
    const end = data.indexOf('\r\n\r\n', offset);
    if (end === -1) return offset;
    offset = end + 4;
  }
  return offset;
}

function parse(data: Buffer): Pick<RawAnswer, 'status' | 'head' | 'headers' | 'body'> {
  const start = interimEnd(data);
  const end = headEnd(data);
  const head = (end === -1 ? data.subarray(start) : data.subarray(start, end)).toString('latin1');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1];
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: status === undefined ? undefined : Number(status), head, headers, body: end === -1 ? Buffer.alloc(0) : data.subarray(end + 4) };
}

/** Whether one whole answer is in: its head, and a body of its Content-Length (or chunked to the last chunk). */
function complete(data: Buffer): boolean {
  const end = headEnd(data);
  if (end === -1) return false;
  const { headers, status } = parse(data);
  const body = data.length - end - 4;
  if (status === 204 || status === 304) return true;
  if (headers['content-length'] !== undefined) return body >= Number(headers['content-length']);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) return data.subarray(end).includes('\r\n0\r\n\r\n');
  return false;
}
