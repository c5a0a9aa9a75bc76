import type { Clock } from '../../server/clock';
import type { EventLog } from '../events';
import { skillUserId } from '../ids';
import type { AccountLinkingClient, LinkedTokens, TokenOutcome } from './token-client';

export type SkillStage = 'development' | 'live';

/** How a customer's account got linked. */
export type LinkPath = 'web' | 'app-to-app' | 'voice';

/** A customer's enablement of the skill, and the account link if there is one. */
export interface Enablement {
  customerId: string;
  /** `amzn1.ask.account.…`, new each time the skill is enabled. */
  skillUserId: string;
  stage: SkillStage;
  enabledAt: number;
  link: (LinkedTokens & { via: LinkPath }) | undefined;
}

/**
 * Alexa's record of who enabled the skill and the tokens it holds for them. Access tokens are
 * refreshed through the service's token endpoint once their expires_in has passed on the clock, as
 * Alexa does; a refused refresh (4xx) unlinks the account, an unreachable endpoint leaves it linked.
 */
export class SkillLinks {
  private readonly enablements = new Map<string, Enablement>();
  private readonly refreshing = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly clock: Clock,
    private readonly tokenClient: AccountLinkingClient,
    private readonly events: EventLog,
  ) {}

  /** The customer's enablement, or undefined when the skill is not enabled for them. */
  get(customerId: string): Enablement | undefined {
    return this.enablements.get(customerId);
  }

  /** Enables the skill for the customer (keeping an existing enablement and its user id). */
  enable(customerId: string, stage: SkillStage): Enablement {
    const existing = this.enablements.get(customerId);
    if (existing) {
      existing.stage = stage;
      return existing;
    }
    const enablement: Enablement = { customerId, skillUserId: skillUserId(), stage, enabledAt: this.clock.now(), link: undefined };
    this.enablements.set(customerId, enablement);
    return enablement;
  }

  /** Stores the tokens of a fresh account link (enabling the skill if needed). */
  link(customerId: string, stage: SkillStage, tokens: LinkedTokens, via: LinkPath): Enablement {
    const enablement = this.enable(customerId, stage);
    enablement.link = { ...tokens, via };
    return enablement;
  }

  /** Disables the skill for the customer; returns what was removed (Alexa forgets the tokens). */
  disable(customerId: string): Enablement | undefined {
    const enablement = this.enablements.get(customerId);
    this.enablements.delete(customerId);
    return enablement;
  }

  /**
   * The access token to put in the customer's next request: undefined when not linked; refreshed
   * first when expired. Concurrent requests share one refresh.
   */
  async accessTokenFor(customerId: string): Promise<string | undefined> {
    const link = this.enablements.get(customerId)?.link;
    if (!link) return undefined;
    if (this.clock.now() < link.expiresAt) return link.accessToken;
    const inFlight = this.refreshing.get(customerId);
    if (inFlight) return inFlight;
    const refresh = this.refresh(customerId, link).finally(() => this.refreshing.delete(customerId));
    this.refreshing.set(customerId, refresh);
    return refresh;
  }

  private async refresh(customerId: string, link: LinkedTokens & { via: LinkPath }): Promise<string | undefined> {
    if (!link.refreshToken) {
      this.unlink(customerId, 'access token expired and there is no refresh token');
      return undefined;
    }
    const outcome: TokenOutcome = await this.tokenClient.refresh(link.refreshToken);
    const enablement = this.enablements.get(customerId);
    if (!enablement?.link) return undefined; // Disabled while the refresh was under way.
    if (outcome.ok) {
      // A response without a refresh token keeps the old one (RFC 6749 §6 allows either).
      enablement.link = { ...outcome.tokens, refreshToken: outcome.tokens.refreshToken ?? link.refreshToken, via: link.via };
      return enablement.link.accessToken;
    }
    if (outcome.status !== undefined && outcome.status >= 400 && outcome.status < 500) {
      this.unlink(customerId, `refresh refused (${outcome.reason})`);
    }
    return undefined;
  }

  private unlink(customerId: string, reason: string): void {
    const enablement = this.enablements.get(customerId);
    if (!enablement?.link) return;
    enablement.link = undefined;
    this.events.record({ from: 'Alexa', to: 'Alexa', method: 'UNLINK', url: 'account link', params: {}, note: `account unlinked: ${reason}` });
  }
}
