import { expect } from 'chai';
import { addressBucket } from '../../../server/oauth/login-limiter';
import { authorizationResponseUrl } from '../../../server/oauth/authorization-response';
import { ParamSet } from '../../../server/oauth/params';
import { escapeHtml, html, raw } from '../../../server/views/html';

describe('OAuth HTTP building blocks', () => {
  describe('ParamSet', () => {
    it('reads single values, treating empty ones as absent and "+" as space', () => {
      const params = ParamSet.parse('a=1&b=&c=x+y%2Bz&d');
      expect(params.read({ a: 10, b: 10, c: 10, d: 10, e: 10 })).to.deep.equal({ values: { a: '1', c: 'x y+z' }, problems: [] });
    });

    it('reports duplicated, oversized and badly encoded values by name, in the order asked', () => {
      const params = ParamSet.parse('a=1&a=2&b=toolong&c=%E0%A4%A&d=ok&d=');
      expect(params.read({ c: 10, b: 3, a: 10, d: 10 }).problems).to.deep.equal([
        { name: 'c', kind: 'malformed' },
        { name: 'b', kind: 'too_long', limit: 3 },
        { name: 'a', kind: 'duplicated' },
      ]);
    });

    it('reads the query of a request URL only', () => {
      expect(ParamSet.fromUrl('/oauth/authorize?state=a%26b').read({ state: 10 }).values.state).to.equal('a&b');
      expect(ParamSet.fromUrl('/oauth/authorize').read({ state: 10 }).values).to.deep.equal({});
    });
  });

  describe('authorizationResponseUrl', () => {
    it('appends parameters to the registered URI without touching its own query', () => {
      expect(authorizationResponseUrl('https://app.example/cb?x=a%20b', { code: 'c', state: 'p q&r', iss: undefined })).to.equal('https://app.example/cb?x=a%20b&code=c&state=p+q%26r');
      expect(authorizationResponseUrl('https://app.example/cb', { error: 'access_denied' })).to.equal('https://app.example/cb?error=access_denied');
    });
  });

  describe('addressBucket', () => {
    it('counts IPv4 addresses singly and IPv6 addresses by /64', () => {
      expect(addressBucket('203.0.113.9')).to.equal('203.0.113.9');
      expect(addressBucket('::ffff:203.0.113.9')).to.equal('203.0.113.9');
      expect(addressBucket('2001:db8:1:2::5')).to.equal(addressBucket('2001:DB8:1:2:ffff:ffff:ffff:ffff'));
      expect(addressBucket('2001:db8:1:2::5')).to.equal('2001:0db8:0001:0002::/64');
      expect(addressBucket('2001:db8:1:3::5')).to.not.equal(addressBucket('2001:db8:1:2::5'));
    });
  });

  describe('html templates', () => {
    it('escape every interpolated value unless it is markup built by html or raw', () => {
      const name = `<img src=x onerror="alert('x')">&`;
      expect(html`<p title="${name}">${name}</p>`.value).to.equal(`<p title="${escapeHtml(name)}">&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;</p>`);
      expect(html`<ul>${['a<', 'b'].map((item) => html`<li>${item}</li>`)}</ul>`.value).to.equal('<ul><li>a&lt;</li><li>b</li></ul>');
      expect(html`${raw('<br>')}${undefined}${false}${0}`.value).to.equal('<br>0');
    });
  });
});
