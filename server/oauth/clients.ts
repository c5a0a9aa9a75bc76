import { hash, timingSafeEqual } from 'node:crypto';

/** An OAuth client allowed to link: in practice Alexa, configured in the developer console. */
export interface OAuthClient {
  id: string;
  /** Redirect URIs matched exactly (no prefix, no wildcard, no normalisation). */
  redirectUris: ReadonlySet<string>;
  scopes: readonly string[];
}

interface RegisteredClient extends OAuthClient {
  /** SHA-256 of the secret, computed once: every token request compares against it. */
  secretDigest: Buffer;
}

/** What an unknown client's secret is compared against, so timing does not reveal which ids exist. */
const UNKNOWN_CLIENT_DIGEST = digest('\u0000unknown-client');

/** The clients the authorization server knows, from settings. */
export class ClientRegistry {
  private readonly clients = new Map<string, RegisteredClient>();

  /** Registers a client; `redirectUris` are the only ones it may ever use. */
  register(client: { id: string; secret: string; redirectUris: string[]; scopes: string[] }): void {
    this.clients.set(client.id, { id: client.id, scopes: client.scopes, redirectUris: new Set(client.redirectUris), secretDigest: digest(client.secret) });
  }

  /** The client with this id, or undefined. */
  find(clientId: string): OAuthClient | undefined {
    return this.clients.get(clientId);
  }

  /** True when the secret is this client's; constant-time so a caller cannot learn it byte by byte. */
  secretMatches(clientId: string, secret: string): boolean {
    const client = this.clients.get(clientId);
    // As safeEqual (server/crypto-utils.ts) does, both sides are SHA-256 digests of equal length, so the
    // comparison reveals neither content nor length; the registered side is hashed once, at start-up.
    const matches = timingSafeEqual(client?.secretDigest ?? UNKNOWN_CLIENT_DIGEST, digest(secret));
    return client !== undefined && matches;
  }
}

function digest(secret: string): Buffer {
  return hash('sha256', secret, 'buffer');
}
