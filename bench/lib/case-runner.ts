import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SOAK_CASES } from '../cases';
import type { Fixtures } from '../cases/fixtures';
import type { BenchCase, StartedCase } from '../cases/types';
import { type LoadResult, runLoad } from './load';
import type { BenchOptions } from './options';
import { newestProfile, summarizeProfile } from './profile';
import type { CaseResult } from './results';
import { rssDrift } from './rss';
import { summarize } from './summary';

/** The rate the warm-up's 1-second probe pool is sized for, before anything is measured. */
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

/** A case of the group being measured: its running server and what has been measured so far. */
interface Live {
  benchCase: BenchCase;
  result: CaseResult;
  started?: StartedCase;
  rateSeen: number;
  runsAt: Map<number, LoadResult[]>;
  profileDir?: string;
}

/**
 * Runs a group of cases that are compared with each other (ours and its peers). All their servers are
 * started and warmed up first; then each measured run goes round the group in turn, repeat after
 * repeat, so a change in the machine's load hits every side of a ratio alike instead of one case.
 * A case that fails records its `error`; the others go on. Every server is stopped at the end.
 */
export async function runGroup(cases: BenchCase[], options: BenchOptions, fixtures: Fixtures, profileRoot: string, say: (line: string) => void): Promise<CaseResult[]> {
  const maxConnections = Math.max(...options.connections);
  const group: Live[] = cases.map((benchCase) => ({
    benchCase,
    result: { id: benchCase.id, title: benchCase.title, kind: benchCase.kind, rows: [], runs: [] },
    rateSeen: 0,
    runsAt: new Map(),
  }));
  const fail = (live: Live, error: unknown) => {
    live.result.error = error instanceof Error ? error.message : String(error);
    say(`[${live.benchCase.id}] FAILED: ${live.result.error}`);
  };
  const healthy = () => group.filter((live) => live.started && !live.result.error && !live.benchCase.measure);

  try {
    for (const live of group) {
      const { benchCase } = live;
      try {
        say(`[${benchCase.id}] starting: ${benchCase.title}`);
        if (options.cpuProf && benchCase.kind === 'ours') {
          live.profileDir = join(profileRoot, benchCase.id);
          mkdirSync(live.profileDir, { recursive: true });
        }
        const nodeFlags = live.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${live.profileDir}`] : [];
        live.started = await benchCase.start({ options, fixtures, nodeFlags });
      } catch (error) {
        fail(live, error);
      }
    }

    if (options.warmupSec > 0) {
      for (const live of healthy()) {
        await attempt(live, fail, async (started) => {
          // A 1-second probe with a pool sized for a guess, then the rest of the warm-up with pools sized from
          // the rate measured (again after any run that drained its pool), so no case starts its measured
          // runs cold because its warm-up pool ran dry.
          let remaining = options.warmupSec;
          let warm: LoadResult | undefined;
          while (remaining > 0) {
            const seconds = warm === undefined ? 1 : remaining;
            const pool = warm === undefined ? WARMUP_GUESS_RPS * seconds : poolSizeFor(live.rateSeen, seconds);
            const plan = await started.plan(maxConnections, pool);
            warm = await runLoad({ url: started.url, connections: maxConnections, durationSec: seconds, plan, serverPid: started.server.pid, storePid: started.storePid });
            if (warm.completed === 0) throw new Error(`no response during the warm-up (${warm.socketErrors} socket errors); server stderr: ${started.server.stderr.slice(-500)}`);
            if (warm.badResponses === warm.completed) throw new Error(`every warm-up response was wrong, e.g. ${warm.badSamples[0] ?? '?'}`);
            live.rateSeen = Math.max(live.rateSeen, warm.rps);
            remaining -= Math.max(1, Math.round(warm.durationSec));
          }
          if (!warm) return;
          live.result.warmupRps = live.rateSeen;
          say(`[${live.benchCase.id}] warm-up ${maxConnections} conns: ${describe(warm)}`);
        });
      }
    }

    for (const connections of options.connections) {
      for (let repeat = 1; repeat <= options.repeats; repeat += 1) {
        for (const live of healthy()) {
          await attempt(live, fail, async (started) => {
            const plan = await started.plan(connections, poolSizeFor(live.rateSeen, options.durationSec));
            const run = await runLoad({ url: started.url, connections, durationSec: options.durationSec, plan, serverPid: started.server.pid, storePid: started.storePid });
            live.rateSeen = Math.max(live.rateSeen, run.rps);
            live.runsAt.set(connections, [...(live.runsAt.get(connections) ?? []), run]);
            say(`[${live.benchCase.id}] ${connections} conns, run ${repeat}/${options.repeats}: ${describe(run)}`);
            if (run.badSamples.length > 0) say(`[${live.benchCase.id}]   unexpected answers, e.g. ${run.badSamples[0]}`);
          });
        }
      }
    }
    for (const live of group) {
      for (const runs of live.runsAt.values()) {
        live.result.rows.push(summarize(runs));
        live.result.runs.push(...runs.map(withoutSamples));
      }
    }

    for (const live of group.filter((l) => l.benchCase.measure && !l.result.error)) {
      await attempt(live, fail, async (started) => {
        Object.assign(live.result, await live.benchCase.measure?.(started, { options, say: (line) => say(`[${live.benchCase.id}] ${line}`) }));
      });
    }

    if (options.soak) {
      for (const live of healthy().filter((l) => SOAK_CASES.has(l.benchCase.id))) {
        await attempt(live, fail, async (started) => {
          say(`[${live.benchCase.id}] soak: ${options.soakSec} s at ${maxConnections} conns, watching RSS`);
          const plan = await started.plan(maxConnections, poolSizeFor(live.rateSeen, options.soakSec));
          const run = await runLoad({ url: started.url, connections: maxConnections, durationSec: options.soakSec, plan, serverPid: started.server.pid, storePid: started.storePid });
          // Skip the first 10 s (a sixth of a shorter soak): JIT, caches and pools still filling.
          const windowMs = Math.min(10_000, (options.soakSec * 1000) / 6);
          live.result.soak = { connections: maxConnections, durationSec: run.durationSec, rps: run.rps, p99Ms: run.p99Ms, errors: run.socketErrors + run.badResponses, drift: rssDrift(run.rssSamples, windowMs), samples: run.rssSamples };
          say(`[${live.benchCase.id}] soak: ${describe(run)}`);
        });
      }
    }
  } finally {
    for (const live of group) await live.started?.close();
  }
  for (const live of group) {
    const file = live.profileDir ? newestProfile(live.profileDir) : undefined;
    if (file) live.result.profile = summarizeProfile(file);
  }
  return group.map((live) => live.result);
}

/** Runs one step of a case; a throw marks the case failed rather than ending the group. */
async function attempt(live: Live, fail: (live: Live, error: unknown) => void, step: (started: StartedCase) => Promise<void>): Promise<void> {
  if (!live.started) return;
  try {
    await step(live.started);
  } catch (error) {
    fail(live, error);
  }
}
