import type { PromptSet } from './types';

/** Spanish (Spain), informal "tú" as Alexa speaks Spanish. */
export const esES: PromptSet = {
  welcome: ({ skill }) =>
    `Te damos la bienvenida a ${skill}. Puedes preguntar si hay viajes disponibles en tu ciudad. Para pedir un viaje, tendrás que vincular tu cuenta de ${skill}. ¿Qué quieres hacer?`,
  welcomeBack: ({ skill, name }) =>
    `Hola de nuevo, ${name}. Te damos la bienvenida a ${skill}. Puedes pedir un viaje o preguntar si hay viajes disponibles en una ciudad. ¿Qué quieres hacer?`,
  welcomeWithLinkCard: ({ skill }) =>
    `Te damos la bienvenida a ${skill}. Para pedir viajes, vincula tu cuenta de ${skill}. Te he enviado las instrucciones a la aplicación Alexa. Mientras tanto, puedes preguntar si hay viajes disponibles en tu ciudad. ¿Qué quieres hacer?`,
  offerLink: ({ skill }) => `Te damos la bienvenida a ${skill}. Para pedir viajes, tendrás que vincular tu cuenta de ${skill}. ¿Quieres vincularla ahora?`,
  reprompt: () => 'Puedes decir: pide un viaje, o: ¿hay viajes en Madrid? ¿Qué quieres hacer?',
  help: ({ skill }) =>
    `${skill} te dice si hay viajes disponibles en una ciudad. Pregunta, por ejemplo: ¿hay viajes en Madrid? Cuando tu cuenta esté vinculada, también puedes decir: pide un viaje. ¿Qué quieres hacer?`,
  askCity: () => '¿Qué ciudad quieres que consulte?',
  available: ({ skill, city, minutes }) => `¡Buenas noticias! ${skill} opera en ${city}. El coche más cercano está a unos ${minutes} minutos.`,
  unavailable: ({ skill, city }) => `Lo siento, ${skill} todavía no opera en ${city}.`,
  rideOrdered: ({ name, minutes, destination }) =>
    `Vale, ${name}, tu viaje${destination ? ` a ${destination}` : ''} está reservado. Tu conductor te recogerá en unos ${minutes} minutos.`,
  linkNeeded: ({ skill }) =>
    `Para pedir un viaje, ${skill} necesita saber quién eres, para usar tu dirección de recogida y tu método de pago. Te he enviado las instrucciones para vincular tu cuenta a la aplicación Alexa.`,
  linkCardRequested: ({ skill }) =>
    `Te he enviado las instrucciones para vincular tu cuenta de ${skill} a la aplicación Alexa. Cuando esté vinculada, podrás pedir viajes con solo decirlo.`,
  linkIntro: ({ skill }) => `De acuerdo, vamos a vincular tu cuenta de ${skill}.`,
  linkIntroForOrder: ({ skill }) => `Para pedir un viaje, primero tienes que vincular tu cuenta de ${skill}.`,
  linkedThanks: ({ skill }) => `Gracias, tu cuenta de ${skill} ya está vinculada.`,
  linkedWhatNext: ({ skill }) => `Gracias, tu cuenta de ${skill} ya está vinculada. Puedes pedir un viaje cuando quieras. ¿Qué quieres hacer?`,
  linkedAskToOrder: ({ skill }) => `Gracias, tu cuenta de ${skill} ya está vinculada. ¿Pido tu viaje ahora?`,
  alreadyLinked: ({ skill, name }) => `Tu cuenta de ${skill} ya está vinculada, ${name}. Puedes pedir un viaje cuando quieras. ¿Qué quieres hacer?`,
  linkDeclined: () => 'No pasa nada. Puedes seguir preguntando si hay viajes disponibles en tu ciudad. ¿Qué quieres hacer?',
  fallback: ({ skill }) =>
    `Lo siento, ${skill} no puede ayudarte con eso. Puedes pedir un viaje o preguntar si hay viajes disponibles en una ciudad. ¿Qué quieres hacer?`,
  goodbye: ({ skill }) => `Adiós, y gracias por usar ${skill}.`,
  apology: ({ skill }) => `Lo siento, ${skill} tiene problemas en este momento. Vuelve a intentarlo en unos minutos.`,
};
