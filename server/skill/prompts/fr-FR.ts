import type { PromptSet } from './types';

/** French (France), polite "vous" as Alexa speaks French. */
export const frFR: PromptSet = {
  welcome: ({ skill }) =>
    `Bienvenue sur ${skill}. Vous pouvez demander si des courses sont disponibles dans votre ville. Pour commander une course, vous devez d'abord associer votre compte ${skill}. Que souhaitez-vous faire ?`,
  welcomeBack: ({ skill, name }) =>
    `Bon retour sur ${skill}, ${name}. Vous pouvez commander une course ou demander si des courses sont disponibles dans une ville. Que souhaitez-vous faire ?`,
  welcomeWithLinkCard: ({ skill }) =>
    `Bienvenue sur ${skill}. Pour commander des courses, associez votre compte ${skill}. Je vous ai envoyé les instructions dans l'application Alexa. En attendant, vous pouvez demander si des courses sont disponibles dans votre ville. Que souhaitez-vous faire ?`,
  offerLink: ({ skill }) => `Bienvenue sur ${skill}. Pour commander des courses, vous devez associer votre compte ${skill}. Voulez-vous l'associer maintenant ?`,
  reprompt: () => 'Vous pouvez dire : commande une course, ou : y a-t-il des courses à Paris ? Que souhaitez-vous faire ?',
  help: ({ skill }) =>
    `${skill} vous indique si des courses sont disponibles dans une ville. Demandez par exemple : y a-t-il des courses à Paris ? Une fois votre compte associé, vous pouvez aussi dire : commande une course. Que souhaitez-vous faire ?`,
  askCity: () => 'Dans quelle ville dois-je vérifier ?',
  available: ({ skill, city, minutes }) => `Bonne nouvelle : ${skill} est disponible à ${city}. La voiture la plus proche est à environ ${minutes} minutes.`,
  unavailable: ({ skill, city }) => `Désolé, ${skill} n'est pas encore disponible à ${city}.`,
  rideOrdered: ({ name, minutes, destination }) =>
    `C'est noté, ${name}, votre course${destination ? ` vers ${destination}` : ''} est réservée. Votre chauffeur viendra vous chercher dans environ ${minutes} minutes.`,
  linkNeeded: ({ skill }) =>
    `Pour commander une course, ${skill} doit savoir qui vous êtes, afin d'utiliser votre adresse de prise en charge et votre moyen de paiement. Je vous ai envoyé les instructions pour associer votre compte dans l'application Alexa.`,
  linkCardRequested: ({ skill }) =>
    `Je vous ai envoyé les instructions pour associer votre compte ${skill} dans l'application Alexa. Une fois le compte associé, il vous suffira de demander pour commander une course.`,
  linkIntro: ({ skill }) => `D'accord, associons votre compte ${skill}.`,
  linkIntroForOrder: ({ skill }) => `Pour commander une course, vous devez d'abord associer votre compte ${skill}.`,
  linkedThanks: ({ skill }) => `Merci, votre compte ${skill} est maintenant associé.`,
  linkedWhatNext: ({ skill }) =>
    `Merci, votre compte ${skill} est maintenant associé. Vous pouvez commander une course quand vous le souhaitez. Que souhaitez-vous faire ?`,
  linkedAskToOrder: ({ skill }) => `Merci, votre compte ${skill} est maintenant associé. Voulez-vous que je commande votre course maintenant ?`,
  alreadyLinked: ({ skill, name }) =>
    `Votre compte ${skill} est déjà associé, ${name}. Vous pouvez commander une course quand vous le souhaitez. Que souhaitez-vous faire ?`,
  linkDeclined: () => 'Pas de problème. Vous pouvez toujours demander si des courses sont disponibles dans votre ville. Que souhaitez-vous faire ?',
  fallback: ({ skill }) =>
    `Désolé, ${skill} ne peut pas vous aider avec cela. Vous pouvez commander une course ou demander si des courses sont disponibles dans une ville. Que souhaitez-vous faire ?`,
  goodbye: ({ skill }) => `Au revoir, et merci d'avoir utilisé ${skill}.`,
  apology: ({ skill }) => `Désolé, ${skill} rencontre un problème pour le moment. Veuillez réessayer dans quelques minutes.`,
};
