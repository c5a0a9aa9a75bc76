import { esES } from './es-ES';
import type { PromptSet } from './types';

/** Mexican Spanish: "auto", the preterite ("te envié") and Ciudad de México as the example city. */
export const esMX: PromptSet = {
  ...esES,
  welcomeWithLinkCard: ({ skill }) =>
    `Te damos la bienvenida a ${skill}. Para pedir viajes, vincula tu cuenta de ${skill}. Te envié las instrucciones a la app de Alexa. Mientras tanto, puedes preguntar si hay viajes disponibles en tu ciudad. ¿Qué quieres hacer?`,
  reprompt: () => 'Puedes decir: pide un viaje, o: ¿hay viajes en Ciudad de México? ¿Qué quieres hacer?',
  help: ({ skill }) =>
    `${skill} te dice si hay viajes disponibles en una ciudad. Pregunta, por ejemplo: ¿hay viajes en Ciudad de México? Cuando tu cuenta esté vinculada, también puedes decir: pide un viaje. ¿Qué quieres hacer?`,
  available: ({ skill, city, minutes }) => `¡Buenas noticias! ${skill} opera en ${city}. El auto más cercano está a unos ${minutes} minutos.`,
  rideOrdered: ({ name, minutes, destination }) =>
    `Muy bien, ${name}, tu viaje${destination ? ` a ${destination}` : ''} está reservado. Tu conductor pasará por ti en unos ${minutes} minutos.`,
  linkNeeded: ({ skill }) =>
    `Para pedir un viaje, ${skill} necesita saber quién eres, para usar tu dirección de recogida y tu método de pago. Te envié las instrucciones para vincular tu cuenta a la app de Alexa.`,
  linkCardRequested: ({ skill }) =>
    `Te envié las instrucciones para vincular tu cuenta de ${skill} a la app de Alexa. Cuando esté vinculada, podrás pedir viajes con solo decirlo.`,
  linkDeclined: () => 'No hay problema. Puedes seguir preguntando si hay viajes disponibles en tu ciudad. ¿Qué quieres hacer?',
};
