import { expect } from 'chai';
import { Histogram, Registry } from 'prom-client';
import { histogramBuckets, latencyBound } from '../../bench/lib/server-latency';

describe('bench: the server\'s own latency, from its /metrics histogram', () => {
  const NAME = 'linkwright_token_request_duration_seconds';

  function measured() {
    const registry = new Registry();
    const histogram = new Histogram({ name: NAME, help: 'token requests', labelNames: ['grant_type'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25], registers: [registry] });
    return { registry, histogram };
  }

  it('reads the buckets of one series and bounds the p99 and the share within 50 ms of what a run added', async () => {
    const { registry, histogram } = measured();
    for (let i = 0; i < 500; i += 1) histogram.observe({ grant_type: 'refresh_token' }, 0.2);
    histogram.observe({ grant_type: 'authorization_code' }, 9);
    const before = histogramBuckets(await registry.metrics(), NAME, { grant_type: 'refresh_token' });
    expect(before.get(Infinity)).to.equal(500);
    // The run: 990 answered within 10 ms, 8 within 50 ms, 2 past the last bound.
    for (let i = 0; i < 990; i += 1) histogram.observe({ grant_type: 'refresh_token' }, 0.008);
    for (let i = 0; i < 8; i += 1) histogram.observe({ grant_type: 'refresh_token' }, 0.04);
    histogram.observe({ grant_type: 'refresh_token' }, 3);
    histogram.observe({ grant_type: 'refresh_token' }, 4);
    const after = histogramBuckets(await registry.metrics(), NAME, { grant_type: 'refresh_token' });
    expect(latencyBound(before, after, 0.99, 50)).to.deep.equal({ count: 1000, quantileAtMostMs: 10, shareWithin: 0.998 });
    expect(latencyBound(before, after, 0.999, 50).quantileAtMostMs).to.equal(Infinity);
    // Another series, or a metric not there, reads as nothing.
    expect(histogramBuckets(await registry.metrics(), NAME, { grant_type: 'client_credentials' }).size).to.equal(0);
    expect(latencyBound(new Map(), new Map(), 0.99, 50)).to.deep.include({ count: 0, quantileAtMostMs: Infinity });
  });
});
