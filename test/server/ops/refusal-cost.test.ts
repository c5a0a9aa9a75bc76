import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { opsOf } from '../../../server/ops/ops';
import { MemoryStore } from '../../../server/store/memory';
import type { Store } from '../../../server/store';
import { ManualClock } from '../../../server/clock';
import { launchRequest, postToSkill, TEST_SKILL_ID } from '../../support/alexa-requests';
import { startTestService, type TestService } from '../../support/service';
import { postToken } from '../oauth/flow-helpers';
import { OPS_ENV } from './helpers';

const WRITES = new Set(['set', 'setIfAbsent', 'getAndSet', 'compareAndSet', 'increment', 'addToSet', 'delete']);

/** A memory store that counts the writes made to it. */
function countingStore(clock: ManualClock): { store: Store; writes: string[] } {
  const writes: string[] = [];
  const inner = new MemoryStore(clock);
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (typeof property === 'string' && WRITES.has(property)) writes.push(`${property} ${String(args[0])}`);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, writes };
}

describe('refusals write nothing to the store per request (diagnostics are batched)', () => {
  let service: TestService;
  let writes: string[];
  before(async () => {
    const clock = new ManualClock();
    const counting = countingStore(clock);
    writes = counting.writes;
    service = await startTestService({ clock, store: counting.store, env: { ...OPS_ENV, SKILL_VERIFY_SIGNATURE: 'false', SKILL_ID: TEST_SKILL_ID } });
  });
  after(async () => service?.close());

  it('refused token requests and forged skill tokens wait for no store write; the batch reaches the diagnostics list', async () => {
    writes.length = 0;
    for (let i = 0; i < 20; i += 1) {
      expect((await postToken(service, { grant_type: 'refresh_token', refresh_token: `${randomBytes(16).toString('base64url')}.${'x'.repeat(43)}` })).status).to.equal(400);
      expect((await postToken(service, { grant_type: 'authorization_code', code: 'x', redirect_uri: 'https://e.example/cb' }, 'basic', '/oauth/token', { id: `stranger-${i}`, secret: 'x' })).status).to.equal(401);
      const skill = await postToSkill(service.url, launchRequest({ clock: service.clock, accessToken: 'aaaa.bbbb.cccc' }));
      expect(skill.status).to.equal(200);
    }
    const ops = opsOf(service.services);
    await ops.failures.flush();
    await ops.traffic.flush();
    // One counter step per batch (a batch is at most a second's refusals), never one per refusal.
    const counterSteps = writes.filter((w) => w.startsWith('increment') && /ops:(failures|unrecognised):seq/.test(w));
    expect(counterSteps.length, counterSteps.join(', ')).to.be.within(1, 6);
    const recent = await ops.failures.recent(60);
    expect(recent).to.have.length(60);
    expect(new Set(recent.map((r) => r.step))).to.deep.equal(new Set(['token', 'skill']));
    expect((await ops.traffic.summary()).unrecognised.map((u) => u.value)).to.include('stranger-19');
    expect(writes.filter((w) => w.startsWith('increment') && w.includes('ops:unrecognised:seq')).length).to.be.at.most(3);
  });
});
