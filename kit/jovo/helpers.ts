import { BaseOutput, type Jovo, type OutputTemplate } from '@jovotech/framework';
import type { LinkAccountResponseOptions, LinkedUser } from '../linking';
import type { LinkwrightRequestContext } from './plugin';

declare module '@jovotech/framework/dist/types/Jovo' {
  interface Jovo {
    /** Set by `LinkwrightPlugin` before the dialogue of every request: the linked user and the link answer. */
    $linkwright?: LinkwrightRequestContext;
  }
}

function contextOf(jovo: Jovo): LinkwrightRequestContext {
  const context = jovo.$linkwright;
  if (context === undefined) throw new Error('linkwright/jovo: no $linkwright on this request; add new LinkwrightPlugin({...}) to the app\'s plugins');
  return context;
}

/** The request's linked user (`this.$linkwright.user`), or undefined when not linked. Throws when the plugin is not installed. */
export function linkedUser(jovo: Jovo): LinkedUser | undefined {
  return contextOf(jovo).user;
}

/**
 * The output for an intent that needs a linked account (`this.$linkwright.linkAccountResponse()`):
 * voice-forward linking or the LinkAccount card in the request's locale, the apology while the
 * provider is unavailable. Send it with `return this.$send(linkAccountResponse(this))`.
 */
export function linkAccountResponse(jovo: Jovo, options?: LinkAccountResponseOptions): OutputTemplate {
  return contextOf(jovo).linkAccountResponse(options);
}

/** Options of {@link LinkAccountOutput}: the link answer's options, and Jovo's output fields to override. */
export interface LinkAccountOutputOptions extends LinkAccountResponseOptions, OutputTemplate {}

/**
 * The link answer as a Jovo output class: `return this.$send(LinkAccountOutput, { reason: 'needed' })`,
 * the same as {@link linkAccountResponse}.
 */
export class LinkAccountOutput extends BaseOutput<LinkAccountOutputOptions> {
  /** Builds the link answer for the current request. */
  build(): OutputTemplate {
    const { reason, speech, state, cardOnly } = this.options;
    return contextOf(this.jovo).linkAccountResponse({ reason, speech, state, cardOnly });
  }
}
