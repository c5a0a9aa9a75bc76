import type { PromptSet } from './types';

/** German (informal "du", as Alexa speaks German). */
export const deDE: PromptSet = {
  welcome: ({ skill }) =>
    `Willkommen bei ${skill}. Du kannst fragen, ob in deiner Stadt Fahrten verfügbar sind. Um eine Fahrt zu bestellen, musst du dein Konto bei ${skill} verknüpfen. Was möchtest du tun?`,
  welcomeBack: ({ skill, name }) => `Willkommen zurück bei ${skill}, ${name}. Du kannst eine Fahrt bestellen oder fragen, ob in einer Stadt Fahrten verfügbar sind. Was möchtest du tun?`,
  welcomeWithLinkCard: ({ skill }) =>
    `Willkommen bei ${skill}. Um Fahrten zu bestellen, verknüpfe dein Konto bei ${skill}. Ich habe dir eine Anleitung in die Alexa App geschickt. Bis dahin kannst du fragen, ob in deiner Stadt Fahrten verfügbar sind. Was möchtest du tun?`,
  offerLink: ({ skill }) => `Willkommen bei ${skill}. Um Fahrten zu bestellen, musst du dein Konto bei ${skill} verknüpfen. Möchtest du es jetzt verknüpfen?`,
  reprompt: () => 'Du kannst sagen: bestelle eine Fahrt, oder: gibt es Fahrten in Berlin? Was möchtest du tun?',
  help: ({ skill }) =>
    `${skill} sagt dir, ob in einer Stadt Fahrten verfügbar sind. Frag zum Beispiel: gibt es Fahrten in Berlin? Sobald dein Konto verknüpft ist, kannst du auch sagen: bestelle eine Fahrt. Was möchtest du tun?`,
  askCity: () => 'Für welche Stadt soll ich nachsehen?',
  available: ({ skill, city, minutes }) => `Gute Nachricht: ${skill} fährt in ${city}. Das nächste Auto ist etwa ${minutes} Minuten entfernt.`,
  unavailable: ({ skill, city }) => `Leider ist ${skill} in ${city} noch nicht verfügbar.`,
  rideOrdered: ({ name, minutes, destination }) =>
    `Alles klar, ${name}, deine Fahrt${destination ? ` nach ${destination}` : ''} ist gebucht. Dein Fahrer holt dich in etwa ${minutes} Minuten ab.`,
  linkNeeded: ({ skill }) =>
    `Um eine Fahrt zu bestellen, muss ${skill} wissen, wer du bist, damit deine Abholadresse und deine Zahlungsart verwendet werden können. Ich habe dir eine Anleitung zum Verknüpfen deines Kontos in die Alexa App geschickt.`,
  linkCardRequested: ({ skill }) =>
    `Ich habe dir eine Anleitung zum Verknüpfen deines Kontos bei ${skill} in die Alexa App geschickt. Sobald es verknüpft ist, kannst du Fahrten einfach per Sprache bestellen.`,
  linkIntro: ({ skill }) => `Okay, lass uns dein Konto bei ${skill} verknüpfen.`,
  linkIntroForOrder: ({ skill }) => `Um eine Fahrt zu bestellen, musst du zuerst dein Konto bei ${skill} verknüpfen.`,
  linkedThanks: ({ skill }) => `Danke, dein Konto bei ${skill} ist jetzt verknüpft.`,
  linkedWhatNext: ({ skill }) => `Danke, dein Konto bei ${skill} ist jetzt verknüpft. Du kannst jederzeit eine Fahrt bestellen. Was möchtest du tun?`,
  linkedAskToOrder: ({ skill }) => `Danke, dein Konto bei ${skill} ist jetzt verknüpft. Soll ich deine Fahrt jetzt bestellen?`,
  alreadyLinked: ({ skill, name }) => `Dein Konto bei ${skill} ist bereits verknüpft, ${name}. Du kannst jederzeit eine Fahrt bestellen. Was möchtest du tun?`,
  linkDeclined: () => 'Kein Problem. Du kannst trotzdem fragen, ob in deiner Stadt Fahrten verfügbar sind. Was möchtest du tun?',
  fallback: ({ skill }) =>
    `Tut mir leid, dabei kann ${skill} nicht helfen. Du kannst eine Fahrt bestellen oder fragen, ob in einer Stadt Fahrten verfügbar sind. Was möchtest du tun?`,
  goodbye: ({ skill }) => `Tschüss, und danke, dass du ${skill} nutzt.`,
  apology: ({ skill }) => `Entschuldigung, bei ${skill} gibt es gerade ein Problem. Bitte versuche es in ein paar Minuten noch einmal.`,
};
