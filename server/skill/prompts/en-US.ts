import type { PromptSet } from './types';

/** American English; the other English locales start from these. */
export const enUS: PromptSet = {
  welcome: ({ skill }) => `Welcome to ${skill}. You can ask whether rides are available in your city. To order a ride, you'll need to link your ${skill} account. What would you like to do?`,
  welcomeBack: ({ skill, name }) => `Welcome back to ${skill}, ${name}. You can order a ride, or ask whether rides are available in a city. What would you like to do?`,
  welcomeWithLinkCard: ({ skill }) =>
    `Welcome to ${skill}. To order rides, link your ${skill} account. I've sent instructions to the Alexa app. Meanwhile, you can ask whether rides are available in your city. What would you like to do?`,
  offerLink: ({ skill }) => `Welcome to ${skill}. To order rides, you'll need to link your ${skill} account. Would you like to link it now?`,
  reprompt: () => 'You can say: order a ride, or: are rides available in Seattle? What would you like to do?',
  help: ({ skill }) =>
    `${skill} can tell you whether rides are available in a city. Just ask, for example: are rides available in Seattle? Once your account is linked, you can also say: order a ride. What would you like to do?`,
  askCity: () => 'Which city should I check?',
  available: ({ skill, city, minutes }) => `Good news: ${skill} operates in ${city}. The nearest car is about ${minutes} minutes away.`,
  unavailable: ({ skill, city }) => `Sorry, ${skill} doesn't operate in ${city} yet.`,
  rideOrdered: ({ name, minutes, destination }) =>
    `Okay ${name}, your ride${destination ? ` to ${destination}` : ''} is booked. Your driver will pick you up in about ${minutes} minutes.`,
  linkNeeded: ({ skill }) =>
    `To order a ride, ${skill} needs to know who you are, so it can use your pickup address and payment method. I've sent instructions for linking your account to the Alexa app.`,
  linkCardRequested: ({ skill }) => `I've sent instructions for linking your ${skill} account to the Alexa app. Once it's linked, you can order rides just by asking.`,
  linkIntro: ({ skill }) => `Okay, let's link your ${skill} account.`,
  linkIntroForOrder: ({ skill }) => `To order a ride, you first need to link your ${skill} account.`,
  linkedThanks: ({ skill }) => `Thanks, your ${skill} account is now linked.`,
  linkedWhatNext: ({ skill }) => `Thanks, your ${skill} account is now linked. You can order a ride whenever you like. What would you like to do?`,
  linkedAskToOrder: ({ skill }) => `Thanks, your ${skill} account is now linked. Shall I order your ride now?`,
  alreadyLinked: ({ skill, name }) => `Your ${skill} account is already linked, ${name}. You can order a ride whenever you like. What would you like to do?`,
  linkDeclined: () => 'No problem. You can still ask whether rides are available in your city. What would you like to do?',
  fallback: ({ skill }) => `Sorry, ${skill} can't help with that. You can order a ride, or ask whether rides are available in a city. What would you like to do?`,
  goodbye: ({ skill }) => `Goodbye, and thanks for using ${skill}.`,
  apology: ({ skill }) => `Sorry, ${skill} is having trouble right now. Please try again in a few minutes.`,
};
