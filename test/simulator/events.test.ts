import { expect } from 'chai';
import { ManualClock } from '../../server/clock';
import { startAmazonSimulator } from '../../simulator';
import { EventLog, formatEvent, maskParams, maskValue } from '../../simulator/events';
import { getManual, location, postForm, sharedCertificate } from './helpers';

const APP_RETURN = 'https://app.example.com/alexa/return';

describe('simulator: event log', () => {
  describe('masking', () => {
    it('hides secrets entirely and shows credentials only by a short prefix', () => {
      expect(maskValue('client_secret', 'super-secret-value')).to.equal('[masked]');
      expect(maskValue('password', 'hunter2')).to.equal('[masked]');
      expect(maskValue('code', 'ANabcdefghijklmnop')).to.equal('ANabcd…');
      expect(maskValue('refresh_token', 'Atzr|0123456789')).to.equal('Atzr|0…');
      expect(maskValue('authorization', 'Bearer Atza|0123456789')).to.equal('Bearer Atza|0…');
      expect(maskValue('authorization', 'Basic YWxleGE6c2VjcmV0')).to.equal('Basic YWxleG…');
      expect(maskValue('code', 'short')).to.equal('…');
      expect(maskValue('state', 'visible-state')).to.equal('visible-state');
    });

    it('masks a parameter map, drops empty entries and serialises objects', () => {
      expect(maskParams({ grant_type: 'authorization_code', code_verifier: 'v'.repeat(50), skipped: undefined, slots: { a: 1 } })).to.deep.equal({
        grant_type: 'authorization_code',
        code_verifier: 'vvvvvv…',
        slots: '{"a":1}',
      });
    });
  });

  describe('log', () => {
    it('numbers events by when they started, stamps them with the clock, and tells listeners when they finish', () => {
      const clock = new ManualClock(Date.parse('2030-05-06T07:08:09.000Z'));
      const log = new EventLog(clock);
      const heard: number[] = [];
      const event = (index: number) => {
        const found = log.all()[index];
        if (!found) throw new Error(`no event ${index}`);
        return found;
      };
      const stop = log.subscribe((event) => heard.push(event.seq));
      const outer = log.begin({ from: 'browser', to: 'pitangui.amazon.com', method: 'GET', url: '/api/skill/link/V', params: {} });
      log.record({ from: 'Alexa', to: 'service', method: 'POST', url: 'http://s/oauth/token', params: { grant_type: 'authorization_code' }, status: 200 });
      outer.finish({ status: 200, note: 'account linked' });
      expect(log.all().map((e) => e.seq)).to.deep.equal([1, 2]);
      expect(heard).to.deep.equal([2, 1]);
      expect(event(0).at).to.equal('2030-05-06T07:08:09.000Z');
      expect(formatEvent(event(0))).to.equal('07:08:09 browser → pitangui.amazon.com GET /api/skill/link/V → 200 (account linked)');
      expect(formatEvent(event(1))).to.equal('07:08:09 Alexa → service POST http://s/oauth/token grant_type=authorization_code → 200');
      stop();
      log.record({ from: 'a', to: 'b', method: 'GET', url: '/', params: {} });
      expect(heard).to.have.length(2);
      expect(formatEvent(event(2))).to.contain('→ no answer');
      log.clear();
      expect(log.all()).to.deep.equal([]);
    });

    it('never holds a secret, code or token in full after a real app-to-app exchange', async () => {
      const amazon = await startAmazonSimulator({ clock: new ManualClock(), certificate: sharedCertificate(), lwaClient: { redirectUris: [APP_RETURN] } });
      try {
        const code = location(await getManual(amazon.appConsentUrl({ redirectUri: APP_RETURN, state: 's' }))).searchParams.get('code') ?? '';
        const tokens = await postForm(amazon.env.LWA_TOKEN_URL, { grant_type: 'authorization_code', code, redirect_uri: APP_RETURN, client_id: amazon.lwaClient.id, client_secret: amazon.lwaClient.secret });
        const { access_token: accessToken, refresh_token: refreshToken } = (await tokens.json()) as { access_token: string; refresh_token: string };
        await fetch(`${amazon.env.ALEXA_API_URL}/v1/alexaApiEndpoint`, { headers: { Authorization: `Bearer ${accessToken}` } });
        const logged = JSON.stringify(amazon.events.all());
        expect(amazon.events.all()).to.have.length(3);
        for (const secret of [amazon.lwaClient.secret, code, accessToken, refreshToken]) expect(logged).to.not.contain(secret);
        expect(amazon.events.find({ to: 'api.amazon.com' })[0]).to.deep.include({ from: 'service', method: 'POST', url: '/auth/o2/token', status: 200 });
      } finally {
        await amazon.close();
      }
    });
  });
});
