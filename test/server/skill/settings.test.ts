import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { type Env, EnvReader } from '../../../server/config/env';
import { parseSkillSettings, type SkillSettings } from '../../../server/skill/settings';
import { createTestCertificateChain } from '../../../simulator/certificates';

function parse(env: Env, production = false): { settings: SkillSettings; problems: string[] } {
  const read = new EnvReader(env);
  const settings = parseSkillSettings(read, production);
  return { settings, problems: read.problems };
}

function tempFile(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'lw-skill-settings-')), name);
  writeFileSync(file, text);
  return file;
}

const OIDC = { SKILL_LINKING_PROVIDER: 'oidc', OIDC_ISSUER: 'https://tenant.auth0.com/', OIDC_JWKS_URL: 'https://tenant.auth0.com/.well-known/jwks.json', OIDC_AUDIENCE: 'https://api.example.com' };

describe('skill settings', function () {
  this.timeout(10_000);

  it('has safe defaults', () => {
    const { settings, problems } = parse({});
    expect(problems).to.deep.equal([]);
    expect(settings).to.deep.include({
      skillId: undefined,
      verifySignature: true,
      trustedRootPems: [],
      certFetchBase: undefined,
      skillName: 'Ride Hailer',
      linkingProvider: 'builtin',
      voiceForward: false,
      linkAtLaunch: false,
      revocationCacheMs: 5000,
      lwaProfileCacheSec: 3600,
      oidc: undefined,
    });
  });

  it('turns voice-forward on by default only for Login with Amazon, and lets it be overridden', () => {
    expect(parse({ SKILL_LINKING_PROVIDER: 'lwa' }).settings.voiceForward).to.equal(true);
    expect(parse({ SKILL_LINKING_PROVIDER: 'lwa', SKILL_VOICE_FORWARD: 'false' }).settings.voiceForward).to.equal(false);
    expect(parse({ ...OIDC }).settings.voiceForward).to.equal(false);
    expect(parse({ SKILL_VOICE_FORWARD: 'true' }).settings.voiceForward).to.equal(true);
  });

  it('refuses the development-only switches in production', () => {
    const roots = tempFile('roots.pem', createTestCertificateChain().rootPem);
    const { problems } = parse({ SKILL_VERIFY_SIGNATURE: 'false', SKILL_TRUSTED_ROOTS_FILE: roots, SKILL_CERT_FETCH_BASE: 'http://127.0.0.1:9100' }, true);
    expect(problems).to.have.length(3);
    expect(problems.join('\n')).to.match(/SKILL_VERIFY_SIGNATURE=false is refused in production/);
    expect(problems.join('\n')).to.match(/SKILL_TRUSTED_ROOTS_FILE is for development and tests only/);
    expect(problems.join('\n')).to.match(/SKILL_CERT_FETCH_BASE is for development and tests only/);
    expect(parse({ SKILL_VERIFY_SIGNATURE: 'false', SKILL_TRUSTED_ROOTS_FILE: roots, SKILL_CERT_FETCH_BASE: 'http://127.0.0.1:9100' }).problems).to.deep.equal([]);
  });

  it('reads trusted roots and rejects files without usable CA certificates', () => {
    const chain = createTestCertificateChain();
    expect(parse({ SKILL_TRUSTED_ROOTS_FILE: tempFile('ok.pem', chain.rootPem) }).settings.trustedRootPems).to.have.length(1);
    expect(parse({ SKILL_TRUSTED_ROOTS_FILE: '/nonexistent/roots.pem' }).problems[0]).to.match(/cannot read \/nonexistent\/roots.pem \(ENOENT\)/);
    expect(parse({ SKILL_TRUSTED_ROOTS_FILE: tempFile('empty.pem', 'nothing here') }).problems[0]).to.match(/holds no PEM certificate/);
    const leaf = chain.chainPem.slice(0, chain.chainPem.indexOf('-----END CERTIFICATE-----') + 25);
    expect(parse({ SKILL_TRUSTED_ROOTS_FILE: tempFile('leaf.pem', leaf) }).problems[0]).to.match(/not a CA/);
  });

  it('needs issuer, JWKS URL and audience for OIDC, keeps the issuer exactly as given, and checks algorithms', () => {
    const { settings, problems } = parse(OIDC);
    expect(problems).to.deep.equal([]);
    expect(settings.oidc).to.deep.include({ issuer: 'https://tenant.auth0.com/', audience: 'https://api.example.com', algorithms: ['RS256', 'ES256'], userinfoUrl: undefined });
    const missing = parse({ SKILL_LINKING_PROVIDER: 'oidc' }).problems;
    expect(missing).to.have.length(3);
    expect(parse({ ...OIDC, OIDC_ALGORITHMS: 'RS256,HS256' }).problems[0]).to.match(/OIDC_ALGORITHMS entries must be among .*got "HS256"/);
    expect(parse({ ...OIDC, OIDC_ISSUER: 'http://tenant.auth0.com/' }, true).problems[0]).to.match(/OIDC_ISSUER must be https in production/);
    expect(parse({ ...OIDC, OIDC_ISSUER: 'tenant' }).problems[0]).to.match(/OIDC_ISSUER must be an absolute http\(s\) URL/);
  });

  it('names bad values precisely', () => {
    expect(parse({ SKILL_LINKING_PROVIDER: 'saml' }).problems[0]).to.equal('SKILL_LINKING_PROVIDER must be one of builtin, lwa, oidc, got "saml"');
    expect(parse({ SKILL_ID: 'amzn1.ask.skill.<script>' }).problems[0]).to.match(/SKILL_ID must look like amzn1.ask.skill/);
    expect(parse({ SKILL_NAME: 'x'.repeat(51) }).problems[0]).to.match(/SKILL_NAME must be at most 50 characters/);
    expect(parse({ SKILL_REVOCATION_CACHE_MS: '120000' }).problems[0]).to.match(/SKILL_REVOCATION_CACHE_MS must be between 0 and 60000/);
    expect(parse({ SKILL_LWA_PROFILE_CACHE_SEC: '7200' }).problems[0]).to.match(/between 0 and 3600/);
  });
});
