import { expressEcho, nodeHttpEcho } from './ceiling-cases';
import { bareMcpToolCall, ourMcpToolCall } from './mcp-cases';
import { ourOverload } from './overload-case';
import { askSdkLaunch, kitSkillSigned, ourSkillCard, ourSkillForged, ourSkillMixToken, ourSkillMixTokenSigned, ourSkillNewToken, ourSkillNewTokenSigned, ourSkillSigned, ourSkillToken } from './skill-cases';
import { oauth2ServerCode, oauth2ServerRefresh, oidcCode, oidcRefreshJwt, oidcRefreshOpaque, oidcRefreshQuickstart, ourCode, ourRefresh, ourRefreshInfo } from './token-cases';
import type { BenchCase } from './types';

/** Every case, in the order they run and print: ours next to the peer it is compared with. */
export const ALL_CASES: BenchCase[] = [
  ourRefresh,
  ourRefreshInfo,
  oidcRefreshJwt,
  oidcRefreshOpaque,
  oidcRefreshQuickstart,
  oauth2ServerRefresh,
  ourCode,
  oidcCode,
  oauth2ServerCode,
  ourSkillToken,
  ourSkillForged,
  ourSkillSigned,
  ourSkillCard,
  ourSkillNewToken,
  ourSkillNewTokenSigned,
  ourSkillMixToken,
  ourSkillMixTokenSigned,
  kitSkillSigned,
  askSdkLaunch,
  ourMcpToolCall,
  bareMcpToolCall,
  ourOverload,
  nodeHttpEcho,
  expressEcho,
];

/** The selected cases split into their groups, in order of each group's first case. */
export function groupCases(cases: BenchCase[]): BenchCase[][] {
  const groups = new Map<string, BenchCase[]>();
  for (const c of cases) groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
  return [...groups.values()];
}

/** Cases whose 60 s RSS soak `--soak` adds (caches that must stay bounded live behind these). */
export const SOAK_CASES = new Set(['ours.refresh', 'ours.skill-signed']);

/**
 * The cases a --case filter selects: exact ids, or prefixes ending at a dot (`ours`, `oidc`) or a
 * kind (`peer`, `ceiling`). No filter: the default set. Throws on a filter that matches nothing.
 */
export function selectCases(filters: string[]): BenchCase[] {
  if (filters.length === 0) return ALL_CASES.filter((c) => c.byDefault);
  const selected = ALL_CASES.filter((c) => filters.some((f) => c.id === f || c.id.startsWith(`${f}.`) || c.kind === f));
  const unknown = filters.filter((f) => !ALL_CASES.some((c) => c.id === f || c.id.startsWith(`${f}.`) || c.kind === f));
  if (unknown.length > 0) throw new Error(`no case matches ${unknown.join(', ')}; cases: ${ALL_CASES.map((c) => c.id).join(', ')}`);
  return selected;
}
