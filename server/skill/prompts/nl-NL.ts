import type { PromptSet } from './types';

/** Dutch, informal "je" as Alexa speaks Dutch. */
export const nlNL: PromptSet = {
  welcome: ({ skill }) =>
    `Welkom bij ${skill}. Je kunt vragen of er ritten beschikbaar zijn in jouw stad. Om een rit te bestellen, moet je je account van ${skill} koppelen. Wat wil je doen?`,
  welcomeBack: ({ skill, name }) => `Welkom terug bij ${skill}, ${name}. Je kunt een rit bestellen of vragen of er ritten beschikbaar zijn in een stad. Wat wil je doen?`,
  welcomeWithLinkCard: ({ skill }) =>
    `Welkom bij ${skill}. Koppel je account van ${skill} om ritten te bestellen. Ik heb instructies naar de Alexa-app gestuurd. Ondertussen kun je vragen of er ritten beschikbaar zijn in jouw stad. Wat wil je doen?`,
  offerLink: ({ skill }) => `Welkom bij ${skill}. Om ritten te bestellen, moet je je account van ${skill} koppelen. Wil je het nu koppelen?`,
  reprompt: () => 'Je kunt zeggen: bestel een rit, of: zijn er ritten in Amsterdam? Wat wil je doen?',
  help: ({ skill }) =>
    `${skill} vertelt je of er ritten beschikbaar zijn in een stad. Vraag bijvoorbeeld: zijn er ritten in Amsterdam? Zodra je account gekoppeld is, kun je ook zeggen: bestel een rit. Wat wil je doen?`,
  askCity: () => 'Voor welke stad moet ik het nakijken?',
  available: ({ skill, city, minutes }) => `Goed nieuws: ${skill} rijdt in ${city}. De dichtstbijzijnde auto is ongeveer ${minutes} minuten van je verwijderd.`,
  unavailable: ({ skill, city }) => `Sorry, ${skill} rijdt nog niet in ${city}.`,
  rideOrdered: ({ name, minutes, destination }) =>
    `Oké ${name}, je rit${destination ? ` naar ${destination}` : ''} is geboekt. Je chauffeur haalt je over ongeveer ${minutes} minuten op.`,
  linkNeeded: ({ skill }) =>
    `Om een rit te bestellen, moet ${skill} weten wie je bent, zodat je ophaaladres en betaalmethode gebruikt kunnen worden. Ik heb instructies om je account te koppelen naar de Alexa-app gestuurd.`,
  linkCardRequested: ({ skill }) =>
    `Ik heb instructies om je account van ${skill} te koppelen naar de Alexa-app gestuurd. Zodra het gekoppeld is, kun je ritten bestellen door het gewoon te vragen.`,
  linkIntro: ({ skill }) => `Oké, laten we je account van ${skill} koppelen.`,
  linkIntroForOrder: ({ skill }) => `Om een rit te bestellen, moet je eerst je account van ${skill} koppelen.`,
  linkedThanks: ({ skill }) => `Bedankt, je account van ${skill} is nu gekoppeld.`,
  linkedWhatNext: ({ skill }) => `Bedankt, je account van ${skill} is nu gekoppeld. Je kunt een rit bestellen wanneer je maar wilt. Wat wil je doen?`,
  linkedAskToOrder: ({ skill }) => `Bedankt, je account van ${skill} is nu gekoppeld. Zal ik je rit nu bestellen?`,
  alreadyLinked: ({ skill, name }) => `Je account van ${skill} is al gekoppeld, ${name}. Je kunt een rit bestellen wanneer je maar wilt. Wat wil je doen?`,
  linkDeclined: () => 'Geen probleem. Je kunt nog steeds vragen of er ritten beschikbaar zijn in jouw stad. Wat wil je doen?',
  fallback: ({ skill }) =>
    `Sorry, daar kan ${skill} je niet mee helpen. Je kunt een rit bestellen of vragen of er ritten beschikbaar zijn in een stad. Wat wil je doen?`,
  goodbye: ({ skill }) => `Tot ziens, en bedankt voor het gebruiken van ${skill}.`,
  apology: ({ skill }) => `Sorry, ${skill} heeft op dit moment een probleem. Probeer het over een paar minuten opnieuw.`,
};
