import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';

describe('linkwright/tokens depends on nothing of the service', () => {
  it('imports only node built-ins, packages and its own modules', () => {
    const dir = join(__dirname, '..', '..', '..', 'kit', 'tokens');
    const imports = readdirSync(dir)
      .filter((file) => file.endsWith('.ts'))
      .flatMap((file) => [...readFileSync(join(dir, file), 'utf8').matchAll(/from '([^']+)'/g)].map((match) => `${file}: ${match[1] as string}`));
    expect(imports.length).to.be.greaterThan(5);
    const outside = imports.filter((line) => /: \.\.\//.test(line));
    expect(outside, 'imports leaving kit/tokens').to.deep.equal([]);
  });
});
