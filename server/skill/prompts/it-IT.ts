import type { PromptSet } from './types';

/** Italian, informal "tu" as Alexa speaks Italian. */
export const itIT: PromptSet = {
  welcome: ({ skill }) =>
    `Benvenuto su ${skill}. Puoi chiedere se ci sono corse disponibili nella tua città. Per prenotare una corsa, devi collegare il tuo account ${skill}. Cosa vuoi fare?`,
  welcomeBack: ({ skill, name }) => `Bentornato su ${skill}, ${name}. Puoi prenotare una corsa o chiedere se ci sono corse disponibili in una città. Cosa vuoi fare?`,
  welcomeWithLinkCard: ({ skill }) =>
    `Benvenuto su ${skill}. Per prenotare le corse, collega il tuo account ${skill}. Ti ho inviato le istruzioni nell'app Alexa. Nel frattempo, puoi chiedere se ci sono corse disponibili nella tua città. Cosa vuoi fare?`,
  offerLink: ({ skill }) => `Benvenuto su ${skill}. Per prenotare le corse, devi collegare il tuo account ${skill}. Vuoi collegarlo adesso?`,
  reprompt: () => 'Puoi dire: prenota una corsa, oppure: ci sono corse a Roma? Cosa vuoi fare?',
  help: ({ skill }) =>
    `${skill} ti dice se ci sono corse disponibili in una città. Chiedi, per esempio: ci sono corse a Roma? Dopo aver collegato il tuo account, puoi anche dire: prenota una corsa. Cosa vuoi fare?`,
  askCity: () => 'In quale città devo controllare?',
  available: ({ skill, city, minutes }) => `Buone notizie: ${skill} è attivo a ${city}. L'auto più vicina è a circa ${minutes} minuti.`,
  unavailable: ({ skill, city }) => `Mi dispiace, ${skill} non è ancora attivo a ${city}.`,
  rideOrdered: ({ name, minutes, destination }) =>
    `Va bene, ${name}, la tua corsa${destination ? ` per ${destination}` : ''} è prenotata. L'autista passerà a prenderti tra circa ${minutes} minuti.`,
  linkNeeded: ({ skill }) =>
    `Per prenotare una corsa, ${skill} deve sapere chi sei, così da usare il tuo indirizzo di partenza e il tuo metodo di pagamento. Ti ho inviato le istruzioni per collegare il tuo account nell'app Alexa.`,
  linkCardRequested: ({ skill }) =>
    `Ti ho inviato le istruzioni per collegare il tuo account ${skill} nell'app Alexa. Una volta collegato, potrai prenotare le corse semplicemente chiedendolo.`,
  linkIntro: ({ skill }) => `Va bene, colleghiamo il tuo account ${skill}.`,
  linkIntroForOrder: ({ skill }) => `Per prenotare una corsa, devi prima collegare il tuo account ${skill}.`,
  linkedThanks: ({ skill }) => `Grazie, il tuo account ${skill} ora è collegato.`,
  linkedWhatNext: ({ skill }) => `Grazie, il tuo account ${skill} ora è collegato. Puoi prenotare una corsa quando vuoi. Cosa vuoi fare?`,
  linkedAskToOrder: ({ skill }) => `Grazie, il tuo account ${skill} ora è collegato. Vuoi che prenoti la tua corsa adesso?`,
  alreadyLinked: ({ skill, name }) => `Il tuo account ${skill} è già collegato, ${name}. Puoi prenotare una corsa quando vuoi. Cosa vuoi fare?`,
  linkDeclined: () => 'Nessun problema. Puoi comunque chiedere se ci sono corse disponibili nella tua città. Cosa vuoi fare?',
  fallback: ({ skill }) =>
    `Mi dispiace, ${skill} non può aiutarti con questo. Puoi prenotare una corsa o chiedere se ci sono corse disponibili in una città. Cosa vuoi fare?`,
  goodbye: ({ skill }) => `Arrivederci, e grazie per aver usato ${skill}.`,
  apology: ({ skill }) => `Mi dispiace, ${skill} ha un problema in questo momento. Riprova tra qualche minuto.`,
};
