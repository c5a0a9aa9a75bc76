/**
 * `linkwright/ask-sdk`: account linking for ask-sdk-core 2.x skills.
 *
 * ```ts
 * const kit = createLinkingKit({ issuer: 'https://link.example.com', skillName: 'Ride Hailer' });
 * SkillBuilders.custom().addRequestInterceptors(kit.requestInterceptor).addRequestHandlers(...kit.requestHandlers, ...yours)
 * ```
 * @packageDocumentation
 */
export { createLinkingKit, type LinkAccountResponseOptions, type LinkingKit, type LinkingKitOptions } from './create-linking-kit';
export {
  ALEXA_LOCALES,
  alexaLocale,
  ASK_FOR_ACCOUNT_LINKING_URI,
  decodeConnectionToken,
  encodeConnectionToken,
  isLinkAnswer,
  LINK_PROMPTS,
  linkPromptLocale,
  MemoryLinkStore,
  notLinked,
  ProviderUnavailableError,
  ssmlText,
  type AlexaLocale,
  type ExternalAccounts,
  type IssuerClient,
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
