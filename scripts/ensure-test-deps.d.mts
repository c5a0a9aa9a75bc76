/** Types of scripts/ensure-test-deps.mjs (plain Node, so it runs before anything is built). */
export interface Requirement {
  name: string;
  kind: 'command' | 'file';
  pkg: string;
}
export type TestDepsPlan =
  | { action: 'ok'; missing: [] }
  | { action: 'install'; missing: string[]; packages: string[]; commands: string[][] }
  | { action: 'advise'; missing: string[]; packages: string[]; command: string };
export const REQUIREMENTS: Requirement[];
export function onPath(command: string, pathValue: string | undefined, executable?: (path: string) => boolean): boolean;
export function planTestDeps(input: { pathValue: string | undefined; uid: number; executable?: (path: string) => boolean }): TestDepsPlan;
