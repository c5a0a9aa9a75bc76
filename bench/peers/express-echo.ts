/** Reference: a bare express 5 app with express.json() echoing the body (the framework's own cost). */
import { createServer } from 'node:http';
import express from 'express';
import { serveChild } from './child';

const app = express();
app.disable('x-powered-by');
app.post('/echo', express.json(), (req, res) => {
  res.json({ echo: req.body as unknown });
});
void serveChild(createServer(app));
