/** What every prompt can use: the skill's spoken name. */
export interface Named {
  skill: string;
}

/**
 * Every sentence the skill speaks, for one locale. Each prompt is a function of its placeholders, so
 * the compiler keeps placeholders consistent across locales. Prompts return plain text (no SSML);
 * the response builder escapes it.
 */
export interface PromptSet {
  /** Launch, user not linked. */
  welcome(p: Named): string;
  /** Launch, user linked. */
  welcomeBack(p: Named & { name: string }): string;
  /** Launch, user not linked, linking offered at launch without voice-forward (a LinkAccount card is attached). */
  welcomeWithLinkCard(p: Named): string;
  /** Launch, user not linked, voice-forward linking offered as a yes/no question. */
  offerLink(p: Named): string;
  /** Reprompt after any open question. */
  reprompt(p: Named): string;
  help(p: Named): string;
  /** Availability asked without a city. */
  askCity(p: Named): string;
  available(p: Named & { city: string; minutes: number }): string;
  unavailable(p: Named & { city: string }): string;
  rideOrdered(p: Named & { name: string; minutes: number; destination?: string }): string;
  /** Card speech: the request needs a linked account (LinkAccount card attached, session ends). */
  linkNeeded(p: Named): string;
  /** Card speech: the user asked to link and voice-forward linking is not available. */
  linkCardRequested(p: Named): string;
  /** Spoken before Alexa's voice-forward linking dialog, when the user asked to link. */
  linkIntro(p: Named): string;
  /** Spoken before Alexa's voice-forward linking dialog, when the user wanted to order a ride. */
  linkIntroForOrder(p: Named): string;
  /** Voice-forward linking succeeded; followed by the ride the user wanted. */
  linkedThanks(p: Named): string;
  /** Voice-forward linking succeeded and nothing was pending. */
  linkedWhatNext(p: Named): string;
  /** Voice-forward linking succeeded but the token has not arrived yet: offer to order now. */
  linkedAskToOrder(p: Named): string;
  alreadyLinked(p: Named & { name: string }): string;
  /** The user declined linking (by voice or to the launch offer). */
  linkDeclined(p: Named): string;
  fallback(p: Named): string;
  goodbye(p: Named): string;
  /** Something failed on our side: a spoken apology, session ends. */
  apology(p: Named): string;
}
