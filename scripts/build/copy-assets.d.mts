/** Types of scripts/build/copy-assets.mjs (plain Node: the second half of `npm run build`). */
export const ASSET_ROOTS: string[];
export const COPIED_FOLDERS: string[];
export function copyAssets(from: string, outDir: string): string[];
