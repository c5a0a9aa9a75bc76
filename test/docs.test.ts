import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parseCommandLine } from '../simulator/cli';

/** Every environment variable the code reads, found where settings are read (EnvReader calls). */
function settingsReadByCode(): string[] {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts')) {
        for (const match of readFileSync(path, 'utf8').matchAll(/read\.(?:string|integer|boolean|list|url|choice)(?:<[^>]*>)?\('([A-Z][A-Z0-9_]+)'/g)) {
          names.add(match[1] as string);
        }
      }
    }
  };
  for (const root of ['server', 'app-links']) walk(root);
  return [...names].sort();
}

describe('documentation', () => {
  const names = settingsReadByCode();

  it('finds the settings the code reads', () => {
    expect(names).to.include.members(['PORT', 'PUBLIC_URL', 'REDIS_URL', 'OAUTH_CLIENT_ID', 'SKILL_ID', 'LWA_CLIENT_ID']);
  });

  it('documents every setting in .env.example', () => {
    const example = readFileSync('.env.example', 'utf8');
    const missing = names.filter((name) => !new RegExp(`^#? ?${name}=`, 'm').test(example));
    expect(missing, 'settings missing from .env.example').to.deep.equal([]);
  });

  it('documents every setting in the README', () => {
    const readme = readFileSync('README.md', 'utf8');
    const missing = names.filter((name) => !readme.includes(`\`${name}\``));
    expect(missing, 'settings missing from README.md').to.deep.equal([]);
  });

  it('starts the README with the two commands', () => {
    const readme = readFileSync('README.md', 'utf8');
    const firstBlock = readme.slice(0, readme.indexOf('```', readme.indexOf('```') + 3));
    expect(firstBlock).to.include('npm install && npm start');
    expect(firstBlock).to.include('npm test');
  });

  it('shows the skill and API examples the consumer test packs, installs and runs, verbatim', () => {
    const readme = readFileSync('README.md', 'utf8');
    const example = readFileSync('test/consumer/example/skill.ts', 'utf8');
    expect(readme).to.include(`\`\`\`ts\n${example}\`\`\``);
    expect(readme).to.include(`\`\`\`ts\n${readFileSync('test/consumer/example/api.ts', 'utf8')}\`\`\``);
  });

  it('shows the Jovo app example the consumer test packs, installs and drives with Jovo\'s TestSuite, verbatim', () => {
    const readme = readFileSync('README.md', 'utf8');
    const example = readFileSync('test/consumer/example/jovo-app.ts', 'utf8');
    expect(readme).to.include(`\`\`\`ts\n${example}\`\`\``);
  });

  it('shows the Alexa+ add-on example the consumer test packs and typechecks, verbatim', () => {
    const readme = readFileSync('README.md', 'utf8');
    const example = readFileSync('test/consumer/example/addon.ts', 'utf8');
    expect(readme).to.include(`\`\`\`ts\n${example}\`\`\``);
  });

  describe('every command in the README runs as written', () => {
    const readme = readFileSync('README.md', 'utf8');
    const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
    // Folders and files of the repository a reader may be told to run or open.
    const ROOTS = ['server', 'app-links', 'kit', 'test', 'bench', 'simulator', 'skill-package', 'openapi', 'scripts', 'deploy', '.well-known', '.ci'];
    const rooted = new RegExp(`(?:^|[\\s\`(])((?:${ROOTS.map((root) => root.replace('.', '\\.')).join('|')})/[\\w./-]*)`, 'gm');

    it('names only npm scripts that exist', () => {
      const named = [...readme.matchAll(/\bnpm run ([a-z][\w:-]*)/g)].map((match) => match[1] as string);
      expect(named.length).to.be.greaterThan(5);
      expect([...new Set(named)].filter((name) => scripts[name] === undefined), 'npm run <script> without a script').to.deep.equal([]);
      for (const lifecycle of ['start', 'test']) expect(scripts[lifecycle], `npm ${lifecycle}`).to.be.a('string');
    });

    it('names only paths that exist', () => {
      const paths = [...new Set([...readme.matchAll(rooted)].map((match) => (match[1] as string).replace(/[.,:;)]+$/, '')))];
      expect(paths).to.include.members(['test/support/service.ts', 'deploy/nginx.conf', 'scripts/release/layout.sh']);
      // Outputs of a command (bench/results/, test-artifacts/) are git-ignored and need not exist yet.
      const outputs = readFileSync('.gitignore', 'utf8').split('\n').filter((line) => line.endsWith('/'));
      const missing = paths.filter((path) => !existsSync(path) && !outputs.some((output) => path.startsWith(output)));
      expect(missing, 'paths the README names that do not exist').to.deep.equal([]);
      for (const file of ['Procfile', 'Dockerfile', 'compose.yaml', '.env.example']) {
        if (readme.includes(`\`${file}\``)) expect(existsSync(file), file).to.equal(true);
      }
    });

    it('runs compiled files that the build makes from sources that exist', () => {
      const compiled = [...new Set([...readme.matchAll(/\bnode (dist\/[\w./-]+\.js)/g)].map((match) => match[1] as string))];
      expect(compiled).to.include('dist/server/main.js');
      const missing = compiled.filter((path) => !existsSync(path.replace(/^dist\//, '').replace(/\.js$/, '.ts')));
      expect(missing, 'node dist/... without a source').to.deep.equal([]);
    });

    it('states what the simulator needs for app-to-app linking, with an option it accepts', () => {
      const example = /npm run simulator -- (--app-redirect-url \S+)/.exec(readme)?.[1];
      expect(example, 'the README shows --app-redirect-url').to.be.a('string');
      const [flag, value] = (example as string).split(' ');
      const parsed = parseCommandLine([flag as string, (value as string).replace(/`$/, '')], {});
      expect(parsed.help === false && parsed.options.appRedirectUrls).to.deep.equal(['http://localhost:3000/app-links/return']);
    });
  });
});
