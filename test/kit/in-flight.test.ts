import { expect } from 'chai';
import { InFlight } from '../../kit/shared/in-flight';

describe('kit: InFlight, work on its way shared by key', () => {
  it('shares one run per key while it runs, keeps no failure, and lets a forgotten key start afresh', async () => {
    const work = new InFlight<string>();
    let starts = 0;
    const answers: Array<(value: string) => void> = [];
    const start = () => new Promise<string>((resolve) => ((starts += 1), answers.push(resolve)));
    const first = work.share('k', start);
    expect(work.share('k', start)).to.equal(first);
    expect(work.size).to.equal(1);
    // Forgotten while running: the next caller starts afresh, and the older run settling leaves it in place.
    work.forget('k');
    const second = work.share('k', start);
    expect(second).to.not.equal(first);
    answers[0]?.('one');
    expect(await first).to.equal('one');
    expect(work.share('k', start)).to.equal(second);
    answers[1]?.('two');
    expect(await second).to.equal('two');
    await new Promise((resolve) => setImmediate(resolve));
    expect(work.size).to.equal(0);
    const failed = work.share('f', () => Promise.reject(new Error('store unavailable')));
    await failed.catch(() => undefined);
    await new Promise((resolve) => setImmediate(resolve));
    expect(work.share('f', async () => 'again')).to.not.equal(failed);
    expect(starts).to.equal(2);
  });
});
