import jwt from 'jsonwebtoken';
import { signatureHeaders } from '../lib/alexa-request';
import { ENTRIES } from '../lib/compile';
import { BENCH_CLIENT_ID, BENCH_REDIRECT_URI, BENCH_SCOPE, BENCH_SKILL_ID } from '../lib/constants';
import { startOurService, type OurService } from './our-service';
import { startPeer } from './peer-service';
import { isLinkCardAnswer, isSpokenAnswer, launchPlan } from './skill-requests';
import { linkPoolUsers, POOL_USERS, pooledLaunchPlan } from './token-pools';
import type { BenchCase } from './types';

/** Our skill endpoint (helper B's route). */
export const OUR_SKILL_PATH = '/alexa';
const PEER_SKILL_PATH = '/alexa';
const PEER_ISSUER = 'https://auth.example';

/**
 * An access token exactly as production issues one: a real account, a code redeemed through the
 * grants, so the token has a live refresh family behind it (revocation checks find it).
 */
async function linkedAccessToken(ours: OurService): Promise<string> {
  const { domain } = ours;
  const account = await domain.accounts.create({ username: `bench-rider-${Date.now()}@example.com`, password: 'bench-password-0123456789', displayName: 'Bench Rider' });
  const code = await domain.codes.issue({ clientId: BENCH_CLIENT_ID, redirectUri: BENCH_REDIRECT_URI, userId: account.id, scope: BENCH_SCOPE });
  const tokens = await domain.grants.exchangeCode(code, { clientId: BENCH_CLIENT_ID, redirectUri: BENCH_REDIRECT_URI, codeVerifier: undefined });
  return tokens.access_token;
}

/** The same token with one signature character changed: well-formed, correctly encoded, forged. */
export function forgedCopy(token: string): string {
  const [header, payload, signature = ''] = token.split('.');
  return `${header}.${payload}.${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
}

function ourLaunch(variant: 'token' | 'forged' | 'signed' | 'card'): BenchCase {
  const titles = {
    token: 'Linkwright skill LaunchRequest, valid token, signature off',
    forged: 'Linkwright skill LaunchRequest, forged token (refused), signature off',
    signed: 'Linkwright skill LaunchRequest, valid token, signature on',
    card: 'Linkwright skill LaunchRequest, no token (LinkAccount card, SKILL_LINK_AT_LAUNCH)',
  };
  return {
    id: `ours.skill-${variant}`,
    title: titles[variant],
    kind: 'ours',
    group: 'skill',
    byDefault: true,
    start: async (context) => {
      const signed = variant === 'signed';
      const ours = await startOurService(context, { verifySignature: signed, linkAtLaunch: variant === 'card' });
      try {
        const linked = variant === 'card' ? undefined : await linkedAccessToken(ours);
        const token = variant === 'forged' && linked !== undefined ? forgedCopy(linked) : linked;
        const chain = signed ? await context.fixtures.signingChain() : undefined;
        const sign = chain ? (body: string) => signatureHeaders(body, chain.leafKeyPem, chain.certUrl) : undefined;
        const check = variant === 'card' ? isLinkCardAnswer : isSpokenAnswer;
        return { server: ours.server, storePid: ours.storePid, url: ours.url, close: ours.close, plan: async () => launchPlan(OUR_SKILL_PATH, token, check, sign) };
      } catch (error) {
        await ours.close();
        throw error;
      }
    },
  };
}

/**
 * Skill cases with distinct tokens (issue 15): `new` sends a token never seen before on every request
 * (the worst case: every cache of the service misses), `mix` sends each token on 4 consecutive requests
 * over 20,000 users (many users, a few utterances each per hourly token).
 */
function ourPooledLaunch(shape: 'new' | 'mix', signed: boolean): BenchCase {
  const requestsPerToken = shape === 'new' ? 1 : 4;
  const what = shape === 'new' ? 'a new token every request' : `${requestsPerToken} requests per token over ${POOL_USERS} users`;
  return {
    id: `ours.skill-${shape}-token${signed ? '-signed' : ''}`,
    title: `Linkwright skill LaunchRequest, ${what}, signature ${signed ? 'on' : 'off'}`,
    kind: 'ours',
    group: 'skill',
    byDefault: true,
    start: async (context) => {
      const ours = await startOurService(context, { verifySignature: signed });
      try {
        const users = await linkPoolUsers(ours);
        const chain = signed ? await context.fixtures.signingChain() : undefined;
        const signer = chain ? { leafKeyPem: chain.leafKeyPem, certUrl: chain.certUrl } : undefined;
        return {
          server: ours.server,
          storePid: ours.storePid,
          url: ours.url,
          close: ours.close,
          plan: async (_connections, expected) => pooledLaunchPlan(ours, users, { requestsPerToken }, expected, OUR_SKILL_PATH, isSpokenAnswer, signer),
        };
      } catch (error) {
        await ours.close();
        throw error;
      }
    },
  };
}

export const ourSkillNewToken = ourPooledLaunch('new', false);
export const ourSkillNewTokenSigned = ourPooledLaunch('new', true);
export const ourSkillMixToken = ourPooledLaunch('mix', false);
export const ourSkillMixTokenSigned = ourPooledLaunch('mix', true);

/** Case 3: valid token, signature checking off (compared with the ASK SDK adapter). */
export const ourSkillToken = ourLaunch('token');
/** Issue 15: a forged token, refused (the user is greeted unlinked); must cost no more than a valid one. */
export const ourSkillForged = ourLaunch('forged');
/** Case 3: valid token, signature checking on with the test chain (certificate cached after the first request). */
export const ourSkillSigned = ourLaunch('signed');
/** Case 3: no token: the LinkAccount card. */
export const ourSkillCard = ourLaunch('card');

/** Case 4 (peer): ExpressAdapter(skill, false, false) with a jsonwebtoken RS256 check in the handler. */
export const askSdkLaunch: BenchCase = {
  id: 'ask.launch',
  title: 'ASK SDK express adapter LaunchRequest, RS256 jsonwebtoken, checks off',
  kind: 'peer',
  group: 'skill',
  byDefault: true,
  start: async (context) => {
    const keys = context.fixtures.peerTokenKeys();
    const { server, url } = await startPeer(context, 'ask-sdk-express-adapter', ENTRIES.askSdk, { PEER_TOKEN_PUBLIC_KEY: keys.publicPem, PEER_TOKEN_ISSUER: PEER_ISSUER });
    const token = jwt.sign({ sub: 'bench-user', scope: BENCH_SCOPE }, keys.privatePem, { algorithm: 'RS256', issuer: PEER_ISSUER, expiresIn: 3600 });
    return { server, url, close: () => server.stop(), plan: async () => launchPlan(PEER_SKILL_PATH, token, isSpokenAnswer) };
  },
};

/**
 * The kit path: a plain ask-sdk-core skill using linkwright/verify (signature on) and linkwright/ask-sdk's
 * interceptor, with a valid Linkwright token (verified against our running service's JWKS), compared
 * with the ASK SDK express adapter in the same run.
 */
export const kitSkillSigned: BenchCase = {
  id: 'ours.kit-skill-signed',
  title: 'linkwright/ask-sdk skill LaunchRequest, valid token, signature on',
  kind: 'ours',
  group: 'skill',
  byDefault: true,
  start: async (context) => {
    const ours = await startOurService(context, { verifySignature: false });
    try {
      const token = await linkedAccessToken(ours);
      const chain = await context.fixtures.signingChain();
      const { server, url } = await startPeer(context, 'linkwright-kit-skill', ENTRIES.kitSkill, {
        LINKWRIGHT_URL: ours.url,
        SKILL_ID: BENCH_SKILL_ID,
        SKILL_TRUSTED_ROOTS_FILE: chain.rootsFile,
        SKILL_CERT_FETCH_BASE: chain.fetchBase,
      });
      const sign = (body: string) => signatureHeaders(body, chain.leafKeyPem, chain.certUrl);
      return {
        server,
        url,
        close: async () => {
          await server.stop();
          await ours.close();
        },
        plan: async () => launchPlan(PEER_SKILL_PATH, token, isSpokenAnswer, sign),
      };
    } catch (error) {
      await ours.close();
      throw error;
    }
  },
};
