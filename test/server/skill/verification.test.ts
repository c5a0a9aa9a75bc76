import { expect } from 'chai';
import nock from 'nock';
import { ManualClock } from '../../../server/clock';
import { AlexaSigner, allowOnlyLoopback, restoreNetwork, writeTrustedRoots } from '../../support/alexa-signing';
import { launchRequest, postToSkill, skillEvent, TEST_SKILL_ID } from '../../support/alexa-requests';
import type { TestService } from '../../support/service';
import { startSkillService } from './skill-test-kit';

const REFUSED = { error: 'invalid_request', error_description: 'The request could not be verified.' };
const DAY = 86_400_000;

describe('skill endpoint: request verification (certification negative cases)', function () {
  this.timeout(60_000);
  let good: AlexaSigner;
  let expired: AlexaSigner;
  let notYetValid: AlexaSigner;
  let wrongSan: AlexaSigner;
  let untrusted: AlexaSigner;
  let rootsFile: string;
  let service: TestService;

  before(() => {
    good = AlexaSigner.create();
    expired = AlexaSigner.create({ notBefore: new Date(Date.now() - 30 * DAY), notAfter: new Date(Date.now() - DAY) });
    notYetValid = AlexaSigner.create({ notBefore: new Date(Date.now() + DAY), notAfter: new Date(Date.now() + 30 * DAY) });
    wrongSan = AlexaSigner.create({ san: 'not-echo-api.example.com' });
    untrusted = AlexaSigner.create();
    rootsFile = writeTrustedRoots(good, expired, notYetValid, wrongSan);
  });

  beforeEach(async () => {
    allowOnlyLoopback();
    // Alexa stamps whole seconds; a clock on a whole second keeps the skew arithmetic exact.
    service = await startSkillService({ SKILL_VERIFY_SIGNATURE: 'true', SKILL_TRUSTED_ROOTS_FILE: rootsFile }, { clock: new ManualClock(Math.floor(Date.now() / 1000) * 1000) });
  });

  afterEach(async () => {
    await service.close();
    restoreNetwork();
  });

  function launchBody(skewMs = 0, applicationId = TEST_SKILL_ID): string {
    return JSON.stringify(launchRequest({ clock: service.clock, skewMs, applicationId }));
  }

  function refusalReasons(): string[] {
    return service.logs.events('skill.request_refused').map((line) => String(line.reason));
  }

  async function expectRefused(body: string, headers: Record<string, string>, reason: RegExp): Promise<void> {
    const answer = await postToSkill(service.url, body, headers);
    expect(answer.status).to.equal(400);
    expect(answer.body).to.deep.equal(REFUSED);
    expect(refusalReasons().at(-1)).to.match(reason);
  }

  it('accepts a correctly signed request and answers with the skill response', async () => {
    const scope = good.serveChain();
    const body = launchBody();
    const answer = await postToSkill(service.url, body, good.headers(body));
    expect(answer.status).to.equal(200);
    expect(answer.body.version).to.equal('1.0');
    expect(answer.body.response?.outputSpeech?.ssml).to.contain('Welcome to Ride Hailer');
    expect(scope.isDone()).to.equal(true);
  });

  it('refuses a request without SignatureCertChainUrl', async () => {
    const body = launchBody();
    await expectRefused(body, { 'Signature-256': good.signature(body) }, /SignatureCertChainUrl header missing/);
  });

  it('refuses a request without Signature-256', async () => {
    const body = launchBody();
    await expectRefused(body, { SignatureCertChainUrl: good.certUrl }, /Signature-256 header missing/);
  });

  it('refuses a request signed only with the legacy SHA-1 Signature header', async () => {
    const body = launchBody();
    await expectRefused(body, { SignatureCertChainUrl: good.certUrl, Signature: good.signature(body) }, /Signature-256 header missing/);
  });

  const badUrls: Array<[string, RegExp]> = [
    ['http://s3.amazonaws.com/echo.api/echo-api-cert.pem', /scheme is http:/],
    ['https://notamazon.com/echo.api/echo-api-cert.pem', /host is notamazon.com/],
    ['https://s3.amazonaws.com.evil.example/echo.api/echo-api-cert.pem', /host is s3.amazonaws.com.evil.example/],
    ['https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem', /path is \/EcHo.aPi\//],
    ['https://s3.amazonaws.com/invalid.path/echo-api-cert.pem', /path is \/invalid.path\//],
    ['https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem', /port is 563/],
    ['https://s3.amazonaws.com/echo.api/../invalid.path/echo-api-cert.pem', /path is \/invalid.path\//],
    ['https://s3.amazonaws.com/echo.api/%2e%2e/invalid.path/cert.pem', /path is \/invalid.path\//],
    ['https://user:pass@s3.amazonaws.com/echo.api/echo-api-cert.pem', /credentials/],
    ['not a url', /not a URL/],
  ];
  for (const [url, reason] of badUrls) {
    it(`refuses the certificate URL ${url} by the URL rules, before any download`, async () => {
      const body = launchBody();
      await expectRefused(body, good.headers(body, url), reason);
    });
  }

  const equivalentUrls = (path: string): string[] => [
    `HTTPS://s3.amazonaws.com${path}`,
    `https://S3.AMAZONAWS.COM${path}`,
    `https://s3.amazonaws.com:443${path}`,
    `https://s3.amazonaws.com/echo.api/../echo.api/${path.slice('/echo.api/'.length)}`,
  ];
  it('accepts the certificate URL variants Amazon allows (case-insensitive scheme and host, port 443, dot segments)', async () => {
    const scope = good.serveChain(1);
    for (const url of equivalentUrls(good.certPath)) {
      const body = launchBody();
      const answer = await postToSkill(service.url, body, good.headers(body, url));
      expect(answer.status, url).to.equal(200);
    }
    // All four normalise to one URL: the chain was downloaded once and then served from the cache.
    expect(scope.isDone()).to.equal(true);
  });

  it('refuses a tampered body', async () => {
    good.serveChain();
    const body = launchBody();
    const headers = good.headers(body);
    const tampered = body.replace('"LaunchRequest"', '"IntentRequest"');
    await expectRefused(tampered, headers, /signature does not match/);
  });

  it('refuses a signature made with another key', async () => {
    good.serveChain();
    const body = launchBody();
    await expectRefused(body, { SignatureCertChainUrl: good.certUrl, 'Signature-256': untrusted.signature(body) }, /signature does not match/);
  });

  it('refuses a signature that is not base64', async () => {
    good.serveChain();
    const body = launchBody();
    await expectRefused(body, { SignatureCertChainUrl: good.certUrl, 'Signature-256': 'not*base64!' }, /not base64/);
  });

  it('refuses an expired signing certificate', async () => {
    expired.serveChain();
    const body = launchBody();
    await expectRefused(body, expired.headers(body), /outside its validity dates/);
  });

  it('refuses a signing certificate that is not valid yet', async () => {
    notYetValid.serveChain();
    const body = launchBody();
    await expectRefused(body, notYetValid.headers(body), /outside its validity dates/);
  });

  it('refuses a signing certificate without echo-api.amazon.com in its SAN', async () => {
    wrongSan.serveChain();
    const body = launchBody();
    await expectRefused(body, wrongSan.headers(body), /SAN is DNS:not-echo-api.example.com/);
  });

  it('refuses a chain that does not end at a trusted root', async () => {
    untrusted.serveChain();
    const body = launchBody();
    await expectRefused(body, untrusted.headers(body), /does not end at a trusted root/);
  });

  it('refuses a chain without its intermediate certificate', async () => {
    const leafOnly = good.chain.chainPem.slice(0, good.chain.chainPem.indexOf('-----END CERTIFICATE-----') + '-----END CERTIFICATE-----'.length);
    nock('https://s3.amazonaws.com').get(good.certPath).reply(200, leafOnly);
    const body = launchBody();
    await expectRefused(body, good.headers(body), /does not end at a trusted root/);
  });

  it('refuses when the certificate chain cannot be downloaded', async () => {
    nock('https://s3.amazonaws.com').get(good.certPath).reply(404, 'NoSuchKey');
    const body = launchBody();
    await expectRefused(body, good.headers(body), /download failed \(404\)/);
  });

  it('does not download a chain URL again right after it failed (each unsigned request naming it cost a fetch)', async () => {
    const scope = nock('https://s3.amazonaws.com').get(good.certPath).once().reply(404, 'NoSuchKey');
    const body = launchBody();
    await expectRefused(body, good.headers(body), /download failed \(404\)/);
    await expectRefused(body, good.headers(body), /failed recently \(certificate chain download failed \(404\)\)/);
    expect(scope.isDone()).to.equal(true);
  });

  it('refuses a request timestamped more than 150 s in the past', async () => {
    good.serveChain();
    const body = launchBody(-151_000);
    await expectRefused(body, good.headers(body), /timestamp is 151 s in the past/);
  });

  it('refuses a request timestamped more than 150 s in the future', async () => {
    good.serveChain();
    const body = launchBody(151_000);
    await expectRefused(body, good.headers(body), /timestamp is 151 s in the future/);
  });

  it('accepts timestamps just inside 150 s either way', async () => {
    good.serveChain();
    for (const skew of [-149_000, 149_000]) {
      const body = launchBody(skew);
      expect((await postToSkill(service.url, body, good.headers(body))).status, String(skew)).to.equal(200);
    }
  });

  it('gives skill events an hour, in both directions, and no more', async () => {
    good.serveChain();
    const ok = JSON.stringify(skillEvent('AlexaSkillEvent.SkillEnabled', undefined, { clock: service.clock, skewMs: -59 * 60_000 }));
    expect((await postToSkill(service.url, ok, good.headers(ok))).status).to.equal(200);
    const stale = JSON.stringify(skillEvent('AlexaSkillEvent.SkillEnabled', undefined, { clock: service.clock, skewMs: -61 * 60_000 }));
    await expectRefused(stale, good.headers(stale), /3660 s in the past/);
    const future = JSON.stringify(skillEvent('AlexaSkillEvent.SkillEnabled', undefined, { clock: service.clock, skewMs: 61 * 60_000 }));
    await expectRefused(future, good.headers(future), /3660 s in the future/);
  });

  it('refuses a request for another application id', async () => {
    good.serveChain();
    const body = launchBody(0, 'amzn1.ask.skill.someone-elses-skill');
    await expectRefused(body, good.headers(body), /application id amzn1.ask.skill.someone-elses-skill is not this skill/);
  });

  it('refuses a request whose session names another application', async () => {
    good.serveChain();
    const body = JSON.stringify(launchRequest({ clock: service.clock, sessionApplicationId: 'amzn1.ask.skill.other' }));
    await expectRefused(body, good.headers(body), /session application id/);
  });

  it('refuses signed bodies that are not Alexa envelopes', async () => {
    good.serveChain();
    for (const [body, reason] of [
      ['not json', /body is not JSON/],
      ['', /body is not JSON/],
      ['[1,2]', /not a JSON object/],
      [JSON.stringify({ version: '1.0', request: { type: 'LaunchRequest' } }), /no well-formed request/],
    ] as Array<[string, RegExp]>) {
      await expectRefused(body, good.headers(body), reason);
    }
  });

  it('never echoes the reason to the caller; the log has it', async () => {
    good.serveChain();
    const body = launchBody(-600_000);
    const answer = await postToSkill(service.url, body, good.headers(body));
    expect(JSON.stringify(answer.body)).not.to.match(/timestamp|600|past/);
    expect(refusalReasons()).to.have.length(1);
  });

  it('verifies the raw bytes whatever the content type says', async () => {
    good.serveChain();
    const body = launchBody();
    const answer = await postToSkill(service.url, body, { ...good.headers(body), 'Content-Type': 'text/plain' });
    expect(answer.status).to.equal(200);
  });

  it('refuses bodies larger than any Alexa request', async () => {
    const body = JSON.stringify({ padding: 'x'.repeat(300 * 1024) });
    await expectRefused(body, good.headers(body), /body unreadable \(entity.too.large\)/);
  });

  it('with the chain URL and chain cached, still checks every request: a tampered body or a foreign signature is refused', async () => {
    const scope = good.serveChain(1);
    const body = launchBody();
    expect((await postToSkill(service.url, body, good.headers(body))).status).to.equal(200);
    await expectRefused(body.replace('"LaunchRequest"', '"IntentRequest"'), good.headers(body), /signature does not match/);
    await expectRefused(body, { SignatureCertChainUrl: good.certUrl, 'Signature-256': untrusted.signature(body) }, /signature does not match/);
    const later = launchBody();
    expect((await postToSkill(service.url, later, good.headers(later))).status).to.equal(200);
    expect(scope.isDone()).to.equal(true);
  });

  it('applies the URL rules to a bad certificate URL on every request, not only the first', async () => {
    const bad = 'https://s3.amazonaws.com/invalid.path/echo-api-cert.pem';
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const body = launchBody();
      await expectRefused(body, good.headers(body, bad), /path is \/invalid.path\//);
    }
  });

  it('caches a chain no longer than its leaf is valid: past notAfter it is fetched again and refused', async () => {
    const shortLived = AlexaSigner.create({ notAfter: new Date(service.clock.now() + 10 * 60_000) });
    await service.close();
    service = await startSkillService({ SKILL_VERIFY_SIGNATURE: 'true', SKILL_TRUSTED_ROOTS_FILE: writeTrustedRoots(shortLived) }, { clock: service.clock });
    const scope = shortLived.serveChain(2);
    let body = launchBody();
    expect((await postToSkill(service.url, body, shortLived.headers(body))).status).to.equal(200);
    body = launchBody();
    expect((await postToSkill(service.url, body, shortLived.headers(body))).status).to.equal(200);
    expect(nock.pendingMocks()).to.have.length(1); // second request came from the cache
    service.clock.advance(11 * 60_000);
    body = launchBody();
    await expectRefused(body, shortLived.headers(body), /outside its validity dates/);
    expect(scope.isDone()).to.equal(true);
  });
});
