import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import type { TestDepsPlan } from '../../scripts/ensure-test-deps.mjs';

const run = promisify(execFile);
const SCRIPT = 'scripts/ensure-test-deps.mjs';

type Module = typeof import('../../scripts/ensure-test-deps.mjs');

describe('scripts/ensure-test-deps (npm pretest)', () => {
  let planTestDeps: Module['planTestDeps'];
  before(async () => {
    ({ planTestDeps } = (await import('../../scripts/ensure-test-deps.mjs')) as Module);
  });

  const only = (present: string[]) => (path: string) => present.includes(path);

  it('does nothing when redis-server, redis-cli and /usr/bin/chromium are there', () => {
    const plan = planTestDeps({ pathValue: '/opt/bin:/usr/bin', uid: 1000, executable: only(['/usr/bin/redis-server', '/opt/bin/redis-cli', '/usr/bin/chromium']) });
    expect(plan.action).to.equal('ok');
  });

  it('as root installs exactly the missing packages, apt-get update first', () => {
    const plan = planTestDeps({ pathValue: '/usr/bin', uid: 0, executable: only(['/usr/bin/redis-server']) }) as Extract<TestDepsPlan, { action: 'install' }>;
    expect(plan.action).to.equal('install');
    expect(plan.commands).to.deep.equal([
      ['apt-get', 'update'],
      ['apt-get', 'install', '-y', '--no-install-recommends', 'redis-tools', 'chromium'],
    ]);
  });

  it('as another user prints the one command to run', () => {
    const plan = planTestDeps({ pathValue: '/usr/bin', uid: 1000, executable: only([]) }) as Extract<TestDepsPlan, { action: 'advise' }>;
    expect(plan.action).to.equal('advise');
    expect(plan.missing).to.deep.equal(['redis-server', 'redis-cli', '/usr/bin/chromium']);
    expect(plan.command).to.equal('sudo apt-get update && sudo apt-get install -y --no-install-recommends redis-server redis-tools chromium');
  });

  it('passes on this machine (the suite is running, so the tools are there)', async () => {
    const { stdout, stderr } = await run(process.execPath, [SCRIPT]);
    expect(stdout + stderr).to.equal('');
  });

  it('run by a user without the tools on PATH: names the command and exits 1, installing nothing', async () => {
    // As root the script would install; drop to nobody so the real "not root" branch runs.
    const asRoot = process.getuid?.() === 0;
    // The checkout may sit in a folder nobody cannot read (a mktemp -d clone is 0700): run a copy from a readable one.
    const folder = mkdtempSync(join(tmpdir(), 'ensure-deps-'));
    chmodSync(folder, 0o755);
    const script = join(folder, 'ensure-test-deps.mjs');
    copyFileSync(SCRIPT, script);
    chmodSync(script, 0o644);
    const command = asRoot ? '/usr/bin/setpriv' : process.execPath;
    const args = asRoot ? ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, script] : [script];
    let failure: { code?: number; stderr?: string } | undefined;
    try {
      await run(command, args, { env: { PATH: '/nonexistent' }, cwd: folder });
    } catch (error) {
      failure = error as { code?: number; stderr?: string };
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    expect(failure?.code).to.equal(1);
    expect(failure?.stderr).to.include('The tests need redis-server, redis-cli');
    expect(failure?.stderr).to.include('sudo apt-get update && sudo apt-get install -y --no-install-recommends redis-server redis-tools');
  });
});
