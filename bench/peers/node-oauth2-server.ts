/**
 * Peer: @node-oauth/oauth2-server 5, what most Node teams reach for when they build their own
 * authorization server, behind express 5 as its README shows. An in-memory model (Maps, no
 * serialisation: a generous peer, ours pays a Redis round trip per step), access tokens as ES256 JWTs
 * signed with jsonwebtoken and a KeyObject built once (the same algorithm and library as ours), and
 * refresh rotation (the library's default, alwaysIssueNewRefreshToken). The bench mints codes and
 * refresh tokens over IPC before each run (`mintCodes`, `mintRefreshTokens`).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import OAuth2Server, { type AuthorizationCode, type Client, type RefreshToken, type Token, type User } from '@node-oauth/oauth2-server';
import express from 'express';
import jwt from 'jsonwebtoken';
import { BENCH_CLIENT_ID, BENCH_CLIENT_SECRET, BENCH_REDIRECT_URI, BENCH_SCOPE } from '../lib/constants';
import { serveChild } from './child';

const ISSUER = 'https://auth.peer.bench';
const ACCESS_TTL_SEC = 3600;
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

const client: Client = { id: BENCH_CLIENT_ID, grants: ['authorization_code', 'refresh_token'], redirectUris: [BENCH_REDIRECT_URI] };
const refreshTokens = new Map<string, RefreshToken>();
const codes = new Map<string, AuthorizationCode>();
const opaque = (): string => randomBytes(32).toString('base64url');

const model = {
  getClient: async (id: string, secret: string | null): Promise<Client | false> => (id === BENCH_CLIENT_ID && (secret === null || secret === BENCH_CLIENT_SECRET) ? client : false),
  generateAccessToken: async (_client: Client, user: User, scope: string[] | undefined): Promise<string> =>
    jwt.sign({ sub: String(user.id), client_id: BENCH_CLIENT_ID, scope: (scope ?? []).join(' '), jti: opaque() }, privateKey, {
      algorithm: 'ES256',
      expiresIn: ACCESS_TTL_SEC,
      issuer: ISSUER,
      audience: ISSUER,
      keyid: 'peer-1',
    }),
  saveToken: async (token: Token, tokenClient: Client, user: User): Promise<Token> => {
    const saved = { ...token, client: tokenClient, user };
    if (token.refreshToken) refreshTokens.set(token.refreshToken, saved as RefreshToken);
    return saved;
  },
  getAccessToken: async (): Promise<false> => false,
  getRefreshToken: async (token: string): Promise<RefreshToken | false> => refreshTokens.get(token) ?? false,
  revokeToken: async (token: RefreshToken): Promise<boolean> => refreshTokens.delete(token.refreshToken),
  getAuthorizationCode: async (code: string): Promise<AuthorizationCode | false> => codes.get(code) ?? false,
  saveAuthorizationCode: async (code: Pick<AuthorizationCode, 'authorizationCode' | 'expiresAt' | 'redirectUri' | 'scope'>, codeClient: Client, user: User): Promise<AuthorizationCode> => {
    const saved = { ...code, client: codeClient, user };
    codes.set(code.authorizationCode, saved);
    return saved;
  },
  revokeAuthorizationCode: async (code: AuthorizationCode): Promise<boolean> => codes.delete(code.authorizationCode),
  verifyScope: async (): Promise<boolean> => true,
};

const oauth = new OAuth2Server({ model, accessTokenLifetime: ACCESS_TTL_SEC, refreshTokenLifetime: 180 * 86_400, allowEmptyState: true });

const app = express();
app.disable('x-powered-by');
app.post('/token', express.urlencoded({ extended: false }), async (req, res) => {
  const request = new OAuth2Server.Request(req);
  const response = new OAuth2Server.Response(res);
  try {
    await oauth.token(request, response);
    res.set(response.headers).status(response.status ?? 200).json(response.body);
  } catch (error) {
    const status = (error as { code?: number }).code ?? 500;
    res.status(status).json({ error: (error as { name?: string }).name ?? 'server_error', error_description: (error as Error).message });
  }
});

let user = 0;
const nextUser = (): User => ({ id: `peer-user-${(user += 1)}` });

void serveChild(createServer(app), {
  reset: () => {
    refreshTokens.clear();
    codes.clear();
  },
  mintRefreshTokens: (count: number) =>
    Array.from({ length: count }, () => {
      const token = opaque();
      refreshTokens.set(token, { refreshToken: token, refreshTokenExpiresAt: new Date(Date.now() + 86_400_000), scope: [BENCH_SCOPE], client, user: nextUser() });
      return token;
    }),
  mintCodes: (count: number) =>
    Array.from({ length: count }, () => {
      const code = opaque();
      codes.set(code, { authorizationCode: code, expiresAt: new Date(Date.now() + 600_000), redirectUri: BENCH_REDIRECT_URI, scope: [BENCH_SCOPE], client, user: nextUser() });
      return code;
    }),
});
