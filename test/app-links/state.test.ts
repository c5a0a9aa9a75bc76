import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { CryptoBox } from '../../app-links/crypto-box';
import { AppLinkError } from '../../app-links/errors';
import { LinkStates } from '../../app-links/state';
import { ManualClock } from '../../server/clock';
import { sha256 } from '../../server/crypto-utils';
import { s256 } from '../../server/oauth/pkce';
import type { Store } from '../../server/store';
import { resolveStore } from '../support/service';

async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).to.be.instanceOf(AppLinkError);
  return (error as AppLinkError).appCode;
}

for (const kind of ['memory', 'redis'] as const) {
  describe(`app-links LinkStates (${kind} store)`, () => {
    let clock: ManualClock;
    let store: Store;
    let states: LinkStates;

    beforeEach(async () => {
      clock = new ManualClock();
      store = await resolveStore(kind, clock);
      states = new LinkStates(store, clock, new CryptoBox([randomBytes(32)]), 600);
    });
    afterEach(async () => store.close());

    it('creates a 256-bit state with an S256 challenge; consuming returns the matching verifier once', async () => {
      const { state, codeChallenge, expiresAt } = await states.create('user-1', 'https://link.example/app-links/return');
      expect(state).to.match(/^[A-Za-z0-9_-]{43}$/);
      expect(expiresAt).to.equal(clock.now() + 600_000);
      const attempt = await states.consume(state, 'user-1');
      expect(attempt.userId).to.equal('user-1');
      expect(attempt.redirectUri).to.equal('https://link.example/app-links/return');
      expect(s256(attempt.codeVerifier)).to.equal(codeChallenge);
      expect(await failure(states.consume(state, 'user-1'))).to.equal('state_reused');
    });

    it('stores neither the state nor the verifier in clear', async () => {
      const { state } = await states.create('user-1', 'https://link.example/app-links/return');
      const verifier = (await states.peek(state)).codeVerifier;
      // The record is found by the hash of the state only.
      expect(await store.get(`app-link-state:${state}`)).to.equal(null);
      const raw = (await store.get(`app-link-state:${sha256(state)}`)) as string;
      expect(raw).to.be.a('string');
      expect(raw).to.not.include(verifier);
    });

    it('refuses an expired state (by the service clock) and burns it', async () => {
      const { state } = await states.create('user-1', 'https://link.example/r');
      clock.advance(600_001);
      expect(await failure(states.consume(state, 'user-1'))).to.equal('state_expired');
      expect(await failure(states.consume(state, 'user-1'))).to.equal('state_reused');
    });

    it('refuses a state started by another user, and burns it so it cannot be tried again', async () => {
      const { state } = await states.create('user-1', 'https://link.example/r');
      expect(await failure(states.consume(state, 'user-2'))).to.equal('state_invalid');
      expect(await failure(states.consume(state, 'user-1'))).to.equal('state_reused');
    });

    it('refuses unknown and malformed states without touching the store', async () => {
      expect(await failure(states.consume('A'.repeat(43), 'user-1'))).to.equal('state_invalid');
      expect(await failure(states.consume('short', 'user-1'))).to.equal('state_invalid');
      expect(await failure(states.consume('x'.repeat(42) + '!', 'user-1'))).to.equal('state_invalid');
    });

    it('lets exactly one of many concurrent consumers win', async () => {
      const { state } = await states.create('user-1', 'https://link.example/r');
      const outcomes = await Promise.all(Array.from({ length: 8 }, () => states.consume(state, 'user-1').then(() => 'won', (e: AppLinkError) => e.appCode)));
      expect(outcomes.filter((o) => o === 'won')).to.have.length(1);
      expect(outcomes.filter((o) => o !== 'won').every((o) => o === 'state_reused' || o === 'state_invalid')).to.equal(true);
    });

    it('peeks without consuming', async () => {
      const { state } = await states.create('user-1', 'https://link.example/r');
      expect((await states.peek(state)).userId).to.equal('user-1');
      expect((await states.consume(state, undefined)).userId).to.equal('user-1');
      expect(await failure(states.peek(state))).to.equal('state_reused');
    });
  });
}
