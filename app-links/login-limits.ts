import { normaliseUsername } from '../server/accounts/directory';
import { sha256 } from '../server/crypto-utils';
import type { OAuthSettings } from '../server/config/settings';
import type { Store } from '../server/store';

/**
 * Failed sign-ins on the fallback authorization page, counted per account and per client address over
 * LOGIN_WINDOW (the same limits as the web authorization page), so a password cannot be guessed here.
 */
export class LoginLimits {
  constructor(
    private readonly store: Store,
    private readonly settings: Pick<OAuthSettings, 'loginMaxPerAccount' | 'loginMaxPerAddress' | 'loginWindowSec'>,
  ) {}

  /** True while both the account and the address are under their limits. */
  async allowed(username: string, address: string): Promise<boolean> {
    const [account, client] = await Promise.all([this.store.get(accountKey(username)), this.store.get(addressKey(address))]);
    return Number(account ?? 0) < this.settings.loginMaxPerAccount && Number(client ?? 0) < this.settings.loginMaxPerAddress;
  }

  /** Counts one failed attempt against the account and the address. */
  async recordFailure(username: string, address: string): Promise<void> {
    const windowMs = this.settings.loginWindowSec * 1000;
    await Promise.all([this.store.increment(accountKey(username), windowMs), this.store.increment(addressKey(address), windowMs)]);
  }
}

function accountKey(username: string): string {
  // Hashed: the store should not collect the names people typed, some of which are passwords.
  return `app-links-login:account:${sha256(normaliseUsername(username))}`;
}

function addressKey(address: string): string {
  return `app-links-login:address:${address}`;
}
