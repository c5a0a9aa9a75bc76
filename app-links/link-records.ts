import type { Clock } from '../server/clock';
import type { Logger } from '../server/log';
import type { Store } from '../server/store';
import type { LwaClient, LwaTokens } from './amazon/lwa-client';
import type { CryptoBox } from './crypto-box';
import { AppLinkError } from './errors';
import type { SkillStage } from './settings';

/** A user's Alexa link made from the app, with the Amazon tokens that let us ask about it later. */
export interface AmazonLink {
  userId: string;
  /** The Alexa API host whose enablement call succeeded. */
  host: string;
  stage: SkillStage;
  linkedAt: number;
}

interface StoredLink extends AmazonLink {
  /** Sealed with the user id as context; never stored in clear. */
  refreshToken: string;
  accessToken: string;
  accessExpiresAt: number;
}

/** Refresh a minute early, so a token does not expire between our check and Amazon's. */
const EXPIRY_MARGIN_MS = 60_000;

/**
 * The Amazon tokens of each linked user, encrypted at rest. Amazon access tokens last an hour; the
 * refresh token (kept until unlink) gets a new one whenever status or unlink needs it.
 */
export class AmazonLinks {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly box: CryptoBox,
    private readonly lwa: () => LwaClient,
    private readonly log: Logger,
  ) {}

  /** Records a new link, replacing any earlier one of the user. */
  async save(link: AmazonLink, tokens: LwaTokens & { refreshToken: string }): Promise<void> {
    const stored: StoredLink = {
      ...link,
      refreshToken: this.box.seal(tokens.refreshToken, context(link.userId, 'refresh')),
      accessToken: this.box.seal(tokens.accessToken, context(link.userId, 'access')),
      accessExpiresAt: this.clock.now() + tokens.expiresInSec * 1000,
    };
    await this.store.set(key(link.userId), JSON.stringify(stored));
  }

  /** The user's link, or undefined (also when it was sealed with a key this service no longer has). */
  async get(userId: string): Promise<AmazonLink | undefined> {
    const loaded = await this.load(userId);
    return loaded ? publicView(loaded.stored) : undefined;
  }

  /**
   * A usable Amazon access token for the user's link, refreshed when it expired. Throws
   * AppLinkError('skill_disabled') and forgets the link when Amazon refuses the refresh token.
   */
  async accessToken(userId: string): Promise<{ link: AmazonLink; accessToken: string } | undefined> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const loaded = await this.load(userId);
      if (!loaded) return undefined;
      const { raw, stored } = loaded;
      if (stored.accessExpiresAt - EXPIRY_MARGIN_MS > this.clock.now()) {
        return { link: publicView(stored), accessToken: this.box.open(stored.accessToken, context(userId, 'access')) };
      }
      let tokens: LwaTokens;
      try {
        tokens = await this.lwa().refresh(this.box.open(stored.refreshToken, context(userId, 'refresh')));
      } catch (error) {
        if (error instanceof AppLinkError && error.appCode === 'skill_disabled') {
          await this.store.compareAndSet(key(userId), raw, null);
          this.log.info({ event: 'app_links.amazon_grant_lost', userId }, 'Amazon refused the stored refresh token; link forgotten');
        }
        throw error;
      }
      const next: StoredLink = {
        ...stored,
        accessToken: this.box.seal(tokens.accessToken, context(userId, 'access')),
        accessExpiresAt: this.clock.now() + tokens.expiresInSec * 1000,
        // LWA may rotate the refresh token; when it does not, the old one stays valid.
        refreshToken: tokens.refreshToken ? this.box.seal(tokens.refreshToken, context(userId, 'refresh')) : stored.refreshToken,
      };
      // Compare-and-set: of two concurrent refreshes one record wins; the loser re-reads and uses it.
      if (await this.store.compareAndSet(key(userId), raw, JSON.stringify(next))) return { link: publicView(next), accessToken: tokens.accessToken };
    }
    throw new AppLinkError('amazon_unavailable', 'Amazon token refresh contended');
  }

  /** Forgets the user's link; true when there was one. */
  async delete(userId: string): Promise<boolean> {
    return (await this.store.delete(key(userId))) > 0;
  }

  private async load(userId: string): Promise<{ raw: string; stored: StoredLink } | undefined> {
    const raw = await this.store.get(key(userId));
    if (raw === null) return undefined;
    const stored = JSON.parse(raw) as StoredLink;
    try {
      // Proves the record opens with our keys before anyone relies on it.
      this.box.open(stored.refreshToken, context(userId, 'refresh'));
    } catch (error) {
      this.log.warn({ event: 'app_links.link_unreadable', userId, reason: (error as Error).message }, 'stored Amazon link cannot be decrypted; treated as absent');
      return undefined;
    }
    return { raw, stored };
  }
}

function publicView(stored: StoredLink): AmazonLink {
  return { userId: stored.userId, host: stored.host, stage: stored.stage, linkedAt: stored.linkedAt };
}

function key(userId: string): string {
  return `app-link:${userId}`;
}

function context(userId: string, kind: 'refresh' | 'access'): string {
  return `app-link:${kind}:${userId}`;
}
