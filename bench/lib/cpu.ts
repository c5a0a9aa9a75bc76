import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * Pins every thread of a process to one core (`taskset -a -cp`), so the server under test and the
 * load generator never steal each other's core. Returns false (and the caller warns) where taskset
 * or a second core is missing: figures from such a run are still printed, but ratios mean less.
 */
export function pinProcess(pid: number, core: number): boolean {
  if (!canPin(core)) return false;
  try {
    execFileSync('taskset', ['-a', '-cp', String(core), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** True when `taskset` exists and the machine has the core. */
export function canPin(core: number): boolean {
  if (core >= availableParallelism()) return false;
  try {
    execFileSync('taskset', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The command line that starts `argv` pinned to `core` (unpinned when pinning is impossible). */
export function pinnedCommand(core: number, argv: string[]): { command: string; args: string[] } {
  const [command, ...args] = argv;
  if (command === undefined) throw new Error('pinnedCommand needs a command');
  if (!canPin(core)) return { command, args };
  return { command: 'taskset', args: ['-c', String(core), command, ...args] };
}
