import { expect } from 'chai';
import { ManualClock } from '../../server/clock';
import { type AmazonSimulator, startAmazonSimulator } from '../../simulator';
import { parseCommandLine, runCommand } from '../../simulator/cli';
import { startTestService, type TestService } from '../support/service';
import { sharedCertificate } from './helpers';

describe('simulator: command line, Alexa+ (--addon)', function () {
  this.timeout(20_000);

  it('parses --addon and its client, defaulting to the service\'s ALEXA_PLUS_* settings', () => {
    const none = parseCommandLine([], {});
    expect(!none.help && none.options.addon).to.equal(undefined);
    const plain = parseCommandLine(['--addon'], { ALEXA_PLUS_CLIENT_ID: 'plus', ALEXA_PLUS_CLIENT_SECRET: 'from-env' });
    expect(!plain.help && plain.options.addon).to.deep.equal({ clientId: 'plus', clientSecret: 'from-env' });
    const given = parseCommandLine(['--addon-client-id', 'mine'], {});
    expect(!given.help && given.options.addon).to.deep.equal({ clientId: 'mine', clientSecret: undefined });
  });

  describe('commands', () => {
    let amazon: AmazonSimulator;
    let service: TestService;
    before(async () => {
      const clock = new ManualClock();
      amazon = await startAmazonSimulator({ clock, certificate: sharedCertificate(), service: { name: 'Ride Hailer' }, addon: { name: 'Ride Hailer' }, users: [{ name: 'Gus' }] });
      service = await startTestService({ clock, env: { ...amazon.env, OAUTH_CLIENT_ID: 'alexa-test-client', OAUTH_CLIENT_SECRET: 'test-secret-0123456789abcdefghij' } });
      amazon.connectService({ url: service.url });
    });
    after(async () => {
      await amazon.close();
      await service.close();
    });

    it('discovers the tools, calls one for an unlinked customer, and explains what cannot be done', async () => {
      expect(await runCommand(amazon, 'addon-discover')).to.deep.equal(['add-on ride-hailer: tools rides_available, order_ride']);
      expect(await runCommand(amazon, 'addon-call rides_available city=Seattle')).to.satisfy((lines: string[]) => /^tool result: Rides are available in Seattle/.test(lines[0] ?? ''));
      expect((await runCommand(amazon, 'addon-call order_ride city=Seattle'))[0]).to.match(/^tool error: To order a ride, link your Ride Hailer account/);
      expect(await runCommand(amazon, 'addon-call')).to.deep.equal(['usage: addon-call TOOL [arg=value ...]']);
      expect((await runCommand(amazon, 'addon-refresh'))[0]).to.match(/^refresh failed: Gus has no add-on link/);
    });
  });
});
