import type { LoadPlan } from '../lib/load';
import type { BenchOptions } from '../lib/options';
import type { CaseResult } from '../lib/results';
import type { ServerProcess } from '../lib/server-process';
import type { Fixtures } from './fixtures';

/** Who a case measures: our service, a peer users would pick instead, or a ceiling/reference. */
export type CaseKind = 'ours' | 'peer' | 'ceiling';

/** What every case gets from the harness. */
export interface CaseContext {
  options: BenchOptions;
  fixtures: Fixtures;
  /** Node flags for the server under test (e.g. --cpu-prof), already decided by the harness. */
  nodeFlags: string[];
}

/** A case whose server is running: it plans each run, then is closed. */
export interface StartedCase {
  server: ServerProcess;
  url: string;
  /** The store's process (our Redis), so its CPU per request is reported too; peers keep theirs in memory. */
  storePid?: number | undefined;
  /**
   * The requests for one run at `connections` connections; pools (codes, refresh tokens, signed
   * bodies) are minted here, before the run, sized for `expectedRequests`.
   */
  plan(connections: number, expectedRequests: number): Promise<LoadPlan>;
  /** Set when the server serves GET /metrics to the bench (METRICS_TOKEN), for its own timings. */
  metricsToken?: string | undefined;
  close(): Promise<void>;
}

/** One measured thing: a server to start and the requests that load it. */
export interface BenchCase {
  id: string;
  title: string;
  kind: CaseKind;
  /**
   * Cases of one group (ours and the peers it is compared with) are measured turn about, run by run,
   * so the machine's changing load falls on both sides of a ratio.
   */
  group: string;
  /** Run without being named in --case. */
  byDefault: boolean;
  start(context: CaseContext): Promise<StartedCase>;
  /**
   * A case measured its own way rather than by the harness's runs per connection count (the overload
   * case): it runs its loads and returns its figures. The harness then skips its warm-up and runs.
   */
  measure?(started: StartedCase, context: { options: BenchOptions; say(line: string): void }): Promise<Partial<Pick<CaseResult, 'overload'>>>;
}
