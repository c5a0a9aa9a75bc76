import type { LinkPrompts } from './types';

const en: LinkPrompts = {
  linkNeeded: 'To do that, {skill} needs to know who you are. I\'ve sent instructions for linking your {skill} account to the Alexa app.',
  linkCardRequested: 'I\'ve sent instructions for linking your {skill} account to the Alexa app.',
  linkIntro: 'To do that, you first need to link your {skill} account.',
  linked: 'Thanks, your {skill} account is now linked. What would you like to do?',
  linkDeclined: 'No problem, your {skill} account stays unlinked. What would you like to do?',
  alreadyLinked: 'Your {skill} account is already linked. What would you like to do?',
  reprompt: 'What would you like to do?',
  apology: 'Sorry, {skill} is having trouble right now. Please try again in a few minutes.',
};

const de: LinkPrompts = {
  linkNeeded: 'Dafür muss {skill} wissen, wer du bist. Ich habe dir eine Anleitung zum Verknüpfen deines Kontos bei {skill} in die Alexa App geschickt.',
  linkCardRequested: 'Ich habe dir eine Anleitung zum Verknüpfen deines Kontos bei {skill} in die Alexa App geschickt.',
  linkIntro: 'Dafür musst du zuerst dein Konto bei {skill} verknüpfen.',
  linked: 'Danke, dein Konto bei {skill} ist jetzt verknüpft. Was möchtest du tun?',
  linkDeclined: 'Kein Problem, dein Konto bei {skill} bleibt unverknüpft. Was möchtest du tun?',
  alreadyLinked: 'Dein Konto bei {skill} ist bereits verknüpft. Was möchtest du tun?',
  reprompt: 'Was möchtest du tun?',
  apology: 'Entschuldigung, bei {skill} gibt es gerade ein Problem. Bitte versuche es in ein paar Minuten noch einmal.',
};

const fr: LinkPrompts = {
  linkNeeded: 'Pour cela, {skill} doit savoir qui vous êtes. J\'ai envoyé dans l\'application Alexa les instructions pour associer votre compte {skill}.',
  linkCardRequested: 'J\'ai envoyé dans l\'application Alexa les instructions pour associer votre compte {skill}.',
  linkIntro: 'Pour cela, vous devez d\'abord associer votre compte {skill}.',
  linked: 'Merci, votre compte {skill} est maintenant associé. Que souhaitez-vous faire ?',
  linkDeclined: 'Pas de problème, votre compte {skill} reste non associé. Que souhaitez-vous faire ?',
  alreadyLinked: 'Votre compte {skill} est déjà associé. Que souhaitez-vous faire ?',
  reprompt: 'Que souhaitez-vous faire ?',
  apology: 'Désolé, {skill} rencontre un problème pour le moment. Veuillez réessayer dans quelques minutes.',
};

const es: LinkPrompts = {
  linkNeeded: 'Para eso, {skill} necesita saber quién eres. Te he enviado a la app Alexa las instrucciones para vincular tu cuenta de {skill}.',
  linkCardRequested: 'Te he enviado a la app Alexa las instrucciones para vincular tu cuenta de {skill}.',
  linkIntro: 'Para eso, primero tienes que vincular tu cuenta de {skill}.',
  linked: 'Gracias, tu cuenta de {skill} ya está vinculada. ¿Qué quieres hacer?',
  linkDeclined: 'No pasa nada, tu cuenta de {skill} sigue sin vincular. ¿Qué quieres hacer?',
  alreadyLinked: 'Tu cuenta de {skill} ya está vinculada. ¿Qué quieres hacer?',
  reprompt: '¿Qué quieres hacer?',
  apology: 'Lo siento, {skill} tiene problemas en este momento. Vuelve a intentarlo en unos minutos.',
};

const it: LinkPrompts = {
  linkNeeded: 'Per farlo, {skill} deve sapere chi sei. Ho inviato all\'app Alexa le istruzioni per collegare il tuo account {skill}.',
  linkCardRequested: 'Ho inviato all\'app Alexa le istruzioni per collegare il tuo account {skill}.',
  linkIntro: 'Per farlo, devi prima collegare il tuo account {skill}.',
  linked: 'Grazie, il tuo account {skill} ora è collegato. Cosa vuoi fare?',
  linkDeclined: 'Nessun problema, il tuo account {skill} resta scollegato. Cosa vuoi fare?',
  alreadyLinked: 'Il tuo account {skill} è già collegato. Cosa vuoi fare?',
  reprompt: 'Cosa vuoi fare?',
  apology: 'Mi dispiace, {skill} ha un problema in questo momento. Riprova tra qualche minuto.',
};

const ja: LinkPrompts = {
  linkNeeded: 'そのためには、{skill}があなたのアカウントを確認する必要があります。{skill}のアカウントをリンクする手順をAlexaアプリに送りました。',
  linkCardRequested: '{skill}のアカウントをリンクする手順をAlexaアプリに送りました。',
  linkIntro: 'そのためには、まず{skill}のアカウントをリンクする必要があります。',
  linked: 'ありがとうございます。{skill}のアカウントがリンクされました。何をしますか？',
  linkDeclined: 'わかりました。{skill}のアカウントはリンクされていないままです。何をしますか？',
  alreadyLinked: '{skill}のアカウントはすでにリンクされています。何をしますか？',
  reprompt: '何をしますか？',
  apology: 'すみません、{skill}で問題が発生しています。数分後にもう一度お試しください。',
};

const pt: LinkPrompts = {
  linkNeeded: 'Para isso, o {skill} precisa saber quem você é. Enviei para o app Alexa as instruções para vincular sua conta {skill}.',
  linkCardRequested: 'Enviei para o app Alexa as instruções para vincular sua conta {skill}.',
  linkIntro: 'Para isso, primeiro você precisa vincular sua conta {skill}.',
  linked: 'Obrigado, sua conta {skill} agora está vinculada. O que você quer fazer?',
  linkDeclined: 'Tudo bem, sua conta {skill} continua sem vínculo. O que você quer fazer?',
  alreadyLinked: 'Sua conta {skill} já está vinculada. O que você quer fazer?',
  reprompt: 'O que você quer fazer?',
  apology: 'Desculpe, o {skill} está com problemas no momento. Tente de novo em alguns minutos.',
};

const nl: LinkPrompts = {
  linkNeeded: 'Daarvoor moet {skill} weten wie je bent. Ik heb instructies om je account van {skill} te koppelen naar de Alexa-app gestuurd.',
  linkCardRequested: 'Ik heb instructies om je account van {skill} te koppelen naar de Alexa-app gestuurd.',
  linkIntro: 'Daarvoor moet je eerst je account van {skill} koppelen.',
  linked: 'Bedankt, je account van {skill} is nu gekoppeld. Wat wil je doen?',
  linkDeclined: 'Geen probleem, je account van {skill} blijft ontkoppeld. Wat wil je doen?',
  alreadyLinked: 'Je account van {skill} is al gekoppeld. Wat wil je doen?',
  reprompt: 'Wat wil je doen?',
  apology: 'Sorry, {skill} heeft op dit moment een probleem. Probeer het over een paar minuten opnieuw.',
};

const hi: LinkPrompts = {
  linkNeeded: 'इसके लिए {skill} को जानना होगा कि आप कौन हैं। मैंने आपका {skill} अकाउंट लिंक करने के निर्देश Alexa ऐप में भेज दिए हैं।',
  linkCardRequested: 'मैंने आपका {skill} अकाउंट लिंक करने के निर्देश Alexa ऐप में भेज दिए हैं।',
  linkIntro: 'इसके लिए पहले आपको अपना {skill} अकाउंट लिंक करना होगा।',
  linked: 'धन्यवाद, आपका {skill} अकाउंट अब लिंक हो गया है। आप क्या करना चाहेंगे?',
  linkDeclined: 'कोई बात नहीं, आपका {skill} अकाउंट लिंक नहीं किया गया। आप क्या करना चाहेंगे?',
  alreadyLinked: 'आपका {skill} अकाउंट पहले से लिंक है। आप क्या करना चाहेंगे?',
  reprompt: 'आप क्या करना चाहेंगे?',
  apology: 'माफ़ कीजिए, {skill} में अभी कुछ समस्या आ रही है। कृपया कुछ मिनट बाद फिर से कोशिश करें।',
};

const ar: LinkPrompts = {
  linkNeeded: 'لذلك يحتاج {skill} إلى معرفة من أنت. لقد أرسلت تعليمات ربط حسابك في {skill} إلى تطبيق Alexa.',
  linkCardRequested: 'لقد أرسلت تعليمات ربط حسابك في {skill} إلى تطبيق Alexa.',
  linkIntro: 'لذلك عليك أولًا ربط حسابك في {skill}.',
  linked: 'شكرًا، تم ربط حسابك في {skill}. ماذا تريد أن تفعل؟',
  linkDeclined: 'لا مشكلة، سيبقى حسابك في {skill} غير مربوط. ماذا تريد أن تفعل؟',
  alreadyLinked: 'حسابك في {skill} مربوط بالفعل. ماذا تريد أن تفعل؟',
  reprompt: 'ماذا تريد أن تفعل؟',
  apology: 'عذرًا، يواجه {skill} مشكلة حاليًا. يُرجى المحاولة مرة أخرى بعد بضع دقائق.',
};

/** The generic link prompts for every locale a custom skill can be published in. */
export const LINK_PROMPTS: Readonly<Record<string, LinkPrompts>> = {
  'ar-SA': ar,
  'de-DE': de,
  'en-AU': en,
  'en-CA': en,
  'en-GB': en,
  'en-IN': en,
  'en-US': en,
  'es-ES': es,
  'es-MX': es,
  'es-US': es,
  'fr-CA': fr,
  'fr-FR': fr,
  'hi-IN': hi,
  'it-IT': it,
  'ja-JP': ja,
  'nl-NL': nl,
  'pt-BR': pt,
};

/** The locale that stands for a language when a request's exact locale is not published. */
export const LANGUAGE_DEFAULTS: Readonly<Record<string, string>> = {
  ar: 'ar-SA', de: 'de-DE', en: 'en-US', es: 'es-ES', fr: 'fr-FR', hi: 'hi-IN', it: 'it-IT', ja: 'ja-JP', nl: 'nl-NL', pt: 'pt-BR',
};
