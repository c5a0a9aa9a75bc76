import { esMX } from './es-MX';
import type { PromptSet } from './types';

/** US Spanish: the Mexican wording, Miami as the example city. */
export const esUS: PromptSet = {
  ...esMX,
  reprompt: () => 'Puedes decir: pide un viaje, o: ¿hay viajes en Miami? ¿Qué quieres hacer?',
  help: ({ skill }) =>
    `${skill} te dice si hay viajes disponibles en una ciudad. Pregunta, por ejemplo: ¿hay viajes en Miami? Cuando tu cuenta esté vinculada, también puedes decir: pide un viaje. ¿Qué quieres hacer?`,
};
