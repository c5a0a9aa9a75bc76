import { frFR } from './fr-FR';
import type { PromptSet } from './types';

/** Canadian French: Montréal as the example city, a Québec farewell. */
export const frCA: PromptSet = {
  ...frFR,
  reprompt: () => 'Vous pouvez dire : commande une course, ou : y a-t-il des courses à Montréal ? Que souhaitez-vous faire ?',
  help: ({ skill }) =>
    `${skill} vous indique si des courses sont disponibles dans une ville. Demandez par exemple : y a-t-il des courses à Montréal ? Une fois votre compte associé, vous pouvez aussi dire : commande une course. Que souhaitez-vous faire ?`,
  goodbye: ({ skill }) => `Bonne journée, et merci d'avoir utilisé ${skill}.`,
};
