import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import type { Request, Response } from 'express';
import { KeyRing } from '../../../../server/oauth/keys';
import { RequestSeal } from '../../../../server/oauth/request-seal';
import { SealedCookie } from '../../../../server/oauth/sign-in/sealed-cookie';

function pem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
}

/** A seal over the given signing keys (PEMs), the first one sealing. */
function seal(...pems: string[]): RequestSeal {
  return new RequestSeal(KeyRing.fromPems(pems));
}

/** Just enough of express's response to capture the cookie set. */
function capture(): { res: Response; value: () => string | undefined } {
  let value: string | undefined;
  const res = { cookie: (_name: string, text: string) => (value = text) } as unknown as Response;
  return { res, value: () => value };
}

function requestWith(name: string, value: string | undefined): Request {
  return { cookies: value === undefined ? {} : { [name]: value } } as unknown as Request;
}

describe('sealed cookie (the upstream sign-in carries its pending request in it)', () => {
  let now = 1_000_000;
  const options = { secure: false, maxAgeSec: 60, now: () => now };

  it('opens what it sealed, and only until it expires', () => {
    const cookie = new SealedCookie<{ a: string }>(seal(pem()), 'upstream', options);
    const out = capture();
    expect(cookie.set(out.res, { a: 'b' })).to.equal(true);
    expect(cookie.open(requestWith('lw-upstream', out.value()))).to.deep.equal({ kind: 'open', value: { a: 'b' } });
    now += 60_000;
    expect(cookie.open(requestWith('lw-upstream', out.value()))).to.deep.equal({ kind: 'expired' });
  });

  it('refuses a value sealed with an unknown key or for another purpose, and an altered one', () => {
    const shared = seal(pem());
    const out = capture();
    new SealedCookie<string>(shared, 'other', options).set(out.res, 'x');
    expect(new SealedCookie<string>(shared, 'upstream', options).open(requestWith('lw-upstream', out.value()))).to.deep.equal({ kind: 'invalid' });
    const mine = new SealedCookie<string>(shared, 'upstream', options);
    mine.set(out.res, 'x');
    expect(new SealedCookie<string>(seal(pem()), 'upstream', options).open(requestWith('lw-upstream', out.value()))).to.deep.equal({ kind: 'invalid' });
    const sealed = out.value() as string;
    const flipped = `${sealed.slice(0, 20)}${sealed[20] === 'A' ? 'B' : 'A'}${sealed.slice(21)}`;
    expect(mine.open(requestWith('lw-upstream', flipped))).to.deep.equal({ kind: 'invalid' });
    expect(mine.open(requestWith('lw-upstream', 'not*base64'))).to.deep.equal({ kind: 'invalid' });
    // A value sealed by the same service for the sign-in page (another purpose) does not open here.
    expect(mine.open(requestWith('lw-upstream', shared.seal('interaction', { v: 'x', e: Date.now() * 2 })))).to.deep.equal({ kind: 'invalid' });
    expect(mine.open(requestWith('lw-upstream', undefined))).to.deep.equal({ kind: 'missing' });
  });

  it('still opens after a key rotation (new key first), and refuses values too large for a browser', () => {
    const [oldKey, newKey] = [pem(), pem()];
    const out = capture();
    new SealedCookie<string>(seal(oldKey), 'upstream', options).set(out.res, 'before rotation');
    const rotated = new SealedCookie<string>(seal(newKey, oldKey), 'upstream', options);
    expect(rotated.open(requestWith('lw-upstream', out.value()))).to.deep.equal({ kind: 'open', value: 'before rotation' });
    const big = capture();
    expect(rotated.set(big.res, 'x'.repeat(3000))).to.equal(false);
    expect(big.value()).to.equal(undefined);
  });

  it('uses the __Host- prefix over https', () => {
    const names: string[] = [];
    const res = { cookie: (name: string) => names.push(name) } as unknown as Response;
    new SealedCookie<string>(seal(pem()), 'upstream', { ...options, secure: true }).set(res, 'x');
    expect(names).to.deep.equal(['__Host-lw-upstream']);
  });
});
