import type { PromptSet } from './types';

/**
 * Arabic (Modern Standard Arabic, as Alexa speaks it in Saudi Arabia). "دقائق" is the plural for
 * 3 to 10, which is the range the ride catalogue quotes.
 */
export const arSA: PromptSet = {
  welcome: ({ skill }) => `مرحبًا بك في ${skill}. يمكنك أن تسأل عن توفر الرحلات في مدينتك. لطلب رحلة، عليك ربط حسابك في ${skill}. ماذا تريد أن تفعل؟`,
  welcomeBack: ({ skill, name }) => `مرحبًا بعودتك إلى ${skill} يا ${name}. يمكنك طلب رحلة أو السؤال عن توفر الرحلات في إحدى المدن. ماذا تريد أن تفعل؟`,
  welcomeWithLinkCard: ({ skill }) =>
    `مرحبًا بك في ${skill}. لطلب الرحلات، اربط حسابك في ${skill}. لقد أرسلت التعليمات إلى تطبيق Alexa. وفي هذه الأثناء، يمكنك أن تسأل عن توفر الرحلات في مدينتك. ماذا تريد أن تفعل؟`,
  offerLink: ({ skill }) => `مرحبًا بك في ${skill}. لطلب الرحلات، عليك ربط حسابك في ${skill}. هل تريد ربطه الآن؟`,
  reprompt: () => 'يمكنك أن تقول: اطلب رحلة، أو: هل تتوفر رحلات في الرياض؟ ماذا تريد أن تفعل؟',
  help: ({ skill }) =>
    `يخبرك ${skill} إن كانت الرحلات متوفرة في مدينة ما. اسأل مثلًا: هل تتوفر رحلات في الرياض؟ وبعد ربط حسابك، يمكنك أيضًا أن تقول: اطلب رحلة. ماذا تريد أن تفعل؟`,
  askCity: () => 'أي مدينة تريد أن أتحقق منها؟',
  available: ({ skill, city, minutes }) => `أخبار سارة: ${skill} متوفر في ${city}. أقرب سيارة تبعد نحو ${minutes} دقائق.`,
  unavailable: ({ skill, city }) => `عذرًا، ${skill} غير متوفر في ${city} بعد.`,
  rideOrdered: ({ name, minutes, destination }) =>
    `حسنًا يا ${name}، تم حجز رحلتك${destination ? ` إلى ${destination}` : ''}. سيصل السائق لاصطحابك خلال ${minutes} دقائق تقريبًا.`,
  linkNeeded: ({ skill }) =>
    `لطلب رحلة، يحتاج ${skill} إلى معرفة هويتك، حتى يستخدم عنوان الانطلاق وطريقة الدفع الخاصة بك. لقد أرسلت تعليمات ربط حسابك إلى تطبيق Alexa.`,
  linkCardRequested: ({ skill }) => `لقد أرسلت تعليمات ربط حسابك في ${skill} إلى تطبيق Alexa. بعد ربط الحساب، يمكنك طلب الرحلات بمجرد أن تطلب ذلك.`,
  linkIntro: ({ skill }) => `حسنًا، لنربط حسابك في ${skill}.`,
  linkIntroForOrder: ({ skill }) => `لطلب رحلة، عليك أولًا ربط حسابك في ${skill}.`,
  linkedThanks: ({ skill }) => `شكرًا لك، تم ربط حسابك في ${skill}.`,
  linkedWhatNext: ({ skill }) => `شكرًا لك، تم ربط حسابك في ${skill}. يمكنك طلب رحلة في أي وقت. ماذا تريد أن تفعل؟`,
  linkedAskToOrder: ({ skill }) => `شكرًا لك، تم ربط حسابك في ${skill}. هل أطلب رحلتك الآن؟`,
  alreadyLinked: ({ skill, name }) => `حسابك في ${skill} مرتبط بالفعل يا ${name}. يمكنك طلب رحلة في أي وقت. ماذا تريد أن تفعل؟`,
  linkDeclined: () => 'لا مشكلة. لا يزال بإمكانك السؤال عن توفر الرحلات في مدينتك. ماذا تريد أن تفعل؟',
  fallback: ({ skill }) => `عذرًا، لا يستطيع ${skill} المساعدة في ذلك. يمكنك طلب رحلة أو السؤال عن توفر الرحلات في إحدى المدن. ماذا تريد أن تفعل؟`,
  goodbye: ({ skill }) => `مع السلامة، وشكرًا لاستخدامك ${skill}.`,
  apology: ({ skill }) => `عذرًا، يواجه ${skill} مشكلة حاليًا. يُرجى المحاولة مرة أخرى بعد بضع دقائق.`,
};
