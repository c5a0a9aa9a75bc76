import { stylesheetProblem } from './stylesheet';

/**
 * What the end-user pages need from disk, each missing piece as one line (empty when all is there).
 * Readiness reports these: a release missing its stylesheet would otherwise answer every sign-in page
 * with an error while the platform believes it healthy.
 */
export function pageAssetProblems(): string[] {
  return [stylesheetProblem()].filter((problem): problem is string => problem !== undefined);
}
