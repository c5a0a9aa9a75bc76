import type { Account, AccountDirectory } from '../../accounts/directory';
import { CompanyApiVerifier } from './company-api';
import type { LoginSource } from './settings';

/** The outcome of checking a username and password at a sign-in source. */
export type PasswordOutcome =
  | { kind: 'accepted'; account: Account }
  | { kind: 'refused'; reason: string }
  | { kind: 'unavailable'; reason: string };

/** Checks a username and password: Linkwright's own accounts, or the company's API. */
export interface PasswordSource {
  /** For log lines: local or api. */
  readonly name: 'local' | 'api';
  check(username: string, password: string): Promise<PasswordOutcome>;
}

/** Linkwright's own password store. */
export class LocalPasswords implements PasswordSource {
  readonly name = 'local';

  constructor(private readonly accounts: AccountDirectory) {}

  async check(username: string, password: string): Promise<PasswordOutcome> {
    const account = await this.accounts.authenticate(username, password);
    return account ? { kind: 'accepted', account } : { kind: 'refused', reason: 'wrong username or password' };
  }
}

/** The company's endpoint decides; the user is mirrored locally by the id it answers (provider `api`). */
export class CompanyApiPasswords implements PasswordSource {
  readonly name = 'api';

  constructor(
    private readonly verifier: CompanyApiVerifier,
    private readonly accounts: AccountDirectory,
  ) {}

  async check(username: string, password: string): Promise<PasswordOutcome> {
    const answer = await this.verifier.verify(username, password);
    if (answer.kind === 'refused') return { kind: 'refused', reason: 'the company API refused the username or password' };
    if (answer.kind === 'unavailable') return answer;
    const account = await this.accounts.syncExternal('api', answer.userId, { name: answer.displayName, email: answer.email });
    return { kind: 'accepted', account };
  }
}

/** The password source LOGIN_SOURCE chooses; undefined for an upstream provider (no password form). */
export function passwordSourceFor(source: LoginSource, accounts: AccountDirectory): PasswordSource | undefined {
  if (source.kind === 'local') return new LocalPasswords(accounts);
  if (source.kind === 'api') return new CompanyApiPasswords(new CompanyApiVerifier(source), accounts);
  return undefined;
}
