import { X509Certificate, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IntentRequest, SessionResumedRequest } from 'ask-sdk-model';
import { expect } from 'chai';
import { ManualClock } from '../../server/clock';
import { type AmazonSimulator, startAmazonSimulator } from '../../simulator';
import { createTestCertificateChain } from '../../simulator/certificates';
import { getManual, location, sharedCertificate } from './helpers';
import { SkillReceiver } from './skill-receiver';

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

const T0 = Date.parse('2030-01-02T03:04:05.000Z');

describe('simulator: Alexa sending skill requests', () => {
  let clock: ManualClock;
  let amazon: AmazonSimulator;
  let skill: SkillReceiver;
  // A chain valid around the test clock's time, not today's: the service checks it on its own clock.
  const certificate = createTestCertificateChain({ notBefore: new Date(T0 - 86_400_000), notAfter: new Date(T0 + 365 * 86_400_000) });

  beforeEach(async () => {
    clock = new ManualClock(T0);
    skill = await new SkillReceiver().start();
    amazon = await startAmazonSimulator({
      clock,
      certificate,
      // Account linking through the simulator's own Login with Amazon: a real token endpoint to link and refresh against.
      accountLinking: 'lwa',
      service: { skillEndpoint: skill.url, vendorId: 'M2VOICE', name: 'Ride Hailer' },
      users: [{ name: 'Alice', locale: 'en-GB' }, { name: 'Bob' }],
    });
  });
  afterEach(async () => {
    await amazon.close();
    await skill.close();
  });

  /** Links the signed-in customer through web linking (browser steps done with fetch). */
  async function linkByWeb(): Promise<void> {
    const authorize = await getManual(amazon.web.authorizeUrl());
    const page = await fetch(location(authorize));
    expect(await page.text()).to.contain('Your Ride Hailer account has been successfully linked.');
  }

  describe('signing', () => {
    it('signs the raw body with Signature-256 over a chain served at the echo.api path, trusted through the root file', async () => {
      await amazon.alexa.launch();
      const { headers, rawBody } = skill.last();
      const certUrl = String(headers.signaturecertchainurl);
      expect(certUrl).to.match(/^https:\/\/s3\.amazonaws\.com\/echo\.api\/[\w.-]+\.pem$/);

      // The service fetches the chain from SKILL_CERT_FETCH_BASE + the URL's path.
      const served = await fetch(`${amazon.env.SKILL_CERT_FETCH_BASE}${new URL(certUrl).pathname}`);
      expect(served.status).to.equal(200);
      const [leafPem, intermediatePem] = (await served.text()).match(PEM) ?? [];
      const [rootPem] = readFileSync(amazon.env.SKILL_TRUSTED_ROOTS_FILE, 'utf8').match(PEM) ?? [];
      const leaf = new X509Certificate(leafPem ?? '');
      const intermediate = new X509Certificate(intermediatePem ?? '');
      const root = new X509Certificate(rootPem ?? '');
      expect(leaf.verify(intermediate.publicKey)).to.equal(true);
      expect(intermediate.verify(root.publicKey)).to.equal(true);
      expect(root.verify(root.publicKey)).to.equal(true);
      expect(leaf.checkHost('echo-api.amazon.com')).to.equal('echo-api.amazon.com');
      expect(Date.parse(leaf.validFrom)).to.be.below(clock.now());
      expect(Date.parse(leaf.validTo)).to.be.above(clock.now());

      const signature = Buffer.from(String(headers['signature-256']), 'base64');
      expect(verify('sha256', Buffer.from(rawBody), leaf.publicKey, signature)).to.equal(true);
      expect(verify('sha256', Buffer.from(rawBody.replace('LaunchRequest', 'IntentRequest')), leaf.publicKey, signature)).to.equal(false);
    });

    it('can send a tampered signature, no signature, or another chain URL, for the service’s negative tests', async () => {
      await amazon.alexa.launch({ signature: 'tampered' });
      const tampered = skill.last();
      const leaf = new X509Certificate(amazon.certificate.chainPem.match(PEM)?.[0] ?? '');
      expect(verify('sha256', Buffer.from(tampered.rawBody), leaf.publicKey, Buffer.from(String(tampered.headers['signature-256']), 'base64'))).to.equal(false);
      await amazon.alexa.launch({ signature: 'missing' });
      expect(skill.last().headers).to.not.have.property('signature-256');
      expect(skill.last().headers).to.not.have.property('signaturecertchainurl');
      await amazon.alexa.launch({ certUrl: 'https://evil.example.com/echo.api/cert.pem' });
      expect(skill.last().headers.signaturecertchainurl).to.equal('https://evil.example.com/echo.api/cert.pem');
    });
  });

  describe('envelopes', () => {
    it('sends a LaunchRequest in a new session with the realistic context and the clock’s timestamp', async () => {
      const exchange = await amazon.alexa.launch();
      expect(exchange.status).to.equal(200);
      expect(exchange.speech).to.equal('Hello.');
      const envelope = skill.last().envelope;
      const enablement = amazon.linkStatus('Alice');
      expect(envelope.version).to.equal('1.0');
      expect(envelope.session?.new).to.equal(true);
      expect(envelope.session?.sessionId).to.match(/^amzn1\.echo-api\.session\./);
      expect(envelope.session?.application.applicationId).to.equal(amazon.skill.skillId);
      expect(envelope.session?.user).to.deep.equal({ userId: enablement?.skillUserId });
      expect(envelope.session?.attributes).to.deep.equal({});
      const system = envelope.context.System;
      expect(system.application.applicationId).to.equal(amazon.skill.skillId);
      expect(system.user).to.deep.equal({ userId: enablement?.skillUserId });
      expect(system.device?.deviceId).to.match(/^amzn1\.ask\.device\./);
      expect(system.device?.supportedInterfaces).to.be.an('object');
      expect(system.apiEndpoint).to.equal('https://api.amazonalexa.com');
      expect(system.apiAccessToken).to.be.a('string').and.not.equal('');
      expect(envelope.request).to.include({ type: 'LaunchRequest', timestamp: '2030-01-02T03:04:05.000Z', locale: 'en-GB' });
      expect(envelope.request.requestId).to.match(/^amzn1\.echo-api\.request\./);
    });

    it('continues the session with IntentRequests echoing session attributes, and starts a new one after shouldEndSession', async () => {
      skill.answerNext({ version: '1.0', sessionAttributes: { step: 1 }, response: { outputSpeech: { type: 'SSML', ssml: '<speak>Where to? <break time="1s"/> You&apos;re &quot;home&quot; &amp; dry.</speak>' }, shouldEndSession: false } });
      const launch = await amazon.alexa.launch();
      expect(launch.speech).to.equal('Where to? You\'re "home" & dry.');
      const sessionId = skill.last().envelope.session?.sessionId;
      skill.answerNext({ version: '1.0', response: { outputSpeech: { type: 'PlainText', text: 'Booked.' }, shouldEndSession: true } });
      await amazon.alexa.intent('BookRideIntent', { destination: 'the airport' });
      const intent = skill.last().envelope;
      expect(intent.session).to.include({ new: false, sessionId });
      expect(intent.session?.attributes).to.deep.equal({ step: 1 });
      const request = intent.request as IntentRequest;
      expect(request.intent.name).to.equal('BookRideIntent');
      expect(request.intent.slots?.destination).to.deep.include({ name: 'destination', value: 'the airport', confirmationStatus: 'NONE' });
      await amazon.alexa.intent('AMAZON.HelpIntent');
      const next = skill.last().envelope.session;
      expect(next?.new).to.equal(true);
      expect(next?.sessionId).to.not.equal(sessionId);
    });

    it('resumes the session after StartConnection with ConnectionCompleted and a string status code', async () => {
      skill.answerNext({ version: '1.0', response: { directives: [{ type: 'Connections.StartConnection', uri: 'connection://AMAZON.AskForAccountLinking/1', onCompletion: 'RESUME_SESSION', input: { '@type': 'AskForAccountLinking', '@version': '1' }, token: 'accountLinking' }] } });
      await amazon.alexa.launch();
      const sessionId = skill.last().envelope.session?.sessionId;
      await amazon.alexa.resumeSession('accountLinking', 'DENIED');
      const resumed = skill.last().envelope;
      expect(resumed.session).to.include({ new: false, sessionId });
      const request = resumed.request as SessionResumedRequest;
      expect(request.type).to.equal('SessionResumedRequest');
      expect(request.cause).to.deep.equal({ type: 'ConnectionCompleted', token: 'accountLinking', status: { code: '200', message: 'OK' }, result: { status: 'DENIED' } });
      expect(resumed.context.System.user.accessToken).to.equal(undefined);
    });

    it('sends a SkillDisabled event out of session with the user id, and forgets the enablement', async () => {
      await linkByWeb();
      const before = amazon.linkStatus('Alice');
      clock.advance(1000);
      const exchange = await amazon.alexa.skillDisabled();
      expect(exchange?.status).to.equal(200);
      const envelope = skill.last().envelope;
      expect(envelope.session).to.equal(undefined);
      expect(envelope.context.System.user).to.deep.equal({ userId: before?.skillUserId, accessToken: before?.link?.accessToken });
      expect(envelope.request).to.include({ type: 'AlexaSkillEvent.SkillDisabled', eventCreationTime: '2030-01-02T03:04:06.000Z', eventPublishingTime: '2030-01-02T03:04:06.000Z' });
      expect(amazon.linkStatus('Alice')).to.equal(undefined);
      // Amazon revoked the LWA tokens the link used.
      expect(amazon.lwa.verify(before?.link?.accessToken ?? '')).to.equal(undefined);
      expect(await amazon.alexa.skillDisabled()).to.equal(undefined);
    });

    it('can backdate a request, for stale-timestamp tests', async () => {
      await amazon.alexa.launch({ timestamp: clock.now() - 151_000 });
      expect(skill.last().envelope.request.timestamp).to.equal('2030-01-02T03:01:34.000Z');
    });
  });

  describe('the linked access token', () => {
    it('is attached to session and context once linked, and refreshed through the token endpoint after expires_in', async () => {
      await linkByWeb();
      await amazon.alexa.launch();
      const first = skill.last().envelope;
      const token = amazon.linkStatus('Alice')?.link?.accessToken;
      expect(token).to.match(/^Atza\|/);
      expect(first.session?.user.accessToken).to.equal(token);
      expect(first.context.System.user.accessToken).to.equal(token);

      clock.advance(3600 * 1000 - 1);
      await amazon.alexa.intent('WhereIsMyRideIntent');
      expect(skill.last().envelope.context.System.user.accessToken).to.equal(token);
      expect(amazon.events.find({ from: 'Alexa', path: '/auth/o2/token' }).filter((e) => e.params.grant_type === 'refresh_token')).to.have.length(0);

      clock.advance(1);
      await amazon.alexa.intent('WhereIsMyRideIntent');
      const refreshed = skill.last().envelope.context.System.user.accessToken;
      expect(refreshed).to.match(/^Atza\|/).and.not.equal(token);
      const refreshes = amazon.events.find({ from: 'Alexa', path: '/auth/o2/token' }).filter((e) => e.params.grant_type === 'refresh_token');
      expect(refreshes).to.have.length(1);
      expect(refreshes[0]?.status).to.equal(200);
      expect(amazon.lwa.verify(refreshed ?? '')).to.include({ customerId: amazon.customers.get('Alice').id });
    });

    it('shares one refresh between concurrent requests', async () => {
      await linkByWeb();
      clock.advance(3600 * 1000);
      await Promise.all([amazon.alexa.launch(), amazon.voice('Alice').intent('AMAZON.HelpIntent')]);
      const tokens = skill.received.map((r) => r.envelope.context.System.user.accessToken);
      expect(tokens[0]).to.be.a('string');
      expect(tokens[0]).to.equal(tokens[1]);
      expect(amazon.events.find({ path: '/auth/o2/token' }).filter((e) => e.params.grant_type === 'refresh_token')).to.have.length(1);
    });

    it('unlinks when the token endpoint refuses the refresh, and sends requests without a token', async () => {
      await linkByWeb();
      amazon.lwa.revokeCustomer(amazon.customers.get('Alice').id, amazon.skill.clientId);
      clock.advance(3600 * 1000);
      const exchange = await amazon.alexa.launch();
      expect(exchange.accessToken).to.equal(undefined);
      expect(skill.last().envelope.context.System.user).to.not.have.property('accessToken');
      expect(amazon.linkStatus('Alice')?.link).to.equal(undefined);
      expect(amazon.events.all().some((e) => e.note?.startsWith('account unlinked: refresh refused (invalid_grant'))).to.equal(true);
    });

    it('keeps the link when the token endpoint cannot be reached, and tries again on the next request', async () => {
      await linkByWeb();
      clock.advance(3600 * 1000);
      amazon.setHostFailure('amazon', 'reset');
      await amazon.alexa.launch();
      // The skill itself is reachable; only the token endpoint (on the simulator's main host) is down.
      expect(skill.last().envelope.context.System.user.accessToken).to.equal(undefined);
      expect(amazon.linkStatus('Alice')?.link).to.not.equal(undefined);
      amazon.setHostFailure('amazon', undefined);
      await amazon.alexa.intent('AMAZON.HelpIntent');
      expect(skill.last().envelope.context.System.user.accessToken).to.match(/^Atza\|/);
    });

    it('keeps each customer’s link and session apart', async () => {
      await linkByWeb();
      amazon.customers.signIn('Bob');
      await amazon.alexa.launch();
      const bob = skill.last().envelope;
      expect(bob.context.System.user.accessToken).to.equal(undefined);
      await amazon.voice('Alice').launch();
      const alice = skill.last().envelope;
      expect(alice.context.System.user.accessToken).to.match(/^Atza\|/);
      expect(alice.context.System.user.userId).to.not.equal(bob.context.System.user.userId);
      expect(alice.context.System.device?.deviceId).to.not.equal(bob.context.System.device?.deviceId);
    });
  });

  describe('voice-forward linking', () => {
    it('links through Login with Amazon when the customer agreed, so the resumed request carries the token', async () => {
      await amazon.alexa.launch();
      const exchange = await amazon.alexa.resumeSession('accountLinking', 'LINKED');
      const request = skill.last().envelope;
      expect((request.request as SessionResumedRequest).cause?.result).to.deep.equal({ status: 'LINKED' });
      expect(exchange.accessToken).to.match(/^Atza\|/);
      expect(request.context.System.user.accessToken).to.equal(exchange.accessToken);
      expect(amazon.linkStatus('Alice')?.link?.via).to.equal('voice');
    });

    it('makes no link when the linking task failed (a status other than 200), whatever the result says', async () => {
      await amazon.alexa.launch();
      const exchange = await amazon.alexa.resumeSession('accountLinking', 'LINKED', { code: '500', message: 'Internal error' });
      expect((skill.last().envelope.request as SessionResumedRequest).cause?.status).to.deep.equal({ code: '500', message: 'Internal error' });
      expect(exchange.accessToken).to.equal(undefined);
      expect(amazon.linkStatus('Alice')?.link).to.equal(undefined);
    });
  });
});

describe('simulator: voice-forward linking without Login with Amazon', () => {
  it('resumes with LINKED but makes no link, and says why in the event log', async () => {
    const skill = await new SkillReceiver().start();
    const amazon = await startAmazonSimulator({ certificate: sharedCertificate(), service: { skillEndpoint: skill.url, tokenUrl: 'http://127.0.0.1:9/oauth/token' } });
    try {
      const exchange = await amazon.alexa.resumeSession('accountLinking', 'LINKED');
      expect(exchange.accessToken).to.equal(undefined);
      expect(amazon.linkStatus(amazon.customers.current().id)?.link).to.equal(undefined);
      expect(amazon.events.all().some((e) => e.note?.includes('voice-forward linking needs Login with Amazon'))).to.equal(true);
    } finally {
      await amazon.close();
      await skill.close();
    }
  });
});
