/** Types of scripts/build/check-dist.mjs (plain Node: it runs before `npm start` starts dist/). */
export const ENTRY: string;
export function distState(root: string): 'missing' | 'stale' | 'ok';
