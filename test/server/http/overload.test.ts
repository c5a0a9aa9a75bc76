import { randomBytes, randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { expect } from 'chai';
import { SettingsError } from '../../../server/config/env';
import { ConcurrencyLimit } from '../../../server/http/concurrency-limit';
import { OverloadGuard } from '../../../server/http/overload';
import { silentLogger } from '../../../server/log';
import { RedisStore } from '../../../server/store/redis';
import { postToSkill } from '../../support/alexa-requests';
import { RedisServer } from '../../support/redis-server';
import { startTestService, type TestService } from '../../support/service';
import { testSettings } from '../../support/settings';
import { postToken } from '../oauth/flow-helpers';

const MAX_IN_FLIGHT = 3;
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('overload: shedding load early', () => {
  describe('in-flight bound (requests held open by a paused redis-server)', () => {
    let redis: RedisServer;
    let service: TestService;
    before(async () => {
      redis = await RedisServer.start();
      // A long command timeout, so the held requests stay in flight until the server runs again.
      const store = new RedisStore({ url: redis.url, keyPrefix: `overload:${randomUUID()}:`, commandTimeoutMs: 30_000 });
      service = await startTestService({ store, env: { OVERLOAD_MAX_IN_FLIGHT: String(MAX_IN_FLIGHT), OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0', OVERLOAD_RETRY_AFTER: '2' } });
    });
    afterEach(() => redis.resume());
    after(async () => {
      await service?.close();
      await redis?.destroy();
    });

    // Well-formed but unknown: the family lookup waits for the paused store.
    const refresh = () => postToken(service, { grant_type: 'refresh_token', refresh_token: `${randomBytes(16).toString('base64url')}.${'x'.repeat(43)}` });

    async function holdInFlight(count: number): Promise<Array<Promise<{ status: number }>>> {
      redis.pause();
      const held = Array.from({ length: count }, () => refresh());
      while (service.load().inFlight < count) await nextTurn();
      return held;
    }

    it('answers 503 temporarily_unavailable with Retry-After at once past the bound, and serves again once requests finish', async () => {
      const held = await holdInFlight(MAX_IN_FLIGHT);
      let heldSettled = false;
      void Promise.all(held).then(() => (heldSettled = true));

      const shed = await refresh();
      expect(shed.status).to.equal(503);
      expect(shed.headers.get('retry-after')).to.equal('2');
      expect(shed.headers.get('cache-control')).to.equal('no-store');
      expect(shed.body.error).to.equal('temporarily_unavailable');
      expect(heldSettled, 'the refusal came while the held requests were still waiting').to.equal(false);

      const skill = await postToSkill(service.url, '{}');
      expect(skill.status).to.equal(503);
      expect(skill.body.error).to.equal('temporarily_unavailable');
      // Express routes are shed too; the health probes never are.
      expect((await fetch(`${service.url}/.well-known/oauth-authorization-server`)).status).to.equal(503);
      expect((await fetch(`${service.url}/healthz`)).status).to.equal(200);
      expect(service.load()).to.include({ inFlight: MAX_IN_FLIGHT, shedding: true });

      redis.resume();
      const answers = await Promise.all(held);
      expect(answers.map((a) => a.status)).to.deep.equal([400, 400, 400]); // unknown refresh tokens: invalid_grant
      const after = await refresh();
      expect(after.status).to.equal(400);
      expect(after.body.error).to.equal('invalid_grant');
      const ready = await fetch(`${service.url}/readyz`);
      const report = ((await ready.json()) as { load: { inFlight: number; shedding: boolean; shedTotal: number } }).load;
      expect(report.inFlight).to.equal(0);
      expect(report.shedding).to.equal(false);
      expect(report.shedTotal).to.be.at.least(3);
    });

    it('admits requests again as soon as one held request finishes (no cool-down)', async () => {
      const held = await holdInFlight(MAX_IN_FLIGHT);
      expect((await refresh()).status).to.equal(503);
      redis.resume();
      await held[0];
      // The others may or may not have finished; one slot is enough to be served.
      const next = await refresh();
      expect(next.status).to.equal(400);
      await Promise.all(held);
    });
  });

  describe('adaptive in-flight limit', () => {
    it('shrinks by a fifth when more than 1 % of a window was slow, never under the floor', () => {
      const limit = new ConcurrencyLimit(64, 256);
      expect(limit.onWindow({ finished: 1000, slow: 11, limited: true })).to.equal(204);
      for (let i = 0; i < 20; i += 1) limit.onWindow({ finished: 100, slow: 50, limited: true });
      expect(limit.value).to.equal(64);
    });

    it('grows by a tenth only when it turned requests away in a fast window, never past the bound', () => {
      const limit = new ConcurrencyLimit(64, 256);
      limit.onWindow({ finished: 100, slow: 100, limited: false });
      expect(limit.value).to.equal(204);
      expect(limit.onWindow({ finished: 1000, slow: 10, limited: false })).to.equal(204); // 1 % is not over
      expect(limit.onWindow({ finished: 1000, slow: 0, limited: true })).to.equal(224);
      for (let i = 0; i < 10; i += 1) limit.onWindow({ finished: 0, slow: 0, limited: true });
      expect(limit.value).to.equal(256);
    });
  });

  describe('event-loop delay', () => {
    it('does not shed for one late window (one long block), only for two in a row', () => {
      const guard = new OverloadGuard({ ...testSettings(0).overload, maxInFlight: 0, maxEventLoopDelayMs: 500 }, silentLogger());
      try {
        guard.recordWindowDelay(10);
        guard.recordWindowDelay(1300); // the window that held a 1.3 s block, read once the block is over
        expect(guard.overloadedBy()).to.equal(undefined);
        guard.recordWindowDelay(10);
        expect(guard.overloadedBy()).to.equal(undefined);
        guard.recordWindowDelay(600);
        guard.recordWindowDelay(700); // late window after late window: the loop is saturated
        expect(guard.overloadedBy()).to.equal('event_loop_delay');
        expect(guard.report()).to.include({ shedding: true, eventLoopDelayMs: 700 });
        guard.recordWindowDelay(12);
        expect(guard.overloadedBy()).to.equal(undefined);
      } finally {
        guard.stop();
      }
    });

    it('sheds while the event loop runs late and stops once it catches up', async () => {
      const guard = new OverloadGuard({ ...testSettings(0).overload, maxInFlight: 0, maxEventLoopDelayMs: 20 }, silentLogger());
      try {
        // Block the loop in 60 ms slices until a sample sees the delay (bounded by mocha's timeout).
        while (guard.overloadedBy() === undefined) {
          const until = Date.now() + 60;
          while (Date.now() < until) {
            // busy: the event loop cannot run
          }
          await nextTurn();
        }
        expect(guard.overloadedBy()).to.equal('event_loop_delay');
        while (guard.overloadedBy() !== undefined) await nextTurn();
        expect(guard.report().shedding).to.equal(false);
      } finally {
        guard.stop();
      }
    });
  });

  describe('connection cap and settings', () => {
    let service: TestService;
    afterEach(async () => service?.close());

    it('closes connections past MAX_CONNECTIONS as soon as they are accepted', async () => {
      service = await startTestService({ env: { MAX_CONNECTIONS: '2', LISTEN_BACKLOG: '64' } });
      const { port } = new URL(service.url);
      const open = (): Promise<Socket> =>
        new Promise((resolve, reject) => {
          const socket = connect({ host: '127.0.0.1', port: Number(port) }, () => resolve(socket));
          socket.once('error', reject);
        });
      const kept = [await open(), await open()];
      // Wait until the server has taken both, so the third is the one over the cap.
      while ((await connectionCount(service)) < 2) await nextTurn();
      const third = await open();
      const closed = await new Promise<boolean>((resolve) => {
        third.once('close', () => resolve(true));
        third.once('error', () => undefined);
        third.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      });
      expect(closed).to.equal(true);
      for (const socket of kept) socket.destroy();
      expect(service.server.maxConnections).to.equal(2);
    });

    it('refuses malformed bounds with a message naming the setting', () => {
      expect(() => testSettings(0, { OVERLOAD_MAX_IN_FLIGHT: 'many' })).to.throw(SettingsError, /OVERLOAD_MAX_IN_FLIGHT must be a whole number/);
      expect(() => testSettings(0, { LISTEN_BACKLOG: '0' })).to.throw(SettingsError, /LISTEN_BACKLOG must be between 1 and 65535/);
      expect(() => testSettings(0, { OVERLOAD_TARGET_LATENCY_MS: '1.5' })).to.throw(SettingsError, /OVERLOAD_TARGET_LATENCY_MS must be a whole number/);
      expect(() => testSettings(0, { MAX_CONNECTIONS: '-1' })).to.throw(SettingsError, /MAX_CONNECTIONS must be between/);
      const defaults = testSettings(0).overload;
      expect(defaults).to.deep.equal({ maxInFlight: 256, targetLatencyMs: 25, maxEventLoopDelayMs: 500, retryAfterSec: 1, listenBacklog: 4096, maxConnections: 10_000 });
    });
  });
});

function connectionCount(service: TestService): Promise<number> {
  return new Promise((resolve, reject) => service.server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
}
