/**
 * Messages between the bench and a server it started. A server that keeps its state in its own
 * memory (oidc-provider's adapter) mints the pools the bench needs through `call`, before the run.
 */
export type ToServer = { type: 'call'; id: number; method: string; args: unknown[] };

export type FromServer =
  | { type: 'ready'; port: number }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; message: string };
