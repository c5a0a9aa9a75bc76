import type { CaseResult } from './results';

/** A performance target of the product, checked on figures of the same run. */
export type Target =
  | { kind: 'throughput'; text: string; ours: string; peer: string; minRatio: number }
  | { kind: 'p99'; text: string; ours: string; peer: string }
  | { kind: 'rss'; text: string; ours: string; maxGrowth: number }
  | { kind: 'overload'; text: string; ours: string; maxAcceptedP99Ms: number };

/** A load generator using this share of its core or more limits what it measures (its own event loop runs late). */
const GENERATOR_BOUND = 0.9;

/** The targets, in the order they print. */
export const TARGETS: Target[] = [
  { kind: 'throughput', text: 'refresh ≥ 2× oidc-provider refresh (JWT)', ours: 'ours.refresh', peer: 'oidc.refresh-jwt', minRatio: 2 },
  { kind: 'p99', text: 'refresh p99 < oidc-provider refresh (JWT) p99', ours: 'ours.refresh', peer: 'oidc.refresh-jwt' },
  { kind: 'throughput', text: 'refresh ≥ 2× @node-oauth/oauth2-server refresh', ours: 'ours.refresh', peer: 'oauth2-server.refresh', minRatio: 2 },
  { kind: 'p99', text: 'refresh p99 < @node-oauth/oauth2-server refresh p99', ours: 'ours.refresh', peer: 'oauth2-server.refresh' },
  { kind: 'throughput', text: 'code exchange ≥ 2× @node-oauth/oauth2-server code exchange', ours: 'ours.code', peer: 'oauth2-server.code', minRatio: 2 },
  { kind: 'throughput', text: 'code exchange ≥ 2× oidc-provider code exchange', ours: 'ours.code', peer: 'oidc.code', minRatio: 2 },
  { kind: 'throughput', text: 'skill (token, signature off) ≥ ASK SDK adapter', ours: 'ours.skill-token', peer: 'ask.launch', minRatio: 1 },
  { kind: 'throughput', text: 'skill, forged token ≥ skill, valid token (refusal costs no more)', ours: 'ours.skill-forged', peer: 'ours.skill-token', minRatio: 1 },
  { kind: 'throughput', text: 'skill (token, signature on) ≥ 80 % of ASK SDK adapter', ours: 'ours.skill-signed', peer: 'ask.launch', minRatio: 0.8 },
  { kind: 'throughput', text: 'skill, new token every request, signature off ≥ 1.5× ASK SDK adapter', ours: 'ours.skill-new-token', peer: 'ask.launch', minRatio: 1.5 },
  { kind: 'throughput', text: 'skill, new token every request, signature on ≥ 1.2× ASK SDK adapter', ours: 'ours.skill-new-token-signed', peer: 'ask.launch', minRatio: 1.2 },
  { kind: 'throughput', text: 'skill, realistic token mix, signature on ≥ 2× ASK SDK adapter', ours: 'ours.skill-mix-token-signed', peer: 'ask.launch', minRatio: 2 },
  { kind: 'throughput', text: 'kit skill (linkwright/ask-sdk, token, signature on) ≥ 2× ASK SDK adapter', ours: 'ours.kit-skill-signed', peer: 'ask.launch', minRatio: 2 },
  { kind: 'throughput', text: 'MCP tools/call through linkwright/mcp ≥ 80 % of the bare SDK server', ours: 'ours.mcp-tool-call', peer: 'ceiling.mcp-bare', minRatio: 0.8 },
  { kind: 'rss', text: 'refresh soak: RSS within 10 %', ours: 'ours.refresh', maxGrowth: 0.1 },
  { kind: 'rss', text: 'signed skill soak: RSS within 10 %', ours: 'ours.skill-signed', maxGrowth: 0.1 },
  { kind: 'overload', text: 'at 4× load: accepted p99 < 50 ms, no timeouts', ours: 'ours.overload', maxAcceptedP99Ms: 50 },
];

/** The outcome of one target at one connection count (or of one soak). */
export interface Verdict {
  text: string;
  connections?: number;
  /** ours/peer for throughput, ours−peer (ms) for p99, growth for RSS. */
  value?: number;
  detail: string;
  verdict: 'PASS' | 'MISS' | 'n/a';
}

/**
 * Checks every target whose cases ran. A side with errors cannot pass: our errors make a MISS, a
 * peer's errors make the comparison n/a (its figure would flatter us).
 */
export function evaluateTargets(results: CaseResult[], targets: Target[] = TARGETS): Verdict[] {
  const byId = new Map(results.map((r) => [r.id, r]));
  const verdicts: Verdict[] = [];
  for (const target of targets) {
    const ours = byId.get(target.ours);
    if (target.kind === 'overload') {
      if (!ours) continue;
      const o = ours.overload;
      if (!o) {
        verdicts.push({ text: target.text, detail: `not measured${ours.error ? `: ${ours.id} failed` : ''}`, verdict: 'MISS' });
        continue;
      }
      // A connection that got no answer in the whole storm is a timeout the run was too short to count.
      const pass = o.acceptedP99Ms < target.maxAcceptedP99Ms && o.timeouts === 0 && o.unansweredConnections === 0 && o.badResponses === 0;
      const floor = littleFloor(o, byId.get('ceiling.node-http'));
      const detail = `p99 ${o.acceptedP99Ms.toFixed(1)} ms (${o.p99Ratio.toFixed(1)}× the ${o.baselineConnections}-conn p99), ${o.timeouts} timeouts, ${o.unansweredConnections} of ${o.connections} connections never answered, ${Math.round(o.shedRps)} req/s shed, RSS ${mb(o.rssMaxKb)} MB${o.generatorCpuShare >= GENERATOR_BOUND ? `; load generator at ${Math.round(o.generatorCpuShare * 100)} % of its core, so its own delay is in these latencies` : ''}${o.server ? `; as the server timed them, p99 ≤ ${o.server.p99AtMostMs} ms (${(o.server.shareWithin50Ms * 100).toFixed(1)} % within 50 ms)` : ''}${floor ?? ''}`;
      verdicts.push({ text: target.text, connections: o.connections, value: o.acceptedP99Ms, detail, verdict: pass ? 'PASS' : 'MISS' });
      continue;
    }
    if (target.kind === 'rss') {
      const drift = ours?.soak?.drift;
      if (!ours?.soak) continue; // Soaks run only with --soak.
      if (!drift) {
        verdicts.push({ text: target.text, detail: 'too few RSS readings', verdict: 'n/a' });
        continue;
      }
      const detail = `trend ${mb(drift.startKb)} → ${mb(drift.endKb)} MB (${signedPercent(drift.growth)}, ${(drift.slopeKbPerMin / 1024).toFixed(2)} MB/min) after the first ${(drift.skippedMs / 1000).toFixed(0)} s of ${ours.soak.durationSec.toFixed(0)} s at ${ours.soak.connections} conns${ours.soak.errors ? `, ${ours.soak.errors} errors` : ''}`;
      const pass = drift.growth <= target.maxGrowth && ours.soak.errors === 0;
      verdicts.push({ text: target.text, connections: ours.soak.connections, value: drift.growth, detail, verdict: pass ? 'PASS' : 'MISS' });
      continue;
    }
    const peer = byId.get(target.peer);
    if (!ours || !peer) continue; // Not selected in this run.
    if (ours.error || peer.error) {
      verdicts.push({ text: target.text, detail: `not measured: ${ours.error ? `${ours.id} failed` : `${peer.id} failed`}`, verdict: ours.error ? 'MISS' : 'n/a' });
      continue;
    }
    for (const row of ours.rows) {
      const peerRow = peer.rows.find((p) => p.connections === row.connections);
      if (!peerRow) continue;
      let verdict: Verdict;
      if (target.kind === 'throughput') {
        const ratio = peerRow.rps > 0 ? row.rps / peerRow.rps : Number.POSITIVE_INFINITY;
        verdict = {
          text: target.text,
          connections: row.connections,
          value: ratio,
          detail: `${ratio.toFixed(2)}× (${Math.round(row.rps)} vs ${Math.round(peerRow.rps)} req/s, need ${target.minRatio}×)`,
          verdict: ratio >= target.minRatio ? 'PASS' : 'MISS',
        };
      } else {
        verdict = {
          text: target.text,
          connections: row.connections,
          value: row.p99Ms - peerRow.p99Ms,
          detail: `${row.p99Ms.toFixed(2)} vs ${peerRow.p99Ms.toFixed(2)} ms`,
          verdict: row.p99Ms < peerRow.p99Ms ? 'PASS' : 'MISS',
        };
      }
      if (row.errors > 0) verdict = { ...verdict, verdict: 'MISS', detail: `${verdict.detail}; ${row.errors} errors in ours` };
      else if (peerRow.errors > 0) verdict = { ...verdict, verdict: 'n/a', detail: `${verdict.detail}; ${peerRow.errors} errors in the peer` };
      verdicts.push(verdict);
    }
  }
  return verdicts;
}

/**
 * What no server on this core could beat in the storm. Every connection waits on its answer, so while
 * the storm asks for more than is answered, the mean wait is connections / answer rate (Little's law):
 * measured, from the rate the process answered (503s included); and at best, from the rate a bare
 * node:http echo answers when the storm asks for more than that.
 */
function littleFloor(o: NonNullable<CaseResult['overload']>, ceiling: CaseResult | undefined): string | undefined {
  const parts: string[] = [];
  if (o.offeredRps > 0 && o.offeredRps < SATURATED_SHARE * o.targetRps) {
    const waitMs = (o.connections / o.offeredRps) * 1000;
    parts.push(`; it answered ${Math.round(o.offeredRps)} req/s (503s included) to ${o.connections} connections that each wait on their answer, so an answer waited about ${waitMs.toFixed(0)} ms on average (Little's law; under 50 ms needs ${Math.round(o.connections / 0.05)} answers a second)`);
  }
  const ceilingRps = Math.max(0, ...(ceiling?.rows ?? []).map((row) => row.rps));
  if (ceilingRps > 0 && o.targetRps > ceilingRps) {
    const waitMs = (o.connections / ceilingRps) * 1000;
    parts.push(`; the storm asks ${Math.round(o.targetRps)} req/s where a bare node:http echo answers ${Math.round(ceilingRps)} on this core, so with ${o.connections} connections waiting, a mean answer waits ≥ ${waitMs.toFixed(0)} ms for any server here`);
  }
  return parts.length > 0 ? parts.join('') : undefined;
}

/** Below this share of the rate asked, the generator had every connection waiting: the server was the bound. */
const SATURATED_SHARE = 0.95;

function mb(kb: number): string {
  return (kb / 1024).toFixed(1);
}

function signedPercent(fraction: number): string {
  const percent = fraction * 100;
  return `${percent >= 0 ? '+' : ''}${percent.toFixed(1)} %`;
}
