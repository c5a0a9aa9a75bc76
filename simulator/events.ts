import type { Clock } from '../server/clock';

/** One exchange between two parties, as the demo prints it. Secrets are already masked. */
export interface SimulatorEvent {
  /** Position in the log, from 1. */
  seq: number;
  /** When it happened, on the simulator's clock (ISO 8601). */
  at: string;
  /** Who called: 'service', 'browser', 'Alexa', 'app'. */
  from: string;
  /** Who was called: an Amazon host name ('api.amazon.com', …) or 'service'. */
  to: string;
  method: string;
  /** Path (and for outgoing calls, the full URL). */
  url: string;
  /** Request parameters that matter, masked. */
  params: Record<string, string>;
  /** HTTP status of the answer; undefined when there was none (network failure). */
  status?: number;
  /** A short human explanation ('code redeemed', 'invalid_grant: code expired', …). */
  note?: string;
}

export type NewEvent = Omit<SimulatorEvent, 'seq' | 'at'>;

/** Keys whose values are never shown, not even in part. */
const SECRET_KEYS = new Set(['client_secret', 'clientsecret', 'password', 'secret']);
/**
 * Keys whose values are credentials but are useful to correlate across lines: only a short prefix is
 * shown, never enough to use (a code or token is worthless without its remaining characters).
 */
const CREDENTIAL_KEYS = new Set([
  'code',
  'authcode',
  'code_verifier',
  'access_token',
  'accesstoken',
  'refresh_token',
  'refreshtoken',
  'apiaccesstoken',
  'authorization',
  'assertion',
]);

/** Masks one value according to its key: secrets fully, credentials to a 6-character prefix. */
export function maskValue(key: string, value: string): string {
  const k = key.toLowerCase();
  if (SECRET_KEYS.has(k)) return '[masked]';
  if (CREDENTIAL_KEYS.has(k)) {
    // "Basic xyz"/"Bearer xyz": keep the scheme, it is what people debug.
    const scheme = /^(basic|bearer)\s+(.*)$/i.exec(value);
    if (scheme) return `${scheme[1]} ${prefix(scheme[2] ?? '')}`;
    return prefix(value);
  }
  return value.length > 200 ? `${value.slice(0, 200)}…` : value;
}

function prefix(value: string): string {
  return value.length <= 6 ? '…' : `${value.slice(0, 6)}…`;
}

/** Masks every entry of a flat parameter map (query, form body, selected JSON fields). */
export function maskParams(params: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    out[key] = maskValue(key, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return out;
}

/** The log of every exchange the simulator took part in, for the demo's printout and for tests. */
export class EventLog {
  private readonly list: SimulatorEvent[] = [];
  private readonly listeners = new Set<(event: SimulatorEvent) => void>();
  private nextSeq = 1;

  constructor(private readonly clock: Clock) {}

  /** Appends a finished event (params must already be masked) and tells the listeners. */
  record(event: NewEvent): SimulatorEvent {
    return this.begin(event).finish({});
  }

  /**
   * Starts an event whose outcome comes later: its place in the log is taken now, so an exchange is
   * listed before the calls it caused. Listeners hear of it when it is finished.
   */
  begin(event: NewEvent): { finish(outcome: Partial<NewEvent>): SimulatorEvent } {
    const full: SimulatorEvent = { seq: this.nextSeq++, at: new Date(this.clock.now()).toISOString(), ...event };
    this.list.push(full);
    this.list.sort((a, b) => a.seq - b.seq);
    return {
      finish: (outcome) => {
        Object.assign(full, outcome);
        for (const listener of this.listeners) listener(full);
        return full;
      },
    };
  }

  /** Every event so far, oldest first (a copy). */
  all(): SimulatorEvent[] {
    return [...this.list];
  }

  /** Events matching a filter on from/to/method/path fragment. */
  find(filter: { from?: string; to?: string; method?: string; path?: string }): SimulatorEvent[] {
    return this.list.filter(
      (e) =>
        (filter.from === undefined || e.from === filter.from) &&
        (filter.to === undefined || e.to === filter.to) &&
        (filter.method === undefined || e.method === filter.method) &&
        (filter.path === undefined || e.url.includes(filter.path)),
    );
  }

  /** Forgets every event so far (between steps of a demo); numbering goes on. */
  clear(): void {
    this.list.length = 0;
  }

  /** Calls `listener` for each new event; returns a function that stops it. */
  subscribe(listener: (event: SimulatorEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** One line per event: `12:00:01 service → api.amazon.com POST /auth/o2/token grant_type=… → 200 (note)`. */
export function formatEvent(event: SimulatorEvent): string {
  const time = event.at.slice(11, 19);
  const params = Object.entries(event.params)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  const status = event.status === undefined ? 'no answer' : String(event.status);
  const note = event.note ? ` (${event.note})` : '';
  return `${time} ${event.from} → ${event.to} ${event.method} ${event.url}${params ? ` ${params}` : ''} → ${status}${note}`;
}
