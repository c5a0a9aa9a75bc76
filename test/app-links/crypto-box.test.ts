import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { CryptoBox } from '../../app-links/crypto-box';

describe('app-links CryptoBox (AES-256-GCM at rest)', () => {
  const key = randomBytes(32);

  it('opens what it sealed, and never seals the same text the same way twice', () => {
    const box = new CryptoBox([key]);
    const first = box.seal('Atzr|refresh-token', 'user-1');
    const second = box.seal('Atzr|refresh-token', 'user-1');
    expect(first).to.not.equal(second);
    expect(first).to.not.include('Atzr');
    expect(first).to.match(/^v1\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(box.open(first, 'user-1')).to.equal('Atzr|refresh-token');
  });

  it('refuses a value sealed for another context (a token moved to another user\'s record)', () => {
    const box = new CryptoBox([key]);
    expect(() => box.open(box.seal('secret', 'user-1'), 'user-2')).to.throw();
  });

  it('refuses any altered byte', () => {
    const box = new CryptoBox([key]);
    const sealed = box.seal('secret', 'ctx');
    const parts = sealed.split('.');
    for (const index of [2, 3, 4]) {
      const altered = [...parts];
      const text = altered[index] as string;
      altered[index] = (text[0] === 'A' ? 'B' : 'A') + text.slice(1);
      expect(() => box.open(altered.join('.'), 'ctx'), `part ${index}`).to.throw();
    }
    expect(() => box.open('not-sealed', 'ctx')).to.throw('malformed');
  });

  it('opens values sealed with a previous key after rotation, and seals with the new one', () => {
    const old = new CryptoBox([key]);
    const sealedBefore = old.seal('secret', 'ctx');
    const rotated = new CryptoBox([randomBytes(32), key]);
    expect(rotated.open(sealedBefore, 'ctx')).to.equal('secret');
    const sealedAfter = rotated.seal('secret', 'ctx');
    expect(() => old.open(sealedAfter, 'ctx')).to.throw('no longer has');
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => new CryptoBox([randomBytes(16)])).to.throw('32 bytes');
    expect(() => new CryptoBox([])).to.throw();
  });
});
