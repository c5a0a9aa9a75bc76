import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../log';

const BODY = JSON.stringify({ error: 'method_not_allowed', error_description: 'CONNECT is not supported: this server is not a proxy.' });

/** The methods some route of ours answers; CONNECT names a proxy tunnel, never one of our resources. */
const ALLOWED = 'GET, HEAD, POST, DELETE';

/**
 * The server's 'connect' listener. node:http hands a CONNECT request to this event with the raw socket
 * instead of to the request handler, and destroys the socket when nothing listens, so the client got no
 * answer at all. This answers 405 and closes the connection.
 */
export function refuseConnect(log: Logger) {
  return (_req: IncomingMessage, socket: Duplex): void => {
    log.info({ event: 'http.client_error', code: 'method_not_allowed', reason: 'CONNECT refused' }, 'request refused');
    socket.on('error', () => socket.destroy());
    // Whatever the client sends after its CONNECT is read and dropped, so its end of the stream is seen and
    // the socket closes (unread, it stayed half-open and held server.close); a silent client gets 5 s.
    socket.resume();
    const timer = setTimeout(() => socket.destroy(), 5000);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
    socket.end(
      [
        'HTTP/1.1 405 Method Not Allowed',
        `Allow: ${ALLOWED}`,
        'Content-Type: application/json; charset=utf-8',
        `Content-Length: ${Buffer.byteLength(BODY)}`,
        'Cache-Control: no-store',
        'X-Content-Type-Options: nosniff',
        'Connection: close',
        '',
        BODY,
      ].join('\r\n'),
    );
  };
}
