import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SOAK_CASES } from '../cases';
import type { Fixtures } from '../cases/fixtures';
import type { BenchCase, StartedCase } from '../cases/types';
import { type LoadPlan, type LoadResult, runLoad } from './load';
import type { BenchOptions } from './options';
import { newestProfile, summarizeProfile } from './profile';
import type { CaseResult } from './results';
import { rssDrift } from './rss';
import { summarize } from './summary';

/** The rate a warm-up's pool is sized for before anything is known; a dry pool just ends it early. */
const WARMUP_GUESS_RPS = 3000;

/** Pool size for a run: twice the fastest rate seen so far, so a faster run never runs dry. */
export function poolSizeFor(rateSeen: number, seconds: number): number {
  return Math.ceil(Math.max(rateSeen, 1000) * seconds * 2) + 2000;
}

/** Drops the RSS readings a summary row already condensed (they would bloat the JSON file). */
function withoutSamples(run: LoadResult): Omit<LoadResult, 'rssSamples'> {
  const { rssSamples: _samples, ...rest } = run;
  return rest;
}

function describe(run: LoadResult): string {
  const bad = run.socketErrors + run.badResponses;
  return `${Math.round(run.rps)} req/s, p50 ${run.p50Ms.toFixed(2)} ms, p99 ${run.p99Ms.toFixed(2)} ms, errors ${bad}, RSS ${(run.rssMaxKb / 1024).toFixed(0)} MB, CPU ${run.cpuUsPerRequest.toFixed(0)} µs/req${run.poolExhausted ? ' (pool ran dry)' : ''}`;
}

/**
 * Runs one case: start its server, warm up at the highest connection count, then `repeats` measured
 * runs per connection count (pools minted before each), then the soak when asked. The server is
 * always stopped; a failure becomes the case's `error`, and the other cases still run.
 */
export async function runCase(benchCase: BenchCase, options: BenchOptions, fixtures: Fixtures, profileRoot: string, say: (line: string) => void): Promise<CaseResult> {
  const result: CaseResult = { id: benchCase.id, title: benchCase.title, kind: benchCase.kind, rows: [], runs: [] };
  const profileDir = options.cpuProf && benchCase.kind === 'ours' ? join(profileRoot, benchCase.id) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const nodeFlags = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const maxConnections = Math.max(...options.connections);
  let started: StartedCase | undefined;
  const measure = async (connections: number, seconds: number, plan: LoadPlan) => {
    if (!started) throw new Error('case not started');
    return runLoad({ url: started.url, connections, durationSec: seconds, plan, serverPid: started.server.pid });
  };
  try {
    say(`[${benchCase.id}] starting: ${benchCase.title}`);
    started = await benchCase.start({ options, fixtures, nodeFlags });
    let rateSeen = 0;
    if (options.warmupSec > 0) {
      const warm = await measure(maxConnections, options.warmupSec, await started.plan(maxConnections, WARMUP_GUESS_RPS * options.warmupSec));
      if (warm.completed === 0) throw new Error(`no response during the warm-up (${warm.socketErrors} socket errors); server stderr: ${started.server.stderr.slice(-500)}`);
      if (warm.badResponses === warm.completed) throw new Error(`every warm-up response was wrong, e.g. ${warm.badSamples[0] ?? '?'}`);
      result.warmupRps = warm.rps;
      rateSeen = warm.rps;
      say(`[${benchCase.id}] warm-up ${maxConnections} conns: ${describe(warm)}`);
    }
    for (const connections of options.connections) {
      const runs: LoadResult[] = [];
      for (let repeat = 1; repeat <= options.repeats; repeat += 1) {
        const run = await measure(connections, options.durationSec, await started.plan(connections, poolSizeFor(rateSeen, options.durationSec)));
        rateSeen = Math.max(rateSeen, run.rps);
        runs.push(run);
        say(`[${benchCase.id}] ${connections} conns, run ${repeat}/${options.repeats}: ${describe(run)}`);
        if (run.badSamples.length > 0) say(`[${benchCase.id}]   unexpected answers, e.g. ${run.badSamples[0]}`);
      }
      result.rows.push(summarize(runs));
      result.runs.push(...runs.map(withoutSamples));
    }
    if (options.soak && SOAK_CASES.has(benchCase.id)) {
      say(`[${benchCase.id}] soak: ${options.soakSec} s at ${maxConnections} conns, watching RSS`);
      const run = await measure(maxConnections, options.soakSec, await started.plan(maxConnections, poolSizeFor(rateSeen, options.soakSec)));
      const windowMs = Math.min(10_000, (options.soakSec * 1000) / 4);
      result.soak = { connections: maxConnections, durationSec: run.durationSec, rps: run.rps, p99Ms: run.p99Ms, errors: run.socketErrors + run.badResponses, drift: rssDrift(run.rssSamples, windowMs), samples: run.rssSamples };
      say(`[${benchCase.id}] soak: ${describe(run)}`);
    }
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    say(`[${benchCase.id}] FAILED: ${result.error}`);
  } finally {
    await started?.close();
  }
  if (profileDir) {
    const file = newestProfile(profileDir);
    if (file) result.profile = summarizeProfile(file);
  }
  return result;
}
