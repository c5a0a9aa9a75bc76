import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { ManualClock } from '../../server/clock';
import { EventLog, type SimulatorEvent } from '../../simulator/events';
import { FormBrowser, maskForDisplay } from '../../scripts/demo/form-browser';
import { exchangeLine, leakedSecrets, summaryTable } from '../../scripts/demo/report';

const SKILL_ID = 'amzn1.ask.skill.11111111-2222-3333-4444-555555555555';

function event(overrides: Partial<SimulatorEvent>): SimulatorEvent {
  return { seq: 1, at: '2030-01-02T03:04:05.000Z', from: 'browser', to: 'service', method: 'GET', url: '/oauth/authorize', params: {}, status: 200, ...overrides };
}

describe('demo parts: the printout', () => {
  const view = { skillId: SKILL_ID, aliases: [['http://127.0.0.1:4000', '{service}'], ['http://127.0.0.1:5000', '{amazon}']] as Array<[string, string]> };

  it('keeps columns aligned whoever calls whom, names loopback origins, hides the skill id, cuts opaque values', () => {
    const short = exchangeLine(event({ params: { state: 'x'.repeat(40), redirect_uri: 'http://127.0.0.1:5000/api/skill/link/M2V', request: 'IntentRequest OrderRideIntent' }, note: 'page "Sign in"' }), view);
    const long = exchangeLine(event({ from: 'service', to: 'api.amazonalexa.com', method: 'POST', url: `/v1/users/~current/skills/${SKILL_ID}/enablement`, status: 201 }), view);
    expect(short.indexOf('→')).to.equal(long.indexOf('→'));
    const statusColumn = (line: string) => line.search(/ \d{3}( |$)/);
    expect(statusColumn(short)).to.be.greaterThan(0).and.equal(statusColumn(long));
    expect(short).to.include('page "Sign in" · ');
    expect(short).to.include('redirect_uri={amazon}/api/skill/link/M2V');
    expect(short).to.include(`state=${'x'.repeat(23)}…`);
    expect(short).to.include('request=IntentRequest OrderRideIntent');
    expect(long).to.include('/v1/users/~current/skills/{skillId}/ena…');
    expect(long).to.not.include(SKILL_ID);
    expect(exchangeLine(event({ status: undefined }), view)).to.match(/\/oauth\/authorize +--- *$/);
  });

  it('names the secrets that leaked, never their values, and ignores values too short to check', () => {
    const secrets = new Map([
      ['s3cret-value-1234', 'the client secret'],
      ['tokenvalue-abcdef', 'an access token'],
      ['short', 'a short value'],
    ]);
    expect(leakedSecrets('nothing here but short words', secrets)).to.deep.equal([]);
    expect(leakedSecrets('oops: tokenvalue-abcdef and short', secrets)).to.deep.equal(['an access token']);
  });

  it('lists every story with worked or FAILED and the first failure', () => {
    const lines = summaryTable([
      { id: 1, title: 'Web linking', worked: true, stepsPassed: 3, steps: 3, failure: undefined },
      { id: 2, title: 'Voice', worked: false, stepsPassed: 1, steps: 4, failure: 'step 2.2: expected a card' },
    ]);
    expect(lines).to.deep.equal(['  #  story        result  steps', '  1  Web linking  worked  3/3', '  2  Voice        FAILED  1/4  step 2.2: expected a card']);
  });

  it('masks form fields: passwords and CSRF tokens fully, codes and interactions to a prefix', () => {
    expect(maskForDisplay({ password: 'hunter2hunter2', csrf: 'A'.repeat(43), interaction: 'abcdefghijkl', code: 'codecodecode', username: 'alice@example.com' })).to.deep.equal({
      password: '[masked]',
      csrf: '[masked]',
      interaction: 'abcdef…',
      code: 'codeco…',
      username: 'alice@example.com',
    });
  });
});

describe('demo parts: the browser without a browser', () => {
  let server: Server;
  let origin: string;
  const posted: Array<{ cookie: string | undefined; body: string }> = [];

  before(async () => {
    server = createServer((req, res) => {
      if (req.method === 'GET' && req.url === '/start') {
        res.writeHead(302, { Location: '/form', 'Set-Cookie': 'binding=cookie-value-123; HttpOnly; Path=/' }).end();
      } else if (req.method === 'GET' && req.url === '/form') {
        res.writeHead(200, { 'Content-Type': 'text/html' }).end(
          '<h1>Sign in &amp; allow</h1><form method="post" action="/answer"><input type="hidden" name="csrf" value="tok&amp;en-0123456789"><input type="hidden" name="state" value="s0">' +
            '<input id="u" name="username"><button type="submit" name="decision" value="allow">Allow</button><button name="decision" value="deny">Deny</button></form>',
        );
      } else if (req.method === 'POST' && req.url === '/answer') {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        req.on('end', () => {
          posted.push({ cookie: req.headers.cookie, body });
          res.writeHead(303, { Location: 'http://127.0.0.1:9/elsewhere?code=the-code-0123456789&state=s1' }).end();
        });
      } else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('follows redirects, keeps cookies, reads the form and posts it with the pressed button; logs each request masked, echoed fields by name', async () => {
    const events = new EventLog(new ManualClock());
    const browser = new FormBrowser(events, origin);
    const page = await browser.get(`${origin}/start`);
    expect(page.heading).to.equal('Sign in & allow');
    expect(page.forms).to.deep.equal([
      {
        action: '/answer',
        method: 'POST',
        hidden: { csrf: 'tok&en-0123456789', state: 's0' },
        buttons: [
          { name: 'decision', value: 'allow', text: 'Allow' },
          { name: 'decision', value: 'deny', text: 'Deny' },
        ],
      },
    ]);
    const form = page.forms[0];
    if (!form) throw new Error('no form');
    // The redirect goes to a port where nothing listens: the browser fails there, after the post.
    const failed = await browser.submit(page, form, { username: 'alice' }, { name: 'decision', value: 'allow' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failed).to.be.instanceOf(Error);
    expect(posted).to.deep.equal([{ cookie: 'binding=cookie-value-123', body: 'csrf=tok%26en-0123456789&state=s0&username=alice&decision=allow' }]);
    expect([...browser.seenCredentials]).to.have.members(['cookie-value-123', 'tok&en-0123456789', 'the-code-0123456789']);

    const logged = events.all().map((e) => [e.method, e.url, e.status, e.note, e.params]);
    expect(logged).to.deep.equal([
      ['GET', '/start', 302, 'redirect to /form', {}],
      ['GET', '/form', 200, 'page "Sign in & allow"', {}],
      ['POST', '/answer', 303, 'redirect to http://127.0.0.1:9/elsewhere?code=the-co…&state=s1', { csrf: '[masked]', username: 'alice', decision: 'allow', echoed: 'state' }],
    ]);
  });
});
