import autocannon from 'autocannon';
import { readCpuSeconds } from './proc-stat';
import { RssSampler, type RssSample } from './rss';

/** Lets a connection's request builder end the run early (a pre-minted pool ran dry). */
export interface LoadControl {
  exhausted(): void;
}

/** What a case sends: each connection loops over its own requests (so it can chain tokens). */
export interface LoadPlan {
  requests(connection: number, control: LoadControl): autocannon.Request[];
  /** True when a response is the one the case expects; anything else counts as an error. */
  check(status: number, body: string): boolean;
  /** Asks each connection for fresh requests this often (e.g. envelopes whose timestamp ages). */
  renewEveryMs?: number;
}

/** One measured (or warm-up) run. Latencies are exact (ms, from every response), not bucketed. */
export interface LoadResult {
  connections: number;
  durationSec: number;
  completed: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
  /** Connection errors and timeouts (autocannon's count). */
  socketErrors: number;
  /** Requests that got no answer within autocannon's 10 s timeout (also in socketErrors). */
  timeouts: number;
  /** 503 answers (load shed at once); their latencies are not in acceptedP99Ms. */
  shed: number;
  /** p50/p99 of the answers that were not 503: the requests the server accepted. */
  acceptedP50Ms: number;
  acceptedP99Ms: number;
  /** Responses that failed the case's check (wrong status or body). */
  badResponses: number;
  statusCounts: Record<string, number>;
  /** A few failing responses, so a broken case explains itself. */
  badSamples: string[];
  poolExhausted: boolean;
  rssMaxKb: number;
  rssSamples: RssSample[];
  /** Server CPU time (user + system) per completed request, in µs; NaN when unreadable. */
  cpuUsPerRequest: number;
  /** The store's (Redis's) CPU time per completed request, in µs; NaN when there is none to read. */
  storeCpuUsPerRequest: number;
  /**
   * The load generator's own CPU over the run, as a share of one core (its process, autocannon included).
   * Near 1 it is the bottleneck: latencies then include its own event-loop delay, not only the server's.
   */
  generatorCpuShare: number;
  /**
   * Connections that got no answer at all in the run. Their requests were still waiting when it ended
   * (under 10 s, so not timeouts): in a connection storm, connections the server never accepted.
   */
  unansweredConnections: number;
}

/** Growable array of latencies; typed storage keeps 500k readings cheap for the load core. */
class LatencyLog {
  private values = new Float64Array(1 << 16);
  length = 0;

  push(ms: number): void {
    if (this.length === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.length++] = ms;
  }

  /** Sorted copy of the readings. */
  sorted(): Float64Array {
    return this.values.slice(0, this.length).sort();
  }
}

/** The value at percentile `p` (0–100) of sorted readings, nearest-rank; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/**
 * Runs autocannon against `url` for `durationSec` with `connections` connections, sampling the
 * server's RSS meanwhile. Bounded: autocannon stops at the duration, and a request that gets no
 * answer times out after 10 s.
 */
export async function runLoad(options: { url: string; connections: number; durationSec: number; plan: LoadPlan; serverPid: number; storePid?: number | undefined; overallRate?: number; settleMs?: number }): Promise<LoadResult> {
  const { plan } = options;
  const latencies = new LatencyLog();
  const accepted = new LatencyLog();
  let shed = 0;
  let earlyAnswers = 0;
  const statusCounts: Record<string, number> = {};
  const badSamples: string[] = [];
  let badResponses = 0;
  let poolExhausted = false;
  // Clients are built inside autocannon(), before it returns: a dry pool found then stops it just after.
  const running: { instance?: autocannon.Instance } = {};
  const control: LoadControl = {
    exhausted: () => {
      poolExhausted = true;
      running.instance?.stop();
    },
  };

  let nextConnection = 0;
  const answersByConnection: number[] = [];
  const wrap = (connection: number) => (request: autocannon.Request): autocannon.Request => ({
    ...request,
    onResponse: (status, body, context, headers) => {
      answersByConnection[connection] = (answersByConnection[connection] ?? 0) + 1;
      statusCounts[status] = (statusCounts[status] ?? 0) + 1;
      // Once the pool is dry the run is stopping; the stand-in requests still in flight are no verdict.
      if (!poolExhausted && !plan.check(status, body)) {
        badResponses += 1;
        if (badSamples.length < 3) badSamples.push(`${status} ${body.slice(0, 300)}`);
      }
      request.onResponse?.(status, body, context, headers);
    },
  });

  const clients: Array<{ client: autocannon.Client; connection: number }> = [];
  const rss = new RssSampler(options.serverPid);
  const cpuBefore = readCpuSeconds(options.serverPid);
  const storeBefore = options.storePid === undefined ? undefined : readCpuSeconds(options.storePid);
  const generatorBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSec,
    timeout: 10,
    // A placeholder the clients replace at once: every connection gets its own request list.
    requests: [{ method: 'GET' }],
    ...(options.overallRate !== undefined ? { overallRate: options.overallRate } : {}),
    setupClient: (client) => {
      const connection = nextConnection++;
      clients.push({ client, connection });
      client.setRequests(plan.requests(connection, control).map(wrap(connection)));
    },
  });
  const renewal = plan.renewEveryMs
    ? setInterval(() => {
        for (const { client, connection } of clients) client.setRequests(plan.requests(connection, control).map(wrap(connection)));
      }, plan.renewEveryMs)
    : undefined;
  running.instance = instance;
  if (poolExhausted) instance.stop();
  // With `settleMs`, answers in the first moments (thousands of connections opening at once) are counted
  // but their latencies not kept: they measure the load generator's own start more than the server.
  const settledAt = Date.now() + (options.settleMs ?? 0);
  instance.on('response', (_client, status, _bytes, responseTime) => {
    if (options.settleMs !== undefined && Date.now() < settledAt) {
      earlyAnswers += 1;
      if (status === 503) shed += 1;
      return;
    }
    latencies.push(responseTime);
    if (status === 503) shed += 1;
    else accepted.push(responseTime);
  });
  let result: autocannon.Result;
  let rssSamples: RssSample[];
  try {
    result = await instance;
  } finally {
    clearInterval(renewal);
    rssSamples = rss.stop();
  }
  const generatorUsage = process.cpuUsage(generatorBefore);
  const wallMs = performance.now() - wallBefore;
  const cpuAfter = readCpuSeconds(options.serverPid);
  const storeAfter = options.storePid === undefined ? undefined : readCpuSeconds(options.storePid);

  const sorted = latencies.sorted();
  const acceptedSorted = accepted.sorted();
  let sum = 0;
  for (const value of sorted) sum += value;
  const durationSec = result.duration;
  return {
    connections: options.connections,
    durationSec,
    completed: sorted.length + earlyAnswers,
    rps: durationSec > 0 ? (sorted.length + earlyAnswers) / durationSec : 0,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    meanMs: sorted.length > 0 ? sum / sorted.length : Number.NaN,
    maxMs: sorted.length > 0 ? (sorted[sorted.length - 1] as number) : Number.NaN,
    socketErrors: result.errors,
    timeouts: result.timeouts,
    shed,
    acceptedP50Ms: percentile(acceptedSorted, 50),
    acceptedP99Ms: percentile(acceptedSorted, 99),
    badResponses,
    statusCounts,
    badSamples,
    poolExhausted,
    rssMaxKb: rssSamples.reduce((max, s) => Math.max(max, s.kb), 0),
    rssSamples,
    storeCpuUsPerRequest: storeBefore !== undefined && storeAfter !== undefined && sorted.length > 0 ? ((storeAfter - storeBefore) * 1e6) / (sorted.length + earlyAnswers) : Number.NaN,
    unansweredConnections: clients.filter(({ connection }) => (answersByConnection[connection] ?? 0) === 0).length,
    generatorCpuShare: wallMs > 0 ? (generatorUsage.user + generatorUsage.system) / 1000 / wallMs : Number.NaN,
    cpuUsPerRequest: cpuBefore !== undefined && cpuAfter !== undefined && sorted.length > 0 ? ((cpuAfter - cpuBefore) * 1e6) / sorted.length : Number.NaN,
  };
}
