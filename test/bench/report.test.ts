import { expect } from 'chai';
import { selectCases } from '../../bench/cases';
import { poolSizeFor } from '../../bench/lib/case-runner';
import type { LoadResult } from '../../bench/lib/load';
import { percentile } from '../../bench/lib/load';
import { parseOptions } from '../../bench/lib/options';
import { moduleOf } from '../../bench/lib/profile';
import type { CaseResult } from '../../bench/lib/results';
import { median, rssDrift } from '../../bench/lib/rss';
import { summarize, type RunSummary } from '../../bench/lib/summary';
import { renderCost, renderOverload, renderRatios, renderResults, textTable } from '../../bench/lib/table';
import { kindOf } from '../../bench/cost/cost-run';
import { overloadFigures } from '../../bench/cases/overload-case';
import { evaluateTargets, type Target } from '../../bench/lib/targets';

function run(overrides: Partial<LoadResult>): LoadResult {
  return {
    connections: 50,
    durationSec: 10,
    completed: 1000,
    rps: 100,
    p50Ms: 1,
    p99Ms: 5,
    meanMs: 1.5,
    maxMs: 9,
    socketErrors: 0,
    timeouts: 0,
    shed: 0,
    acceptedP50Ms: 1,
    acceptedP99Ms: 5,
    badResponses: 0,
    statusCounts: { 200: 1000 },
    badSamples: [],
    poolExhausted: false,
    rssMaxKb: 1000,
    rssSamples: [],
    cpuUsPerRequest: 200,
    storeCpuUsPerRequest: Number.NaN,
    generatorCpuShare: 0.5,
    unansweredConnections: 0,
    ...overrides,
  };
}

function row(overrides: Partial<RunSummary>): RunSummary {
  return { ...summarize([run({})]), ...overrides };
}

function caseResult(id: string, rows: RunSummary[], extra: Partial<CaseResult> = {}): CaseResult {
  return { id, title: id, kind: id.startsWith('ours') ? 'ours' : 'peer', rows, runs: [], ...extra };
}

describe('bench report arithmetic', () => {
  it('takes nearest-rank percentiles of sorted latencies', () => {
    const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).to.equal(50);
    expect(percentile(sorted, 99)).to.equal(99);
    expect(percentile(sorted, 100)).to.equal(100);
    expect(percentile([7], 99)).to.equal(7);
    expect(Number.isNaN(percentile([], 50))).to.equal(true);
  });

  it('summarises repeats: mean and spread of req/s, median percentiles, summed errors, max RSS', () => {
    const summary = summarize([
      run({ rps: 100, p50Ms: 1, p99Ms: 10, socketErrors: 1, rssMaxKb: 500, cpuUsPerRequest: 300 }),
      run({ rps: 300, p50Ms: 3, p99Ms: 30, badResponses: 2, rssMaxKb: 900, cpuUsPerRequest: 100, poolExhausted: true }),
    ]);
    expect(summary).to.include({ repeats: 2, rps: 200, rpsMin: 100, rpsMax: 300, p50Ms: 2, p99Ms: 20, errors: 3, rssMaxKb: 900, cpuUsPerRequest: 200, poolExhausted: true });
    expect(() => summarize([])).to.throw(/at least one run/);
  });

  it('fits an RSS trend after the first seconds: a slow leak shows, a GC dip at the start does not', () => {
    const at = (count: number, kb: (i: number) => number) => Array.from({ length: count }, (_, i) => ({ atMs: i * 1000, kb: kb(i) }));
    // Flat at 100 MB with a start-up climb (skipped) and one deep GC dip right after it.
    const flat = rssDrift(at(60, (i) => (i < 5 ? 50 + i * 10 : i === 6 ? 88 : 100) * 1024), 5000);
    expect(Math.abs(flat?.growth ?? 1)).to.be.below(0.02);
    // A leak of 0.3 % a second, noisy: the slope finds it.
    const leak = rssDrift(at(60, (i) => 100 * 1024 * (1 + 0.003 * i) + (i % 2 ? 500 : -500)), 5000);
    expect(leak?.growth).to.be.within(0.14, 0.2);
    expect(leak?.slopeKbPerMin).to.be.within(17_000, 19_500);
    expect(rssDrift([{ atMs: 0, kb: 1 }], 1000)).to.equal(undefined);
    expect(median([3, 1, 2, 10])).to.equal(2.5);
  });

  it('sizes pools at twice the fastest rate seen, never below 1,000 req/s', () => {
    expect(poolSizeFor(0, 10)).to.equal(22_000);
    expect(poolSizeFor(5000, 10)).to.equal(102_000);
  });
});

describe('bench targets', () => {
  const throughput: Target = { kind: 'throughput', text: 'x ≥ 2× y', ours: 'ours.x', peer: 'peer.y', minRatio: 2 };
  const latency: Target = { kind: 'p99', text: 'x p99 < y p99', ours: 'ours.x', peer: 'peer.y' };
  const rss: Target = { kind: 'rss', text: 'x RSS flat', ours: 'ours.x', maxGrowth: 0.1 };

  it('passes a throughput target at the ratio and misses just below it, per connection count', () => {
    const results = [
      caseResult('ours.x', [row({ connections: 10, rps: 200 }), row({ connections: 50, rps: 199 })]),
      caseResult('peer.y', [row({ connections: 10, rps: 100 }), row({ connections: 50, rps: 100 })]),
    ];
    const verdicts = evaluateTargets(results, [throughput]);
    expect(verdicts.map((v) => [v.connections, v.verdict])).to.deep.equal([
      [10, 'PASS'],
      [50, 'MISS'],
    ]);
    expect(verdicts[1]?.detail).to.equal('1.99× (199 vs 100 req/s, need 2×)');
  });

  it('needs a strictly lower p99 to pass the latency target', () => {
    const results = [caseResult('ours.x', [row({ p99Ms: 5 })]), caseResult('peer.y', [row({ p99Ms: 5 })])];
    expect(evaluateTargets(results, [latency])[0]?.verdict).to.equal('MISS');
    results[0] = caseResult('ours.x', [row({ p99Ms: 4.9 })]);
    expect(evaluateTargets(results, [latency])[0]?.verdict).to.equal('PASS');
  });

  it('turns errors in ours into a MISS and errors in the peer into n/a, whatever the ratio', () => {
    const fast = caseResult('ours.x', [row({ rps: 1000, errors: 1 })]);
    const slow = caseResult('peer.y', [row({ rps: 10 })]);
    expect(evaluateTargets([fast, slow], [throughput])[0]).to.include({ verdict: 'MISS' });
    const clean = caseResult('ours.x', [row({ rps: 1000 })]);
    const broken = caseResult('peer.y', [row({ rps: 10, errors: 3 })]);
    expect(evaluateTargets([clean, broken], [throughput])[0]).to.include({ verdict: 'n/a' });
  });

  it('reports a failed case instead of comparing, and skips targets whose cases did not run', () => {
    const failed = caseResult('ours.x', [], { error: 'server did not start' });
    expect(evaluateTargets([failed, caseResult('peer.y', [row({})])], [throughput])[0]).to.include({ verdict: 'MISS' });
    expect(evaluateTargets([caseResult('ours.x', [row({})])], [throughput, rss])).to.deep.equal([]);
  });

  it('judges the overload case by accepted p99 under 50 ms and no timeouts, from the two runs', () => {
    const baseline = run({ connections: 50, acceptedP99Ms: 10, rps: 8000 });
    const good = overloadFigures(baseline, run({ connections: 2000, completed: 40_000, shed: 30_000, acceptedP99Ms: 40, timeouts: 0, durationSec: 10 }), 32_000);
    expect(good.acceptedRps).to.equal(1000);
    expect(good.shedRps).to.equal(3000);
    expect(good.p99Ratio).to.equal(4);
    const judge = (overload: typeof good) => evaluateTargets([caseResult('ours.overload', [], { overload })]).map((v) => v.verdict);
    expect(judge(good)).to.deep.equal(['PASS']);
    expect(judge({ ...good, acceptedP99Ms: 50 })).to.deep.equal(['MISS']);
    expect(judge({ ...good, timeouts: 1 })).to.deep.equal(['MISS']);
    expect(renderOverload([caseResult('ours.overload', [], { overload: good })])).to.contain('4.0×');
    const busyGenerator = overloadFigures(baseline, run({ connections: 2000, completed: 40_000, shed: 30_000, acceptedP99Ms: 400, durationSec: 10, generatorCpuShare: 0.97 }), 32_000);
    const [busy] = evaluateTargets([caseResult('ours.overload', [], { overload: busyGenerator })]);
    expect(busy?.verdict).to.equal('MISS');
    expect(busy?.detail).to.contain('load generator at 97 % of its core');
    const starved = overloadFigures(baseline, run({ connections: 2000, completed: 40_000, shed: 30_000, acceptedP99Ms: 40, durationSec: 10, unansweredConnections: 700 }), 32_000);
    const [starvedVerdict] = evaluateTargets([caseResult('ours.overload', [], { overload: starved })]);
    expect(starvedVerdict?.verdict, 'connections never answered are timeouts the run did not wait for').to.equal('MISS');
    expect(starvedVerdict?.detail).to.contain('700 of 2000 connections never answered');
    const ceiling = caseResult('ceiling.node-http', [row({ connections: 50, rps: 20_000 })]);
    const [bounded] = evaluateTargets([caseResult('ours.overload', [], { overload: busyGenerator }), ceiling]);
    expect(bounded?.detail).to.contain('a bare node:http echo answers 20000 on this core');
    expect(bounded?.detail).to.contain('≥ 100 ms');
    // 4,000 answers a second to 2,000 waiting connections: half a second each, on average.
    expect(bounded?.detail).to.contain('about 500 ms on average');
    const [within] = evaluateTargets([caseResult('ours.overload', [], { overload: busyGenerator }), caseResult('ceiling.node-http', [row({ connections: 50, rps: 64_000 })])]);
    expect(within?.detail).not.to.contain('bare node:http');
    expect(within?.detail).to.contain('about 500 ms on average');
    // Everything asked was answered: the generator, not the server, set the pace, and no wait follows.
    const paced = overloadFigures(baseline, run({ connections: 2000, completed: 320_000, shed: 300_000, acceptedP99Ms: 40, durationSec: 10 }), 32_000);
    expect(evaluateTargets([caseResult('ours.overload', [], { overload: paced })])[0]?.detail).not.to.contain('Little');
  });

  it('sorts keys by kind for --cost and prints bytes per linked user, transient and process keys apart', () => {
    expect(kindOf('lw:family:abc', 'lw:')).to.equal('family');
    expect(kindOf('lw:accounts', 'lw:')).to.equal('accounts');
    const text = renderCost([
      {
        label: '10 users linked',
        users: 10,
        totalBytes: 5000,
        totalKeys: 20,
        kinds: [
          { kind: 'family', keys: 10, bytes: 4000 },
          { kind: 'account', keys: 10, bytes: 1000 },
          { kind: 'code (transient)', keys: 10, bytes: 1700 },
        ],
      },
    ]);
    expect(text).to.match(/family\s+10\s+1\.00\s+400$/m);
    expect(text).to.match(/code \(transient\)\s+10\s+–\s+\(170, not counted\)$/m);
    expect(text).to.match(/per linked user\s+20\s+2\.00\s+500$/m);
    const options = parseOptions(['--cost', '--cost-users=5,7', '--cost-rotations=3', '--cost-rotation-users=2']);
    expect([options.cost, options.costUsers, options.costRotations, options.costRotationUsers]).to.deep.equal([true, [5, 7], 3, 2]);
    expect(() => parseOptions(['--cost-users=0'])).to.throw(/--cost-users must be between 1/);
  });

  it('judges the soak by RSS growth and by errors', () => {
    const soak = (growth: number, errors: number) =>
      caseResult('ours.x', [], { soak: { connections: 50, durationSec: 60, rps: 1, p99Ms: 1, errors, samples: [], drift: { startKb: 100_000, endKb: 100_000 * (1 + growth), growth, slopeKbPerMin: 0, skippedMs: 10_000 } } });
    expect(evaluateTargets([soak(0.1, 0)], [rss])[0]?.verdict).to.equal('PASS');
    expect(evaluateTargets([soak(0.11, 0)], [rss])[0]?.verdict).to.equal('MISS');
    expect(evaluateTargets([soak(0, 2)], [rss])[0]?.verdict).to.equal('MISS');
  });
});

describe('bench tables', () => {
  it('aligns columns and right-aligns numbers', () => {
    expect(textTable(['name', 'n'], [['a', '5'], ['bbb', '100']])).to.equal('name    n\n----  ---\na       5\nbbb   100');
  });

  it('prints each case row with its spread and CPU per request, and failed cases with their reason', () => {
    const text = renderResults([
      caseResult('ours.refresh', [row({ connections: 50, rps: 2500, rpsMin: 2400, rpsMax: 2600, repeats: 2, p99Ms: 12.345, rssMaxKb: 2048, cpuUsPerRequest: 301.4, poolExhausted: true })]),
      caseResult('ours.code', [], { error: 'route missing\nmore' }),
    ]);
    expect(text).to.match(/ours\.refresh\s+50\s+2500\s+2400–2600\s+1\.00\s+12\.35\s+0\s+2 MB\s+301\s+–\s+pool ran dry$/m);
    expect(text).to.match(/ours\.code .*FAILED: route missing$/m);
  });

  it('prints same-run ratios for measured pairs only', () => {
    const text = renderRatios([caseResult('ours.refresh', [row({ rps: 300, p99Ms: 10, cpuUsPerRequest: 100 })]), caseResult('oidc.refresh-jwt', [row({ rps: 100, p99Ms: 20, cpuUsPerRequest: 300 })])]);
    expect(text).to.match(/ours\.refresh \/ oidc\.refresh-jwt\s+50\s+3\.00×\s+0\.50×\s+0\.33×/);
    expect(renderRatios([])).to.equal('(no pairs measured in this run)');
  });
});

describe('bench options and case selection', () => {
  it('defaults to a bounded run and lets flags beside --quick win', () => {
    expect(parseOptions([])).to.include({ warmupSec: 5, durationSec: 10, repeats: 2, soak: false });
    expect(parseOptions(['--quick'])).to.include({ warmupSec: 1, durationSec: 2, repeats: 1 });
    expect(parseOptions(['--quick', '--duration=3'])).to.include({ durationSec: 3 });
    expect(parseOptions(['--connections=1,5', '--case=ours']).connections).to.deep.equal([1, 5]);
  });

  it('refuses unknown flags and out-of-range values with the flag named', () => {
    expect(() => parseOptions(['--fast'])).to.throw(/unknown flag --fast/);
    expect(() => parseOptions(['--duration=0'])).to.throw(/--duration must be between 1 and 600/);
    expect(() => parseOptions(['--repeats=two'])).to.throw(/--repeats must be a whole number/);
    expect(() => parseOptions(['--case'])).to.throw(/--case needs a value/);
    expect(() => parseOptions(['--log-level=loud'])).to.throw(/--log-level/);
  });

  it('selects cases by id, prefix or kind, and names a filter that matches nothing', () => {
    expect(selectCases(['ours.refresh']).map((c) => c.id)).to.deep.equal(['ours.refresh']);
    expect(selectCases(['oidc']).every((c) => c.id.startsWith('oidc.'))).to.equal(true);
    expect(selectCases(['ceiling']).map((c) => c.id)).to.deep.equal(['ceiling.mcp-bare', 'ceiling.node-http', 'ceiling.express']);
    expect(selectCases([]).some((c) => c.id === 'ceiling.express')).to.equal(false);
    expect(() => selectCases(['ours.nothing'])).to.throw(/no case matches ours\.nothing/);
  });

  it('names the module a profile frame belongs to', () => {
    expect(moduleOf('file:///work/main/node_modules/@pinojs/redact/index.js')).to.equal('@pinojs/redact');
    expect(moduleOf('file:///work/main/node_modules/ioredis/built/Redis.js')).to.equal('ioredis');
    expect(moduleOf('node:internal/crypto/sig')).to.equal('node:crypto/sig');
    expect(moduleOf('file:///work/main/bench/results/build/server/oauth/grants.js')).to.equal('server/oauth/grants');
    expect(moduleOf('')).to.equal('(native/V8)');
  });
});
