/**
 * `npm run bench`: measures our token and skill endpoints against the stacks users would pick
 * instead (node-oidc-provider, the ASK SDK express adapter) and a bare node:http ceiling, in one run
 * on one machine. Every server runs compiled, as a child pinned to one core; this process (the load
 * generator, autocannon) pins itself to the other. Prints one table, same-run ratios and PASS/MISS
 * per target, and writes the same figures as JSON under bench/results/.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { ALL_CASES, groupCases, selectCases } from './cases';
import { Fixtures } from './cases/fixtures';
import { runGroup } from './lib/case-runner';
import { BUILD_DIR, compile, REPO_ROOT } from './lib/compile';
import { pinProcess } from './lib/cpu';
import { parseOptions, USAGE } from './lib/options';
import { renderProfile } from './lib/profile';
import type { CaseResult } from './lib/results';
import { stopAllServers } from './lib/server-process';
import { renderCost, renderOverload, renderRatios, renderResults, renderVerdicts } from './lib/table';
import { relinkFigure, runCost } from './cost/cost-run';
import { hashPassword } from '../server/accounts/passwords';
import { evaluateTargets } from './lib/targets';

const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');

function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace('T', '-');
}

function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  if (options.list) {
    for (const c of ALL_CASES) console.log(`${c.id.padEnd(28)} ${c.byDefault ? 'default' : 'named  '}  ${c.title}`);
    return 0;
  }
  if (options.cost) return runCostReport(options);
  const cases = selectCases(options.cases);
  const started = new Date();

  // Pin before anything is spawned: the private redis-server inherits this core, off the server's.
  const pinned = pinProcess(process.pid, options.loadCore);
  if (!pinned) say(`warning: could not pin the load generator to core ${options.loadCore} (taskset or a second core missing); figures will be noisier`);

  let buildWarning: string | undefined;
  if (!options.skipBuild) {
    say(`compiling the service and peers into ${BUILD_DIR} …`);
    buildWarning = compile().warning;
    if (buildWarning) say(`warning: ${buildWarning}`);
  }

  const fixtures = new Fixtures();
  const interrupted = async () => {
    say('interrupted: stopping servers');
    await stopAllServers();
    await fixtures.close();
    process.exit(130);
  };
  process.once('SIGINT', () => void interrupted());
  process.once('SIGTERM', () => void interrupted());

  const profileRoot = join(RESULTS_DIR, 'profiles', stamp(started));
  const results: CaseResult[] = [];
  try {
    for (const group of groupCases(cases)) results.push(...(await runGroup(group, options, fixtures, profileRoot, say)));
  } finally {
    await stopAllServers();
    await fixtures.close();
  }

  const verdicts = evaluateTargets(results);
  const seconds = (Date.now() - started.getTime()) / 1000;
  console.log('');
  console.log(`Linkwright bench — ${started.toISOString()}, node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`);
  console.log(`servers pinned to core ${options.serverCore}, load generator and Redis to core ${options.loadCore}${pinned ? '' : ' (NOT pinned)'}; ` +
    `warm-up ${options.warmupSec} s, ${options.repeats} × ${options.durationSec} s per connection count, compared cases measured turn about; our LOG_LEVEL ${options.logLevel}; took ${seconds.toFixed(0)} s`);
  if (options.cpuProf) console.log('our servers ran under --cpu-prof: their figures carry the profiler\'s overhead; compare ratios from a run without it');
  console.log('');
  console.log(renderResults(results));
  console.log('');
  const overload = renderOverload(results);
  if (overload) {
    console.log('Overload (the p99 column counts accepted requests only; shed = answered 503 at once):');
    console.log(overload);
    console.log('');
  }
  console.log('Same-run ratios (ours / peer):');
  console.log(renderRatios(results));
  console.log('');
  console.log('Targets:');
  console.log(renderVerdicts(verdicts));
  for (const result of results) {
    if (result.profile) {
      console.log('');
      console.log(`[${result.id}] ${renderProfile(result.profile)}`);
    }
  }

  mkdirSync(RESULTS_DIR, { recursive: true });
  const out = options.out ?? join(RESULTS_DIR, `bench-${stamp(started)}.json`);
  const report = {
    meta: { started: started.toISOString(), seconds, node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, commit: gitCommit(), pinned, buildWarning, options },
    results,
    verdicts,
  };
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log('');
  console.log(`JSON: ${out}`);
  return results.some((r) => r.error) ? 1 : 0;
}

/** `--cost`: links users through the real endpoints and prints Redis bytes per linked user by key kind. */
async function runCostReport(options: ReturnType<typeof parseOptions>): Promise<number> {
  pinProcess(process.pid, options.loadCore);
  if (!options.skipBuild) {
    say(`compiling the service into ${BUILD_DIR} …`);
    compile();
  }
  const fixtures = new Fixtures();
  try {
    const snapshots = await runCost(options, fixtures, say);
    const relinked = await relinkFigure(options, fixtures, await hashPassword('bench-password-0123456789'));
    console.log('');
    console.log(`Linkwright cost per linked user (Redis MEMORY USAGE, SAMPLES 0) — ${new Date().toISOString()}`);
    console.log(renderCost(snapshots));
    const target = snapshots.map((s) => `${s.label}: ${(s.totalBytes / s.users).toFixed(0)} B`).join('; ');
    console.log('');
    console.log(`Target: at most 1,024 B per linked user, flat over rotations. ${target}`);
    console.log(`Grants live after linking one Alexa account ${relinked.links} times: ${relinked.live} (target 1)`);
    return 0;
  } finally {
    await stopAllServers();
    await fixtures.close();
  }
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    say(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
    await stopAllServers();
    process.exit(2);
  },
);
