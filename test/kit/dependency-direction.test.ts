import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect } from 'chai';

const ROOT = resolve(__dirname, '../..');
const KIT = join(ROOT, 'kit');
const IMPORT = /^\s*(?:import|export)\s(?!type\s)[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm;
/** The packages the kit may use at run time: nothing of the service's stack. */
const KIT_PACKAGES = ['ask-sdk-core', 'ask-sdk-model', 'axios', 'jsonwebtoken', 'jose', 'lru-cache', 'node-forge', '@modelcontextprotocol/sdk', 'zod'];
/** Optional peer dependencies, each allowed only in the entry point that adapts it (nothing else may need them). */
const PEER_PACKAGES: Record<string, string[]> = { [join(KIT, 'jovo')]: ['@jovotech/framework', '@jovotech/platform-alexa'] };

/** A package of KIT_PACKAGES, or a subpath of one (@modelcontextprotocol/sdk/server/mcp.js), or the file's entry's peer. */
function allowedPackage(file: string, specifier: string): boolean {
  if (KIT_PACKAGES.some((name) => specifier === name || specifier.startsWith(`${name}/`))) return true;
  return Object.entries(PEER_PACKAGES).some(([dir, packages]) => file.startsWith(`${dir}/`) && packages.includes(specifier));
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((match) => (match[1] ?? match[2]) as string);
}

/** Every module a text names, type-only ones and `import('…')` types included (a type is a dependency too). */
const ANY_IMPORT = /^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/gm;

function everyImportIn(text: string): string[] {
  return [...text.matchAll(ANY_IMPORT)].map((match) => (match[1] ?? match[2] ?? match[3]) as string);
}

describe('kit: dependencies point one way', () => {
  // Type-only imports vanish at run time (express's types for the tokens middleware a company mounts).
  it('kit/ imports nothing outside kit/ but node built-ins and its own few packages', () => {
    const offending: string[] = [];
    for (const file of sources(KIT)) {
      for (const specifier of importsOf(file)) {
        if (specifier.startsWith('.')) {
          const target = resolve(dirname(file), specifier);
          if (!target.startsWith(`${KIT}/`)) offending.push(`${relative(ROOT, file)} → ${specifier}`);
        } else if (!specifier.startsWith('node:') && !allowedPackage(file, specifier)) {
          offending.push(`${relative(ROOT, file)} → ${specifier}`);
        }
      }
    }
    expect(offending).to.deep.equal([]);
  });

  it('the demo skill and the demo add-on use the kit only through its entry points (kit/<entry>/index)', () => {
    const offending: string[] = [];
    for (const file of [...sources(join(ROOT, 'server/skill')), ...sources(join(ROOT, 'server/addon'))]) {
      for (const specifier of importsOf(file)) {
        if (!specifier.startsWith('.')) continue;
        const target = relative(KIT, resolve(dirname(file), specifier));
        if (target.startsWith('..')) continue;
        if (!['ask-sdk', 'verify', 'tokens', 'mcp'].includes(target)) offending.push(`${relative(ROOT, file)} → ${specifier}`);
      }
    }
    expect(offending).to.deep.equal([]);
  });
});

/** The domain: what the diagnostics (server/ops/) observe, through observer interfaces the domain owns. */
const DOMAIN = ['server/oauth', 'server/skill', 'server/identity', 'server/accounts', 'server/store'];
const OPS = join(ROOT, 'server/ops');

describe('server: a domain module imports nothing of the diagnostics that observe it', () => {
  it('reads every form of import, type-only and inline import() types included', () => {
    const text = [
      "import { a } from '../ops/a';",
      "import type { B } from '../ops/b';",
      'import {\n  type C,\n  d,\n} from "../ops/c";',
      "export { e } from '../ops/e';",
      "import '../ops/f';",
      "let g: import('../ops/g').G;",
      "const h = require('../ops/h');",
    ].join('\n');
    expect(everyImportIn(text)).to.deep.equal(['a', 'b', 'c', 'e', 'f', 'g', 'h'].map((name) => `../ops/${name}`));
  });

  it(`${DOMAIN.join(', ')} import nothing of server/ops/ (server/hot-routes.ts passes the observers in)`, () => {
    const offending: string[] = [];
    for (const dir of DOMAIN) {
      const files = sources(join(ROOT, dir));
      expect(files.length, `no sources in ${dir}`).to.be.above(0);
      for (const file of files) {
        for (const specifier of everyImportIn(readFileSync(file, 'utf8'))) {
          if (!specifier.startsWith('.')) continue;
          const target = resolve(dirname(file), specifier);
          if (target === OPS || target.startsWith(`${OPS}/`)) offending.push(`${relative(ROOT, file)} → ${specifier}`);
        }
      }
    }
    expect(offending).to.deep.equal([]);
  });
});
