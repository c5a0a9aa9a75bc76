import express from 'express';
import { createTokenVerifier, requireAccessToken } from 'linkwright/tokens';

const env = (name: string): string => process.env[name] ?? '';
const verifier = createTokenVerifier({
  issuer: env('LINKWRIGHT_URL'), // Linkwright's PUBLIC_URL
  introspection: { clientId: env('INTROSPECTION_CLIENT_ID'), clientSecret: env('INTROSPECTION_CLIENT_SECRET') },
});

const app = express();
app.get('/orders', requireAccessToken(verifier, { scope: 'profile' }), (req, res) => {
  res.json({ user: req.accessToken?.sub, client: req.accessToken?.clientId, orders: [] });
});
app.listen(Number(env('PORT') || 4000), '127.0.0.1');
