import type { PromptSet } from './types';

/** Brazilian Portuguese ("você"; Alexa's voice thanks with "obrigada"). */
export const ptBR: PromptSet = {
  welcome: ({ skill }) =>
    `Boas-vindas ao ${skill}. Você pode perguntar se há corridas disponíveis na sua cidade. Para pedir uma corrida, você precisa vincular sua conta ${skill}. O que você quer fazer?`,
  welcomeBack: ({ skill, name }) =>
    `Que bom ter você de volta ao ${skill}, ${name}. Você pode pedir uma corrida ou perguntar se há corridas disponíveis em uma cidade. O que você quer fazer?`,
  welcomeWithLinkCard: ({ skill }) =>
    `Boas-vindas ao ${skill}. Para pedir corridas, vincule sua conta ${skill}. Enviei as instruções para o aplicativo Alexa. Enquanto isso, você pode perguntar se há corridas disponíveis na sua cidade. O que você quer fazer?`,
  offerLink: ({ skill }) => `Boas-vindas ao ${skill}. Para pedir corridas, você precisa vincular sua conta ${skill}. Quer vincular agora?`,
  reprompt: () => 'Você pode dizer: pedir uma corrida, ou: tem corrida em São Paulo? O que você quer fazer?',
  help: ({ skill }) =>
    `O ${skill} informa se há corridas disponíveis em uma cidade. Pergunte, por exemplo: tem corrida em São Paulo? Depois de vincular sua conta, você também pode dizer: pedir uma corrida. O que você quer fazer?`,
  askCity: () => 'Qual cidade eu devo verificar?',
  available: ({ skill, city, minutes }) => `Boa notícia: o ${skill} atende ${city}. O carro mais próximo está a cerca de ${minutes} minutos.`,
  unavailable: ({ skill, city }) => `Desculpe, o ${skill} ainda não atende ${city}.`,
  rideOrdered: ({ name, minutes, destination }) =>
    `Certo, ${name}, sua corrida${destination ? ` para ${destination}` : ''} está reservada. O motorista vai buscar você em cerca de ${minutes} minutos.`,
  linkNeeded: ({ skill }) =>
    `Para pedir uma corrida, o ${skill} precisa saber quem você é, para usar seu endereço de embarque e sua forma de pagamento. Enviei as instruções para vincular sua conta para o aplicativo Alexa.`,
  linkCardRequested: ({ skill }) =>
    `Enviei as instruções para vincular sua conta ${skill} para o aplicativo Alexa. Depois de vinculada, é só pedir para chamar uma corrida.`,
  linkIntro: ({ skill }) => `Certo, vamos vincular sua conta ${skill}.`,
  linkIntroForOrder: ({ skill }) => `Para pedir uma corrida, primeiro você precisa vincular sua conta ${skill}.`,
  linkedThanks: ({ skill }) => `Obrigada, sua conta ${skill} foi vinculada.`,
  linkedWhatNext: ({ skill }) => `Obrigada, sua conta ${skill} foi vinculada. Você pode pedir uma corrida quando quiser. O que você quer fazer?`,
  linkedAskToOrder: ({ skill }) => `Obrigada, sua conta ${skill} foi vinculada. Quer que eu peça sua corrida agora?`,
  alreadyLinked: ({ skill, name }) => `Sua conta ${skill} já está vinculada, ${name}. Você pode pedir uma corrida quando quiser. O que você quer fazer?`,
  linkDeclined: () => 'Tudo bem. Você ainda pode perguntar se há corridas disponíveis na sua cidade. O que você quer fazer?',
  fallback: ({ skill }) =>
    `Desculpe, o ${skill} não pode ajudar com isso. Você pode pedir uma corrida ou perguntar se há corridas disponíveis em uma cidade. O que você quer fazer?`,
  goodbye: ({ skill }) => `Tchau, e obrigada por usar o ${skill}.`,
  apology: ({ skill }) => `Desculpe, o ${skill} está com problemas no momento. Tente de novo em alguns minutos.`,
};
