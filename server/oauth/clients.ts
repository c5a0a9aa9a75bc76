import { safeEqual } from '../crypto-utils';

/** An OAuth client allowed to link: in practice Alexa, configured in the developer console. */
export interface OAuthClient {
  id: string;
  /** Redirect URIs matched exactly (no prefix, no wildcard, no normalisation). */
  redirectUris: ReadonlySet<string>;
  scopes: readonly string[];
}

interface RegisteredClient extends OAuthClient {
  secret: string;
}

/** The clients the authorization server knows, from settings. */
export class ClientRegistry {
  private readonly clients = new Map<string, RegisteredClient>();

  /** Registers a client; `redirectUris` are the only ones it may ever use. */
  register(client: { id: string; secret: string; redirectUris: string[]; scopes: string[] }): void {
    this.clients.set(client.id, { ...client, redirectUris: new Set(client.redirectUris) });
  }

  /** The client with this id, or undefined. */
  find(clientId: string): OAuthClient | undefined {
    return this.clients.get(clientId);
  }

  /** True when the secret is this client's; constant-time so a caller cannot learn it byte by byte. */
  secretMatches(clientId: string, secret: string): boolean {
    const client = this.clients.get(clientId);
    // Compare against a dummy for unknown clients too, so timing does not reveal which ids exist.
    const matches = safeEqual(client?.secret ?? '\u0000unknown-client', secret);
    return client !== undefined && matches;
  }
}
