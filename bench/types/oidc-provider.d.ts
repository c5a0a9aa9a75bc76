// oidc-provider 9 is ESM and its types live on DefinitelyTyped (not installed); this covers only
// what the bench peer uses.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface AdapterPayload {
    grantId?: string;
    consumed?: number;
    uid?: string;
    userCode?: string;
    [key: string]: unknown;
  }

  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn: number | undefined): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export interface ClientRecord {
    clientId: string;
  }

  interface Saveable {
    save(): Promise<string>;
  }

  export interface GrantModel extends Saveable {
    addOIDCScope(scope: string): void;
    addResourceScope(resource: string, scope: string): void;
  }

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    on(event: string, listener: (...args: unknown[]) => void): this;
    Client: { find(id: string): Promise<ClientRecord | undefined> };
    Grant: new (fields: { accountId: string; clientId: string }) => GrantModel;
    AuthorizationCode: new (fields: Record<string, unknown>) => Saveable;
    RefreshToken: new (fields: Record<string, unknown>) => Saveable;
  }
}
