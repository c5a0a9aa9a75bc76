import type { Env } from '../../../server/config/env';
import type { Account } from '../../../server/accounts/directory';
import { TEST_SKILL_ID } from '../../support/alexa-requests';
import { startTestService, type TestService, type TestServiceOptions } from '../../support/service';
import { TEST_CLIENT_ID } from '../../support/settings';

/** Starts the service for skill tests: SKILL_ID set, signature checks off unless the env turns them on. */
export function startSkillService(env: Env = {}, options: Omit<TestServiceOptions, 'env'> = {}): Promise<TestService> {
  return startTestService({ ...options, env: { SKILL_VERIFY_SIGNATURE: 'false', SKILL_ID: TEST_SKILL_ID, ...env } });
}

/** A user of ours who has linked Alexa: an account, a refresh family, and a real access token from it. */
export interface LinkedRider {
  account: Account;
  familyId: string;
  accessToken: string;
}

/** Creates an account and mints a built-in access token for it, the way the token endpoint would. */
export async function linkRider(service: TestService, displayName = 'Sam', clientId = TEST_CLIENT_ID): Promise<LinkedRider> {
  const { accounts, refreshTokens, accessTokens } = service.services;
  const account = await accounts.create({ username: `${displayName.toLowerCase().replace(/\W+/g, '')}-${Math.random().toString(36).slice(2, 8)}@example.com`, password: 'correct horse battery', displayName });
  const { family } = await refreshTokens.issue({ userId: account.id, clientId, scope: 'profile' });
  const { token } = accessTokens.sign({ userId: account.id, clientId, scope: 'profile', familyId: family.id });
  return { account, familyId: family.id, accessToken: token };
}
