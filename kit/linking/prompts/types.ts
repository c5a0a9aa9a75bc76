/** What every link prompt can use: the skill's spoken name. */
export interface PromptParameters {
  /** The skill's name as it should be spoken (`skillName`). */
  skill: string;
}

/** A sentence: plain text with `{skill}` where the skill's name goes, or a function of the parameters. */
export type Sentence = string | ((p: PromptParameters) => string);

/**
 * Every sentence the kit speaks, for one locale: generic (about the skill's account, nothing else), plain
 * text (no SSML; the kit escapes it).
 */
export interface LinkPrompts {
  /** With the LinkAccount card, when something the user asked for needs a linked account. */
  linkNeeded: Sentence;
  /** With the LinkAccount card, when the user asked to link (and voice-forward linking is not available). */
  linkCardRequested: Sentence;
  /** Spoken before Alexa's voice-forward linking dialog. */
  linkIntro: Sentence;
  /** Voice-forward linking succeeded. */
  linked: Sentence;
  /** The user declined voice-forward linking. */
  linkDeclined: Sentence;
  /** The user asked to link but is linked already. */
  alreadyLinked: Sentence;
  /** The reprompt after an open question. */
  reprompt: Sentence;
  /** Something failed on the skill's side (a provider outage): a spoken apology, session ends. */
  apology: Sentence;
}
