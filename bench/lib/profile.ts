import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { textTable } from './table';

/** The parts of a V8 .cpuprofile (what `node --cpu-prof` writes) the summary reads. */
interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

/** A frame (or module) and its share of the profiled busy time. */
export interface FrameShare {
  name: string;
  ms: number;
  /** Share of the busy (non-idle) time. */
  percent: number;
}

/** The hottest frames of a profile: by self time, by inclusive time, and self time per module. */
export interface ProfileSummary {
  file: string;
  busyMs: number;
  self: FrameShare[];
  inclusive: FrameShare[];
  modules: FrameShare[];
}

/** The newest .cpuprofile in a directory, or undefined. */
export function newestProfile(dir: string): string | undefined {
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith('.cpuprofile'))
      .map((name) => join(dir, name))
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  } catch {
    return undefined;
  }
}

/** Where a frame's code lives: an npm package, node's internals, or one of our source files. */
export function moduleOf(url: string): string {
  if (url === '') return '(native/V8)';
  // node:internal/crypto/sig → node:crypto/sig: which part of node (crypto, http, streams) is busy.
  if (url.startsWith('node:')) return `node:${url.slice('node:'.length).replace(/^internal\//, '')}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1] as string;
  const ours = /\/build\/((?:server|app-links|bench)\/.*)\.js$/.exec(url);
  if (ours) return ours[1] as string;
  return url.replace(/^file:\/\//, '');
}

function frameName(frame: { functionName: string; url: string; lineNumber: number }): string {
  const fn = frame.functionName || '(anonymous)';
  if (frame.url === '') return fn;
  return `${fn} ${moduleOf(frame.url)}:${frame.lineNumber + 1}`;
}

/** Summarises a profile: idle time is left out, so shares are of the time the server was busy. */
export function summarizeProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const modules = new Map<string, number>();
  let busyUs = 0;
  profile.samples.forEach((nodeId, index) => {
    const node = byId.get(nodeId);
    const deltaUs = profile.timeDeltas[index] ?? 0;
    if (!node || node.callFrame.functionName === '(idle)') return;
    busyUs += deltaUs;
    const name = frameName(node.callFrame);
    self.set(name, (self.get(name) ?? 0) + deltaUs);
    const module = node.callFrame.url === '' ? node.callFrame.functionName || '(native/V8)' : moduleOf(node.callFrame.url);
    modules.set(module, (modules.get(module) ?? 0) + deltaUs);
    const seen = new Set<string>();
    for (let id: number | undefined = nodeId; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id);
      if (!frame || frame.callFrame.functionName === '(root)') continue;
      const key = frameName(frame.callFrame);
      if (seen.has(key)) continue; // Recursion counts once per sample.
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + deltaUs);
    }
  });
  const rank = (map: Map<string, number>, limit: number): FrameShare[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, us]) => ({ name, ms: us / 1000, percent: busyUs > 0 ? (us / busyUs) * 100 : 0 }));
  return { file, busyMs: busyUs / 1000, self: rank(self, top), inclusive: rank(inclusive, top), modules: rank(modules, 12) };
}

/** The summary as text tables for the console. */
export function renderProfile(summary: ProfileSummary): string {
  const table = (title: string, shares: FrameShare[]) =>
    `${title}\n${textTable(['%', 'ms', 'frame'], shares.map((s) => [s.percent.toFixed(1), s.ms.toFixed(0), s.name]))}`;
  return [
    `profile ${summary.file} (${(summary.busyMs / 1000).toFixed(1)} s busy)`,
    table('self time by module', summary.modules),
    table('top frames by self time', summary.self),
    table('top frames by inclusive time', summary.inclusive),
  ].join('\n\n');
}
