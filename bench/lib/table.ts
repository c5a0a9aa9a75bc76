import type { CaseResult } from './results';
import type { Verdict } from './targets';
import type { CostSnapshot } from '../cost/cost-run';

/** Lays out rows as a fixed-width text table; columns of numbers (and their headers) are right-aligned. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const isNumber = (cell: string) => /^[-+]?[\d.,]+( ?[%×x]| MB)?$|^[-–]$|^\d+–\d+$/.test(cell);
  const numeric = header.map((_, i) => i > 0 && rows.some((r) => (r[i] ?? '') !== '') && rows.every((r) => (r[i] ?? '') === '' || isNumber(r[i] ?? '')));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The main table: one row per case and connection count. */
export function renderResults(results: CaseResult[]): string {
  const rows: string[][] = [];
  for (const result of results) {
    if (result.error) {
      rows.push([result.id, '', '', '', '', '', '', '', '', '', `FAILED: ${firstLine(result.error)}`]);
      continue;
    }
    for (const row of result.rows) {
      rows.push([
        result.id,
        String(row.connections),
        String(Math.round(row.rps)),
        row.repeats > 1 ? `${Math.round(row.rpsMin)}–${Math.round(row.rpsMax)}` : '–',
        row.p50Ms.toFixed(2),
        row.p99Ms.toFixed(2),
        String(row.errors),
        `${(row.rssMaxKb / 1024).toFixed(0)} MB`,
        Number.isNaN(row.cpuUsPerRequest) ? '–' : row.cpuUsPerRequest.toFixed(0),
        Number.isNaN(row.storeCpuUsPerRequest) ? '–' : row.storeCpuUsPerRequest.toFixed(0),
        row.poolExhausted ? 'pool ran dry' : '',
      ]);
    }
  }
  return textTable(['case', 'conns', 'req/s', 'range', 'p50 ms', 'p99 ms', 'errors', 'RSS max', 'CPU µs/req', 'Redis µs/req', 'notes'], rows);
}

/** Which of our cases is compared with which peer, beyond the targets (references included). */
export const COMPARISONS: Array<{ ours: string; peer: string }> = [
  { ours: 'ours.refresh', peer: 'oidc.refresh-jwt' },
  { ours: 'ours.refresh', peer: 'oidc.refresh-opaque' },
  { ours: 'ours.refresh', peer: 'oauth2-server.refresh' },
  { ours: 'ours.code', peer: 'oidc.code' },
  { ours: 'ours.code', peer: 'oauth2-server.code' },
  { ours: 'ours.skill-token', peer: 'ask.launch' },
  { ours: 'ours.skill-forged', peer: 'ours.skill-token' },
  { ours: 'ours.skill-signed', peer: 'ask.launch' },
  { ours: 'ours.skill-card', peer: 'ask.launch' },
  { ours: 'ours.kit-skill-signed', peer: 'ask.launch' },
];

/** Same-run ratios ours/peer for throughput and p99, per connection count. */
export function renderRatios(results: CaseResult[]): string {
  const byId = new Map(results.map((r) => [r.id, r]));
  const rows: string[][] = [];
  for (const { ours, peer } of COMPARISONS) {
    const a = byId.get(ours);
    const b = byId.get(peer);
    if (!a || !b || a.error || b.error) continue;
    for (const row of a.rows) {
      const other = b.rows.find((r) => r.connections === row.connections);
      if (!other) continue;
      const cpu = row.cpuUsPerRequest / other.cpuUsPerRequest;
      rows.push([`${ours} / ${peer}`, String(row.connections), `${(row.rps / other.rps).toFixed(2)}×`, `${(row.p99Ms / other.p99Ms).toFixed(2)}×`, Number.isNaN(cpu) ? '–' : `${cpu.toFixed(2)}×`]);
    }
  }
  return rows.length === 0 ? '(no pairs measured in this run)' : textTable(['ours / peer', 'conns', 'req/s ratio', 'p99 ratio', 'CPU/req ratio'], rows);
}

/** One line per target and connection count: PASS, MISS or n/a, with the figures behind it. */
export function renderVerdicts(verdicts: Verdict[]): string {
  if (verdicts.length === 0) return '(no target had both sides measured in this run)';
  return textTable(
    ['verdict', 'target', 'conns', 'figures'],
    verdicts.map((v) => [v.verdict, v.text, v.connections === undefined ? '–' : String(v.connections), v.detail]),
  );
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').slice(0, 100);
}

/** The overload case: the baseline next to the storm, accepted requests only in the latency columns. */
export function renderOverload(results: CaseResult[]): string | undefined {
  const rows = results.flatMap((r) => (r.overload ? [[r.id, r.overload] as const] : []));
  if (rows.length === 0) return undefined;
  return textTable(
    ['case', 'conns', 'asked req/s', 'offered', 'accepted', 'shed', 'p99 ms', 'p99 / baseline', 'max ms', 'timeouts', 'never answered', 'RSS max', 'generator CPU', 'server p99 ms'],
    rows.flatMap(([id, o]) => [
      [id, String(o.baselineConnections), '–', String(Math.round(o.baselineRps)), String(Math.round(o.baselineRps)), '0', o.baselineP99Ms.toFixed(2), '–', '–', '–', '–', '–', '–', '–'],
      [id, String(o.connections), String(o.targetRps), String(Math.round(o.offeredRps)), String(Math.round(o.acceptedRps)), String(Math.round(o.shedRps)), o.acceptedP99Ms.toFixed(2), `${o.p99Ratio.toFixed(1)}×`, o.maxMs.toFixed(0), String(o.timeouts), String(o.unansweredConnections), `${(o.rssMaxKb / 1024).toFixed(0)} MB`, Number.isFinite(o.generatorCpuShare) ? `${(o.generatorCpuShare * 100).toFixed(0)} %` : '–', o.server ? `≤ ${o.server.p99AtMostMs}` : '–'],
    ]),
  );
}

/** The --cost report: bytes and keys per linked user, by kind of key, for each population measured. */
export function renderCost(snapshots: CostSnapshot[]): string {
  const rows: string[][] = [];
  for (const snap of snapshots) {
    for (const kind of snap.kinds) {
      const shared = kind.kind === 'ops' || kind.kind.endsWith('(transient)');
      rows.push([snap.label, kind.kind, String(kind.keys), shared ? '–' : (kind.keys / snap.users).toFixed(2), shared ? `(${(kind.bytes / snap.users).toFixed(0)}, not counted)` : (kind.bytes / snap.users).toFixed(0)]);
    }
    rows.push([snap.label, 'per linked user', String(snap.totalKeys), (snap.totalKeys / snap.users).toFixed(2), (snap.totalBytes / snap.users).toFixed(0)]);
  }
  return textTable(['population', 'key kind', 'keys', 'keys/user', 'bytes/user'], rows);
}
