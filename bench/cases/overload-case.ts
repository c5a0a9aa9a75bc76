import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { runLoad, type LoadPlan, type LoadResult } from '../lib/load';
import type { OverloadResult } from '../lib/results';
import { histogramBuckets, latencyBound, scrapeMetrics } from '../lib/server-latency';
import { startOurService } from './our-service';
import { OUR_TOKEN_PATH } from './token-cases';
import { refreshChainPlan } from './token-requests';
import type { BenchCase } from './types';
import { refreshTokenPool } from './token-pools';

/** The connection counts of the overload case: a sustainable load, and a connection storm (issue 15). */
export const OVERLOAD_BASELINE_CONNECTIONS = 50;
export const OVERLOAD_CONNECTIONS = 2000;
/** The storm asks for this multiple of the rate measured at the baseline. */
export const OVERLOAD_FACTOR = 4;
/** Latencies of the first second are not kept: that is 2,000 connections opening, on the load generator's side too. */
const SETTLE_MS = 1000;

/** Under overload a refusal is an expected answer too, as long as it is the 503 the service promises. */
function sheddingAllowed(plan: LoadPlan): LoadPlan {
  return { ...plan, check: (status, body) => plan.check(status, body) || (status === 503 && body.includes('"temporarily_unavailable"')) };
}

/**
 * Samples the listening socket's accept queue (connections the kernel completed that the server has not
 * accepted yet; `ss`'s Recv-Q) twice a second, and keeps the deepest. Undefined without `ss`.
 */
function watchAcceptQueue(url: string): { stop(): number | undefined } {
  const port = new URL(url).port;
  let deepest: number | undefined;
  const timer = setInterval(() => {
    execFile('ss', ['-Hlnt', `sport = :${port}`], (error, stdout) => {
      if (error) return;
      const depth = Number(stdout.trim().split(/\s+/)[1]);
      if (Number.isFinite(depth)) deepest = Math.max(deepest ?? 0, depth);
    });
  }, 500);
  return {
    stop: () => {
      clearInterval(timer);
      return deepest;
    },
  };
}

/** Folds the two runs into the figures the table and the targets use. */
export function overloadFigures(baseline: LoadResult, storm: LoadResult, targetRps: number, server?: OverloadResult['server']): OverloadResult {
  const seconds = storm.durationSec > 0 ? storm.durationSec : 1;
  const acceptedRps = (storm.completed - storm.shed) / seconds;
  return {
    baselineConnections: baseline.connections,
    baselineRps: baseline.rps,
    baselineP99Ms: baseline.acceptedP99Ms,
    connections: storm.connections,
    targetRps,
    offeredRps: (storm.completed + storm.timeouts) / seconds,
    acceptedRps,
    shedRps: storm.shed / seconds,
    acceptedP99Ms: storm.acceptedP99Ms,
    p99Ratio: baseline.acceptedP99Ms > 0 ? storm.acceptedP99Ms / baseline.acceptedP99Ms : Number.NaN,
    maxMs: storm.maxMs,
    timeouts: storm.timeouts,
    socketErrors: storm.socketErrors,
    badResponses: storm.badResponses,
    rssMaxKb: storm.rssMaxKb,
    generatorCpuShare: storm.generatorCpuShare,
    unansweredConnections: storm.unansweredConnections,
    server,
  };
}

/** The server's histogram of refresh requests (see OverloadResult.server). */
const TOKEN_DURATION = 'linkwright_token_request_duration_seconds';
const REFRESH = { grant_type: 'refresh_token' };

/**
 * Our refresh grant at 50 connections, then at four times the rate measured there on 2,000
 * connections. Its Redis runs on the server's core (see Fixtures.pinnedRedisUrl), so the store's CPU
 * is the server's too. The service runs with its default overload bounds; what it cannot serve it must refuse
 * at once (503), so the accepted requests keep their latency and no request waits for a timeout.
 */
export const ourOverload: BenchCase = {
  id: 'ours.overload',
  title: `Linkwright refresh at ${OVERLOAD_FACTOR}× its rate on ${OVERLOAD_CONNECTIONS} connections (load shedding)`,
  kind: 'ours',
  group: 'overload',
  byDefault: true,
  start: async (context) => {
    const metricsToken = randomBytes(18).toString('base64url');
    const ours = await startOurService(context, { verifySignature: false }, { pinnedWithServer: true, metricsToken });
    return {
      metricsToken,
      server: ours.server,
      storePid: ours.storePid,
      url: ours.url,
      close: ours.close,
      plan: async (connections) => {
        const pool = await refreshTokenPool(ours, connections, 'bench-overload');
        return sheddingAllowed(refreshChainPlan(OUR_TOKEN_PATH, pool));
      },
    };
  },
  measure: async (started, { options, say }) => {
    const load = async (connections: number, durationSec: number, overallRate?: number) =>
      runLoad({ url: started.url, connections, durationSec, plan: await started.plan(connections, 0), serverPid: started.server.pid, storePid: started.storePid, settleMs: SETTLE_MS, ...(overallRate ? { overallRate } : {}) });
    if (options.warmupSec > 0) await load(OVERLOAD_BASELINE_CONNECTIONS, options.warmupSec);
    const baseline = await load(OVERLOAD_BASELINE_CONNECTIONS, options.durationSec);
    say(`baseline ${OVERLOAD_BASELINE_CONNECTIONS} conns: ${Math.round(baseline.rps)} req/s, p99 ${baseline.acceptedP99Ms.toFixed(2)} ms`);
    const targetRps = Math.round(baseline.rps * OVERLOAD_FACTOR);
    const token = started.metricsToken;
    const before = token ? await scrapeMetrics(started.url, token) : undefined;
    const queue = watchAcceptQueue(started.url);
    const storm = await load(OVERLOAD_CONNECTIONS, options.durationSec, targetRps);
    const deepestAcceptQueue = queue.stop();
    let server: OverloadResult['server'];
    if (token && before !== undefined) {
      // Read after the storm: the requests answered in its first second are in it too, as the client's are not.
      const bound = latencyBound(histogramBuckets(before, TOKEN_DURATION, REFRESH), histogramBuckets(await scrapeMetrics(started.url, token), TOKEN_DURATION, REFRESH), 0.99, 50);
      server = { p99AtMostMs: bound.quantileAtMostMs, shareWithin50Ms: bound.shareWithin, count: bound.count };
    }
    const figures = overloadFigures(baseline, storm, targetRps, server);
    say(
      `storm ${OVERLOAD_CONNECTIONS} conns asking ${targetRps} req/s: offered ${Math.round(figures.offeredRps)}, accepted ${Math.round(figures.acceptedRps)}, shed ${Math.round(figures.shedRps)} req/s, ` +
        `accepted p99 ${figures.acceptedP99Ms.toFixed(2)} ms (${figures.p99Ratio.toFixed(1)}× baseline), max ${figures.maxMs.toFixed(0)} ms, timeouts ${figures.timeouts}, ${figures.unansweredConnections} connections never answered, RSS ${(figures.rssMaxKb / 1024).toFixed(0)} MB, load generator ${(figures.generatorCpuShare * 100).toFixed(0)} % of its core, server CPU ${storm.cpuUsPerRequest.toFixed(0)} µs/answer`,
    );
    if (server) say(`  as the server timed them (from reading a request to answering it): ${server.count} accepted, p99 ≤ ${server.p99AtMostMs} ms, ${(server.shareWithin50Ms * 100).toFixed(1)} % within 50 ms`);
    say(`  accept queue at most ${deepestAcceptQueue ?? '?'} connections waiting to be accepted (libuv accepts one per turn of a saturated event loop)`);
    say(`  storm latencies: accepted p50 ${storm.acceptedP50Ms.toFixed(1)} ms, every answer p50 ${storm.p50Ms.toFixed(1)} / p99 ${storm.p99Ms.toFixed(1)} ms; ${storm.socketErrors} socket errors; statuses ${JSON.stringify(storm.statusCounts)}`);
    if (storm.badSamples.length > 0) say(`  unexpected answers, e.g. ${storm.badSamples[0]}`);
    return { overload: figures };
  },
};
