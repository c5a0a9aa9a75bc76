import { hash, timingSafeEqual } from 'node:crypto';
import type { ClientKind, ClientSettings, GrantType, TokenEndpointAuthMethod } from '../config/clients-file';

export type { ClientKind, GrantType, TokenEndpointAuthMethod } from '../config/clients-file';

/** A registered OAuth client: an Alexa skill, the company's app, or a service (see ClientKind). */
export interface OAuthClient {
  id: string;
  kind: ClientKind;
  /** Shown on the sign-in and consent pages. */
  name: string;
  /** Redirect URIs matched exactly (no prefix, no wildcard, no normalisation). */
  redirectUris: ReadonlySet<string>;
  scopes: readonly string[];
  grantTypes: ReadonlySet<GrantType>;
  authMethod: TokenEndpointAuthMethod;
  /** True for public clients (no secret: token_endpoint_auth_method none). */
  isPublic: boolean;
  /** Authorization requests without PKCE S256 are refused. */
  requirePkce: boolean;
  vendorId: string | undefined;
  /** The `aud` of this client's access tokens: undefined for this service itself (the issuer), the MCP server for an Alexa+ add-on. */
  audience: string | undefined;
}

/** What `register` takes; everything but id, redirects and scopes defaults to an Alexa client's. */
export interface ClientRegistration {
  id: string;
  /** The secret in clear, or `secretSha256` (its SHA-256, hex); neither for a public client. */
  secret?: string | undefined;
  secretSha256?: string | undefined;
  redirectUris: string[];
  scopes: string[];
  kind?: ClientKind;
  name?: string;
  grantTypes?: GrantType[];
  authMethod?: TokenEndpointAuthMethod;
  requirePkce?: boolean;
  vendorId?: string | undefined;
  audience?: string | undefined;
}

/** Where the tokens of clients that do not act on this service are used. */
export interface ClientAudiences {
  /** The MCP server Alexa+ add-on clients' tokens are for (MCP_RESOURCE_URL). */
  alexaPlus: string;
}

interface RegisteredClient extends OAuthClient {
  /** SHA-256 of the secret, computed once (or given as such): every token request compares against it. */
  secretDigest: Buffer | undefined;
}

/** What an unknown client's secret is compared against, so timing does not reveal which ids exist. */
const UNKNOWN_CLIENT_DIGEST = digest('\u0000unknown-client');

/** The clients the authorization server knows, from settings (CLIENTS_FILE or the single-client settings). */
export class ClientRegistry {
  private readonly clients = new Map<string, RegisteredClient>();
  /** One set for the registry's life (the skill holds it), updated in place by register. */
  private readonly alexaIds = new Set<string>();

  /** A registry holding the clients of the settings. */
  static fromSettings(clients: readonly ClientSettings[], audiences?: ClientAudiences): ClientRegistry {
    const registry = new ClientRegistry();
    for (const c of clients) {
      registry.register({
        id: c.clientId,
        secret: c.secret,
        secretSha256: c.secretSha256,
        redirectUris: c.redirectUris,
        scopes: c.scopes,
        kind: c.kind,
        name: c.clientName,
        grantTypes: c.grantTypes,
        authMethod: c.tokenEndpointAuthMethod,
        requirePkce: c.requirePkce,
        vendorId: c.alexaVendorId,
        audience: c.kind === 'alexa-plus' ? audiences?.alexaPlus : undefined,
      });
    }
    return registry;
  }

  /** Registers a client; `redirectUris` are the only ones it may ever use. */
  register(client: ClientRegistration): void {
    const authMethod = client.authMethod ?? (client.secret === undefined && client.secretSha256 === undefined ? 'none' : 'client_secret_basic');
    const isPublic = authMethod === 'none';
    const kind = client.kind ?? 'alexa';
    let secretDigest: Buffer | undefined;
    if (!isPublic) {
      if (client.secretSha256 !== undefined) {
        secretDigest = Buffer.from(client.secretSha256, 'hex');
        // timingSafeEqual needs equal lengths: a digest that is not 32 bytes could never match, and would throw.
        if (secretDigest.length !== 32) throw new Error(`client ${client.id}: secretSha256 must be 64 hex digits`);
      }
      else if (client.secret !== undefined) secretDigest = digest(client.secret);
      else throw new Error(`client ${client.id} authenticates with a secret but has none`);
    }
    this.clients.set(client.id, {
      id: client.id,
      kind,
      name: client.name ?? (kind === 'alexa' ? 'Alexa' : client.id),
      scopes: client.scopes,
      redirectUris: new Set(client.redirectUris),
      grantTypes: new Set(client.grantTypes ?? ['authorization_code', 'refresh_token']),
      authMethod,
      isPublic,
      // Public clients always use PKCE: nothing else ties their code to them (RFC 8252 §8.1); Alexa+ links by OAuth 2.1.
      requirePkce: isPublic || kind === 'alexa-plus' || (client.requirePkce ?? false),
      vendorId: client.vendorId,
      audience: client.audience,
      secretDigest,
    });
    if (kind === 'alexa') this.alexaIds.add(client.id);
    else this.alexaIds.delete(client.id);
  }

  /** The client with this id, or undefined. */
  find(clientId: string): OAuthClient | undefined {
    return this.clients.get(clientId);
  }

  /** Every registered client, in registration order. */
  all(): OAuthClient[] {
    return [...this.clients.values()];
  }

  /** Every audience some client's tokens carry besides the issuer (the MCP server's URL), for introspection. */
  resourceAudiences(): string[] {
    return [...new Set(this.all().flatMap((c) => (c.audience === undefined ? [] : [c.audience])))];
  }

  /** The ids of the Alexa clients: the only ones whose tokens act through the skill and whose grants unlinking ends. */
  alexaClientIds(): ReadonlySet<string> {
    return this.alexaIds;
  }

  /** True when the id names an Alexa client. */
  isAlexa(clientId: string): boolean {
    return this.alexaIds.has(clientId);
  }

  /**
   * True when the secret is this confidential client's; constant-time so a caller cannot learn it byte
   * by byte. Always false for public and unknown clients.
   */
  secretMatches(clientId: string, secret: string): boolean {
    const client = this.clients.get(clientId);
    // As safeEqual (server/crypto-utils.ts) does, both sides are SHA-256 digests of equal length, so the
    // comparison reveals neither content nor length; the registered side is hashed once, at start-up
    // (or given hashed in CLIENTS_FILE: client secrets are long random strings, so a fast hash is enough).
    const matches = timingSafeEqual(client?.secretDigest ?? UNKNOWN_CLIENT_DIGEST, digest(secret));
    return client?.secretDigest !== undefined && matches;
  }
}

function digest(secret: string): Buffer {
  return hash('sha256', secret, 'buffer');
}
