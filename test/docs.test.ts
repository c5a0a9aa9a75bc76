import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';

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
});
