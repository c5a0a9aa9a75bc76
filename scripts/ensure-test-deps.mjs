#!/usr/bin/env node
// Runs before `npm test` (the `pretest` script): the suite needs a real redis-server/redis-cli and
// Debian's chromium at /usr/bin/chromium. Present: nothing happens. Missing and running as root: they
// are installed from Debian's packages. Missing otherwise: the one command to run is printed, exit 1.
// Plain Node (no TypeScript, no dependencies) so it works before anything is built or installed.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** What the suite needs, and the Debian package that provides each. */
export const REQUIREMENTS = [
  { name: 'redis-server', kind: 'command', pkg: 'redis-server' },
  { name: 'redis-cli', kind: 'command', pkg: 'redis-tools' },
  // The browser tests launch this exact path (playwright-core never downloads a browser here).
  { name: '/usr/bin/chromium', kind: 'file', pkg: 'chromium' },
];

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** True when `command` is an executable in one of the PATH directories. */
export function onPath(command, pathValue, executable = isExecutable) {
  return (pathValue ?? '').split(delimiter).some((dir) => dir !== '' && executable(join(dir, command)));
}

/**
 * Decides what to do: `ok` (nothing missing), `install` (root: the commands to run) or `advise` (the one
 * command a person with rights should run). Pure, so its decisions are tested without touching the system.
 */
export function planTestDeps({ pathValue, uid, executable = isExecutable }) {
  const missing = REQUIREMENTS.filter((req) => (req.kind === 'command' ? !onPath(req.name, pathValue, executable) : !executable(req.name)));
  if (missing.length === 0) return { action: 'ok', missing: [] };
  const packages = [...new Set(missing.map((req) => req.pkg))];
  const install = ['apt-get', 'install', '-y', '--no-install-recommends', ...packages];
  if (uid === 0) return { action: 'install', missing: missing.map((req) => req.name), packages, commands: [['apt-get', 'update'], install] };
  const command = `sudo apt-get update && sudo ${install.join(' ')}`;
  return { action: 'advise', missing: missing.map((req) => req.name), packages, command };
}

function main() {
  const plan = planTestDeps({ pathValue: process.env.PATH, uid: typeof process.getuid === 'function' ? process.getuid() : -1 });
  if (plan.action === 'ok') return 0;
  if (plan.action === 'advise') {
    console.error(`The tests need ${plan.missing.join(', ')} (Debian packages: ${plan.packages.join(' ')}). Install them with:\n\n  ${plan.command}\n`);
    return 1;
  }
  console.error(`The tests need ${plan.missing.join(', ')}; installing Debian packages: ${plan.packages.join(' ')}`);
  for (const [command, ...args] of plan.commands) {
    const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (result.status !== 0) {
      console.error(`${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`}); install ${plan.packages.join(' ')} and run npm test again.`);
      return 1;
    }
  }
  const after = planTestDeps({ pathValue: process.env.PATH, uid: 0 });
  if (after.action !== 'ok') {
    console.error(`still missing after the install: ${after.missing.join(', ')}`);
    return 1;
  }
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = main();
