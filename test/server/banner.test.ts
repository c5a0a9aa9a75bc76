import { expect } from 'chai';
import { startupBanner } from '../../server/banner';
import { loadSettings } from '../../server/config/settings';

describe('server/banner (what npm start prints)', () => {
  const bound = { listening: '0.0.0.0:3999', url: 'http://127.0.0.1:3999' };

  it('names the address really bound, and a URL that reaches it', () => {
    const banner = startupBanner(loadSettings({ PORT: '3999' }), bound);
    expect(banner).to.include('Linkwright is listening on 0.0.0.0:3999 (every interface; from this machine: http://127.0.0.1:3999)');
    expect(banner).to.include('  public URL: http://localhost:3999');
    const loopback = startupBanner(loadSettings({ PORT: '3999', HOST: '127.0.0.1' }), { listening: '127.0.0.1:3999', url: 'http://127.0.0.1:3999' });
    expect(loopback).to.include('Linkwright is listening on 127.0.0.1:3999 (from this machine: http://127.0.0.1:3999)');
  });

  it('says where /ops is, or how to turn it on', () => {
    expect(startupBanner(loadSettings({ PORT: '3999' }), bound)).to.include('Operator pages (/ops) are off: set ADMIN_USERNAME and ADMIN_PASSWORD');
    const on = startupBanner(loadSettings({ PORT: '3999', ADMIN_USERNAME: 'ops@ridehailer.example', ADMIN_PASSWORD: 'a long operator password' }), bound);
    expect(on).to.include('Operator pages: http://localhost:3999/ops (sign in as ops@ridehailer.example)');
    expect(on).to.not.include('a long operator password');
  });

  it('says how to try the skill with the simulator, app-to-app included', () => {
    const banner = startupBanner(loadSettings({ PORT: '3999' }), bound);
    expect(banner).to.include('npm run demo');
    expect(banner).to.include('npm run simulator -- --service-url http://localhost:3999');
    expect(banner).to.include('--app-redirect-url http://localhost:3999/app-links/return');
  });

  it('prints the demo password only when it was generated', () => {
    const generated = loadSettings({ PORT: '3999' });
    expect(startupBanner(generated, bound)).to.include(`  password: ${generated.demo?.password ?? '?'}   (generated for this run; set DEMO_PASSWORD)`);
    const configured = startupBanner(loadSettings({ PORT: '3999', DEMO_PASSWORD: 'my own demo password' }), bound);
    expect(configured).to.not.include('my own demo password');
    expect(configured).to.include('  password: (DEMO_PASSWORD, not shown)');
  });
});
