import type { CaseKind } from '../cases/types';
import type { LoadResult } from './load';
import type { ProfileSummary } from './profile';
import type { RssDrift, RssSample } from './rss';
import type { RunSummary } from './summary';

/** The soak of one case: a long run at the highest connection count, watching RSS. */
export interface SoakResult {
  connections: number;
  durationSec: number;
  rps: number;
  p99Ms: number;
  errors: number;
  drift: RssDrift | undefined;
  samples: RssSample[];
}

/** Everything measured for one case; `error` when it could not run (the reason, not a figure). */
export interface CaseResult {
  id: string;
  title: string;
  kind: CaseKind;
  error?: string;
  warmupRps?: number;
  rows: RunSummary[];
  runs: Array<Omit<LoadResult, 'rssSamples'>>;
  soak?: SoakResult;
  profile?: ProfileSummary;
}
