/**
 * The framework-agnostic linking core the ASK SDK kit and the Jovo plugin adapt: resolve the user
 * from an envelope (person first), build the link answer, read resume outcomes, handle skill events.
 * Internal to the package: import it through `linkwright/ask-sdk` or `linkwright/jovo`.
 */
export { ASK_FOR_ACCOUNT_LINKING_URI, buildLinkAnswer, isLinkAnswer, type LinkAnswerRequest } from './link-answer';
export { decodeConnectionToken, encodeConnectionToken, isOurConnectionToken } from './connection-token';
export { resolveLinkedUser, tokensOf, tokenToUse, type TokenChoice, type EnvelopeTokens, type LinkedUser, type LinkingLevel, type ResolveOptions, type UserLookup } from './linked-user';
export { MemoryLinkStore, type LinkStore } from './links';
export { ALEXA_LOCALES, alexaLocale, type AlexaLocale } from './locales';
export { LinkPromptBook, LINK_PROMPTS, linkPromptLocale, speak, type LinkPrompts, type PromptOverrides, type PromptParameters, type Sentence } from './prompts';
export { createProviderResolver, type LwaProviderOptions, type OidcProviderOptions, type ProviderOptions } from './providers';
export { readResume, type ResumeOutcome, type ResumeResult } from './resume';
export { handleSkillEvent, type SkillEventDeps } from './skill-events';
export { issuerRevocation, type IssuerClient } from './issuer-revocation';
export { createLinkingCore, localeOf, type LinkAccountResponseOptions, type LinkingCore, type LinkingCoreOptions } from './linking-core';
export { ssmlSpeech, ssmlText } from './ssml';
export { JwksKeySet, type JwksOptions, type VerificationKey } from './resolvers/jwks';
export { LinkwrightTokenResolver } from './resolvers/linkwright-resolver';
export { LwaTokenResolver, type LwaResolverOptions } from './resolvers/lwa-resolver';
export { OidcTokenResolver, type OidcResolverSettings } from './resolvers/oidc-resolver';
export { notLinked, ProviderUnavailableError, subjectAsUserId, type ExternalAccounts, type ResolvedAccount, type Resolution, type ResolveTokenOptions, type TokenResolver } from './resolvers/token-resolver';
