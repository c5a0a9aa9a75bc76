import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root (bench/lib/../..). */
export const REPO_ROOT = resolve(__dirname, '..', '..');
/** Compiled JavaScript of the service and the peers: what production runs, not tsx. */
export const BUILD_DIR = join(REPO_ROOT, 'bench', 'results', 'build');

/** Paths of the compiled entries the bench starts. */
export const ENTRIES = {
  ours: join(BUILD_DIR, 'server', 'main.js'),
  oidcProvider: join(BUILD_DIR, 'bench', 'peers', 'oidc-provider.js'),
  askSdk: join(BUILD_DIR, 'bench', 'peers', 'ask-sdk.js'),
  nodeOauth2Server: join(BUILD_DIR, 'bench', 'peers', 'node-oauth2-server.js'),
  kitSkill: join(BUILD_DIR, 'bench', 'peers', 'kit-skill.js'),
  nodeHttpEcho: join(BUILD_DIR, 'bench', 'peers', 'node-http-echo.js'),
  expressEcho: join(BUILD_DIR, 'bench', 'peers', 'express-echo.js'),
  mcpLinkwright: join(BUILD_DIR, 'bench', 'peers', 'mcp-linkwright.js'),
  mcpBare: join(BUILD_DIR, 'bench', 'peers', 'mcp-bare.js'),
};

/**
 * Compiles the service and the peers with tsc into bench/results/build (git-ignored). Type errors
 * elsewhere in a tree under construction do not stop the emit; they are returned as a warning and
 * the bench goes on as long as every entry was written.
 */
export function compile(): { warning: string | undefined } {
  const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(REPO_ROOT, 'bench', 'tsconfig.build.json')], { cwd: REPO_ROOT, encoding: 'utf8' });
  // tsc compiles only .ts: the pages' stylesheet and the other run-time files are copied beside the
  // compiled code as `npm run build` does (without them /readyz answers 503 and no case starts).
  const copy = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build', 'copy-assets.mjs'), BUILD_DIR], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (copy.status !== 0) throw new Error(`copying the run-time assets into ${BUILD_DIR} failed:\n${copy.stdout}${copy.stderr}`);
  const missing = Object.values(ENTRIES).filter((entry) => !existsSync(entry));
  if (missing.length > 0) throw new Error(`tsc did not write ${missing.join(', ')}:\n${result.stdout}${result.stderr}`);
  if (result.status === 0) return { warning: undefined };
  const lines = `${result.stdout}${result.stderr}`.trim().split('\n');
  return { warning: `tsc reported ${lines.filter((l) => / error TS/.test(l)).length} type error(s) (emitted anyway):\n  ${lines.slice(0, 8).join('\n  ')}` };
}
