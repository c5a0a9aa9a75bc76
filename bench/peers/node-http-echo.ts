/** Ceiling: a bare node:http server that parses a JSON body and echoes it back. */
import { createServer } from 'node:http';
import { serveChild } from './child';

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    let body: string;
    try {
      body = JSON.stringify({ echo: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown });
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid json"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  });
});
void serveChild(server);
