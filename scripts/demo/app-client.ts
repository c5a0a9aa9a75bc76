import type { EventLog } from '../../simulator/events';
import { maskForDisplay } from './form-browser';

/** A JSON answer of the service's app-links API. */
export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** Fields of an answer worth a word in the printout; URLs and states are summarised by name only. */
const SUMMARISED = new Set(['alexaAppUrl', 'lwaFallbackUrl', 'state', 'expiresAt']);

/**
 * The company's app calling the service's app-links API with the user's bearer token (the app's own
 * session with the company). Each call is written to the simulator's event log, token masked.
 */
export class AppClient {
  constructor(
    private readonly events: EventLog,
    private readonly serviceUrl: string,
    private readonly bearer: string,
  ) {}

  /** Calls the API and returns the status and JSON body. */
  async call(method: string, path: string): Promise<ApiAnswer> {
    const pending = this.events.begin({ from: 'app', to: 'service', method, url: path, params: maskForDisplay({ authorization: `Bearer ${this.bearer}` }) });
    const response = await fetch(`${this.serviceUrl}${path}`, { method, headers: { Authorization: `Bearer ${this.bearer}` }, signal: AbortSignal.timeout(10_000) });
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      body = {};
    }
    pending.finish({ status: response.status, note: summarise(body) });
    return { status: response.status, body };
  }
}

/** `linked=true accountLinkStatus=LINKED …`: scalar fields, long ones named only, masked as parameters are. */
function summarise(body: Record<string, unknown>): string {
  const scalars: Record<string, string> = {};
  const named: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (SUMMARISED.has(key)) named.push(key);
    else if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) scalars[key] = String(value);
  }
  const shown = Object.entries(maskForDisplay(scalars)).map(([key, value]) => `${key}=${value}`);
  return [...named, ...shown].join(' ');
}
