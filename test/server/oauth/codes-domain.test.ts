import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { ManualClock } from '../../../server/clock';
import { silentLogger } from '../../../server/log';
import { AccessTokens } from '../../../server/oauth/access-tokens';
import { AuthorizationCodes } from '../../../server/oauth/codes';
import { Grants } from '../../../server/oauth/grants';
import { KeyRing } from '../../../server/oauth/keys';
import { RefreshTokens } from '../../../server/oauth/refresh-tokens';
import { Revocations } from '../../../server/oauth/revocations';
import { MemoryStore } from '../../../server/store/memory';

/** A memory store that runs a hook once, just before the next call of a chosen operation: a deterministic interleaving. */
class InterleavingStore extends MemoryStore {
  private readonly hooks = new Map<string, () => Promise<void>>();

  /** Runs `hook` (and waits for it) before the next `operation` goes through. */
  before(operation: 'setIfAbsent' | 'removeFromSet', hook: () => Promise<void>): void {
    this.hooks.set(operation, hook);
  }

  private async runHook(operation: string): Promise<void> {
    const hook = this.hooks.get(operation);
    this.hooks.delete(operation);
    if (hook) await hook();
  }

  override async setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    await this.runHook('setIfAbsent');
    return super.setIfAbsent(key, value, ttlMs);
  }

  override async removeFromSet(key: string, member: string): Promise<void> {
    await this.runHook('removeFromSet');
    return super.removeFromSet(key, member);
  }
}

const CLIENT = 'alexa';
const REDIRECT = 'https://r.example/cb';
const REQUEST = { clientId: CLIENT, redirectUri: REDIRECT, codeVerifier: undefined };

/** The token endpoint's domain, wired as createServices wires it, over a store whose steps a test can interleave. */
function domain() {
  const clock = new ManualClock();
  const store = new InterleavingStore(clock);
  const log = silentLogger();
  const refreshTokens = new RefreshTokens(store, clock, { lifetimeSec: 0, idleTtlSec: 0, graceSec: 60 }, log);
  const revocations = new Revocations(store, refreshTokens, 3600, log);
  const codes = new AuthorizationCodes(store, clock, 120, (familyId, reason) => revocations.revokeFamily(familyId, reason));
  const accessTokens = new AccessTokens(KeyRing.generate(), 'https://issuer.example', 3600, clock);
  const grants = new Grants(codes, refreshTokens, accessTokens);
  const issueCode = () => codes.issue({ clientId: CLIENT, redirectUri: REDIRECT, userId: 'u', scope: 'profile' });
  return { clock, store, refreshTokens, revocations, codes, accessTokens, grants, issueCode };
}

async function refusal(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a refusal');
}

describe('AuthorizationCodes and Grants: a replay that lands while the first redemption is still writing its family', () => {
  it('refuses the replay, lets the redemption finish, and leaves the family it wrote revoked', async () => {
    const { store, grants, refreshTokens, revocations, accessTokens, issueCode } = domain();
    const code = await issueCode();
    let replay: Error | undefined;
    // The redemption has spent the code; before its family is written, the code comes back.
    store.before('setIfAbsent', async () => {
      replay = await refusal(grants.exchangeCode(code, REQUEST));
    });
    const tokens = await grants.exchangeCode(code, REQUEST);

    expect(replay?.message).to.include('already used');
    const claims = accessTokens.verify(tokens.access_token);
    expect(await revocations.isRevoked(claims)).to.equal(true);
    const family = await refreshTokens.get(claims.sid);
    expect(family).to.include({ userId: 'u', clientId: CLIENT, scope: 'profile', revokedReason: 'authorization code replayed' });
    expect(family?.revokedAt).to.be.a('number');
    const refresh = await refusal(grants.refresh(tokens.refresh_token, CLIENT, undefined));
    expect(refresh.message).to.include('revoked');
    // A later replay still finds the family and keeps it revoked.
    expect((await refusal(grants.exchangeCode(code, REQUEST))).message).to.include('already used');
    expect((await refreshTokens.get(claims.sid))?.revokedAt).to.equal(family?.revokedAt);
  });
});

describe('AuthorizationCodes and Grants: two redemptions racing with one code', () => {
  it('lets exactly one win and revokes the family the winner started', async () => {
    const { grants, refreshTokens, revocations, accessTokens, issueCode } = domain();
    for (let round = 0; round < 3; round += 1) {
      const code = await issueCode();
      const results = await Promise.allSettled([grants.exchangeCode(code, REQUEST), grants.exchangeCode(code, REQUEST)]);
      const won = results.filter((r): r is PromiseFulfilledResult<Awaited<ReturnType<Grants['exchangeCode']>>> => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).to.have.length(1);
      expect(lost).to.have.length(1);
      expect((lost[0]?.reason as Error).message).to.include('already used');
      const claims = accessTokens.verify(won[0]?.value.access_token as string);
      expect(await revocations.isRevoked(claims)).to.equal(true);
      expect(await refreshTokens.get(claims.sid)).to.include({ userId: 'u', clientId: CLIENT, revokedReason: 'authorization code replayed' });
    }
  });

  it('a redemption that fails a check spends the code, and its replay revokes nothing that exists', async () => {
    const { store, codes, grants, refreshTokens, issueCode } = domain();
    const code = await issueCode();
    const wrong = await refusal(grants.exchangeCode(code, { ...REQUEST, redirectUri: 'https://elsewhere.example/cb' }));
    expect(wrong.message).to.include('redirect_uri does not match');
    expect((await refusal(codes.redeem(code, REQUEST))).message).to.include('already used');
    expect(await refreshTokens.familiesOf('u')).to.deep.equal([]);
    await store.close();
  });
});

describe('AuthorizationCodes: a replay whose revocation failed', () => {
  it('leaves the family findable, so the next replay revokes it', async () => {
    const { store, clock, refreshTokens, revocations, accessTokens } = domain();
    let failNext = true;
    const codes = new AuthorizationCodes(store, clock, 120, async (familyId, reason) => {
      if (failNext) {
        failNext = false;
        throw new Error('store went away');
      }
      await revocations.revokeFamily(familyId, reason);
    });
    const grants = new Grants(codes, refreshTokens, accessTokens);
    const code = await codes.issue({ clientId: CLIENT, redirectUri: REDIRECT, userId: 'u', scope: 'profile' });
    const tokens = await grants.exchangeCode(code, REQUEST);
    expect((await refusal(grants.exchangeCode(code, REQUEST))).message).to.equal('store went away');
    const sid = accessTokens.verify(tokens.access_token).sid;
    expect((await refreshTokens.get(sid))?.revokedAt).to.equal(undefined);

    expect((await refusal(grants.exchangeCode(code, REQUEST))).message).to.include('already used');
    expect((await refreshTokens.get(sid))?.revokedReason).to.equal('authorization code replayed');
  });
});

describe('AuthorizationCodes: an unknown code', () => {
  it('is refused as unknown and leaves nothing in the store', async () => {
    const { store, codes } = domain();
    const unknown = 'never-issued-code-never-issued-code-never-issued';
    expect((await refusal(codes.redeem(unknown, REQUEST, 'family-x'))).message).to.include('unknown or has expired');
    expect(await store.get(`code:${createHash('sha256').update(unknown).digest('base64url')}`)).to.equal(null);
    // Still unknown the second time (no marker was left to make it look replayed).
    expect((await refusal(codes.redeem(unknown, REQUEST))).message).to.include('unknown or has expired');
  });
});

describe('Revocations.revokeUser while a code exchange is writing a family', () => {
  it('revokes a family whose index entry landed before its record (Redis Cluster) instead of dropping it from the index', async () => {
    const { store, grants, refreshTokens, revocations, accessTokens, issueCode } = domain();
    const code = await issueCode();
    let releaseFamily!: () => void;
    const familyHeld = new Promise<void>((resolve) => (releaseFamily = resolve));
    // The family record is held back while its index entry is written: the order a Cluster may produce.
    store.before('setIfAbsent', () => familyHeld);
    const exchange = grants.exchangeCode(code, REQUEST);
    while ((await refreshTokens.familiesOf('u')).length === 0) await Promise.resolve();
    // The revocation sees the index entry but no record; the record lands as it drops the entry.
    store.before('removeFromSet', async () => {
      releaseFamily();
      await exchange;
    });
    const live = await revocations.revokeUser('u', 'account deleted');
    const tokens = await exchange;

    expect(live).to.equal(1);
    const claims = accessTokens.verify(tokens.access_token);
    expect(await revocations.isRevoked(claims)).to.equal(true);
    expect((await refreshTokens.get(claims.sid))?.revokedReason).to.equal('account deleted');
    expect(await refreshTokens.familiesOf('u')).to.deep.equal([claims.sid]);
  });
});

describe('RefreshTokens: revoking a family before it is stored', () => {
  it('keeps the id revoked, so issuing it afterwards stores a revoked family', async () => {
    const { refreshTokens } = domain();
    const familyId = refreshTokens.newFamilyId();
    expect(await refreshTokens.revokeFamilyRecord(familyId, 'authorization code replayed')).to.equal(false); // nothing was live
    const { token } = await refreshTokens.issue({ userId: 'u', clientId: CLIENT, scope: 'profile' }, familyId);
    const family = await refreshTokens.get(familyId);
    expect(family).to.include({ userId: 'u', clientId: CLIENT, revokedReason: 'authorization code replayed' });
    expect(family?.current).to.deep.equal([]);
    expect((await refusal(refreshTokens.rotate(token, CLIENT, () => undefined))).message).to.include('revoked');
  });
});
