/**
 * `linkwright/jovo`: account linking for Jovo v4 apps on Alexa (`@jovotech/framework` and
 * `@jovotech/platform-alexa` 4.6, optional peer dependencies of this package).
 *
 * ```ts
 * const app = new App({ plugins: [new AlexaPlatform(), new LinkwrightPlugin({ issuer: 'https://link.example.com', skillName: 'Acme Pantry' })] });
 * // in a component handler:
 * if (!this.$linkwright?.user) return this.$send(linkAccountResponse(this));
 * ```
 * @packageDocumentation
 */
export { LinkwrightPlugin, type LinkStatus, type LinkwrightPluginConfig, type LinkwrightPluginOptions, type LinkwrightRequestContext } from './plugin';
export { LinkAccountOutput, linkAccountResponse, linkedUser, type LinkAccountOutputOptions } from './helpers';
export { toOutputTemplate } from './output';
export {
  ASK_FOR_ACCOUNT_LINKING_URI,
  decodeConnectionToken,
  encodeConnectionToken,
  LINK_PROMPTS,
  linkPromptLocale,
  MemoryLinkStore,
  notLinked,
  ProviderUnavailableError,
  type ExternalAccounts,
  type IssuerClient,
  type LinkAccountResponseOptions,
  type LinkedUser,
  type LinkingLevel,
  type LinkPrompts,
  type LinkStore,
  type LwaProviderOptions,
  type OidcProviderOptions,
  type PromptOverrides,
  type PromptParameters,
  type ProviderOptions,
  type ResolvedAccount,
  type Resolution,
  type ResolveOptions,
  type ResolveTokenOptions,
  type ResumeOutcome,
  type ResumeResult,
  type Sentence,
  type TokenResolver,
} from '../linking';
export type { KitLogger } from '../shared/log';
