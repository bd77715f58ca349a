import type { PromptSet } from './types.js';

const CHANNEL_NAMES: Record<string, string> = {
  phone: 'this emergency line',
  chat: 'live chat',
  ticket: 'support tickets',
  'ticket-billing-only': 'support tickets for billing, account and registrar questions',
  community: 'the community forum',
  discord: 'the Discord community',
};

const list = (items: string[]) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;

const digits = (value: string | number | undefined) => String(value ?? "").split('').join(' ');

/** English (United States) prompts. */
export const enUS: PromptSet = {
  language: 'en-US',
  voice: 'Polly.Joanna',
  text: {
    welcome: 'Emergency support line.',
    switchOffer: 'For English, press star.',
    askId: 'Enter your customer ID, then the hash key.',
    invalidId: 'That is not a valid customer ID.',
    askCode: 'Enter the 6-digit code from your dashboard or authenticator app.',
    noMatch: 'That ID and code did not match.',
    codeUsed: 'That code was already used. Please wait for the next code, then enter it.',
    notHeard: 'Sorry, I did not get that.',
    notAnOption: 'That is not one of the options.',
    tooManyTries: 'We could not complete your call. Please sign in to your dashboard and open Support. Goodbye.',
    verificationFailed:
      'We could not verify your account. Please sign in to your dashboard and open Support. Goodbye.',
    callerLimited:
      'We cannot accept more attempts from this phone line right now. Please sign in to your dashboard and open Support. Goodbye.',
    verificationUnavailable:
      'Automatic verification is not available for this call right now. Connecting you to a member of our team, who will verify you another way. Please hold.',
    heldCallback:
      'Automatic verification is not available for this call right now. If this customer ID has a phone number on file, an engineer will call that number back. Goodbye.',
    deskWhisperLocked: (p) =>
      `Unverified caller from the emergency line. Customer ID ending ${digits(p.ending)} is locked after ${p.failures} failed codes. Please verify them another way.`,
    deskWhisperLimited: (p) =>
      `Unverified caller from the emergency line, customer ID ending ${digits(p.ending)}. Their number is limited after ${p.failures} failed codes. Please verify them another way.`,
    verified: 'You are verified.',
    incidents: (p) => `Known incidents right now: ${p.names}.`,
    askPriority: 'Site down or under attack, press 1. One location or region, press 2. Anything else, press 3.',
    connecting: 'Connecting you to an engineer.',
    allBusy: 'All our engineers are on other calls. You are in the priority queue; please hold.',
    queuePosition: (p) =>
      `You are number ${p.position} in line for an engineer. To get a callback instead, press 1 at any time.`,
    stillTrying: 'Still trying to reach an engineer. Please hold.',
    noAgentCallback: (p) =>
      `No engineer could take your call right now, so we have booked a priority 1 callback. An engineer will call you within ${p.within} of your call, by ${p.deadline}. Your reference is ${digits(p.reference)}. Goodbye.`,
    noAgentCallbackNow: (p) =>
      `No engineer could take your call right now, so we have booked a priority 1 callback. An engineer will call you as soon as possible. Your reference is ${digits(p.reference)}. Goodbye.`,
    p2Booked: (p) =>
      `We have booked a callback. An engineer will call you within ${p.within} of your call, by ${p.deadline}. Your reference is ${digits(p.reference)}.`,
    p2Menu:
      'To give a different number to call, press 1. To record a short description of the problem, press 2. Otherwise, you can hang up now.',
    needCallbackNumber: 'We need a number to call you back on.',
    askCallbackNumber: 'Enter the number to call back, starting with the country code, then the hash key.',
    invalidNumber: 'That is not a phone number we can call. Start with the country code: for a US number, 1 and then the 10 digits.',
    numberRefusedRange:
      'Sorry, we cannot call premium-rate, shared-cost or satellite numbers. Please give an ordinary landline or mobile number.',
    numberRefusedCountry: 'Sorry, we cannot call numbers in that country. Please give a number in a country this line serves.',
    numberOnFile: (p) => `We will call you on the number we have on file, ending ${digits(p.ending)}.`,
    numberChanged: (p) => `Thank you. We will call you on the number ending ${digits(p.ending)}.`,
    recordPrompt: 'After the tone, describe the problem in a few words. Press the hash key when you are done.',
    recordingSaved: 'Thank you. Your description is saved with your callback. Goodbye.',
    recordingSkipped: 'No description was recorded. Your callback is still booked. Goodbye.',
    callbackStillBooked: 'Your callback is still booked. Goodbye.',
    goodbye: 'Goodbye.',
    p3Info: (p) =>
      `This line is for urgent problems only. For performance problems, account questions and general questions, please open a support ticket: sign in to your dashboard, choose Support, then Contact support. The first response target for ${p.tier} Enterprise is ${p.target}. Goodbye.`,
    notEnterprise: (p) =>
      `The emergency line is for Enterprise customers. Your plan includes ${p.channels}. Please sign in to your dashboard and choose Support. Goodbye.`,
    whisper: (p) =>
      `Verified ${p.tier} Enterprise customer ${p.name}, ID ending ${digits(p.ending)}, priority 1.${Number(p.failures) > 0 ? ` Verified after ${p.failures} failed codes in the last day: check before acting.` : ''} Press 1 to accept.`,
    whisperAccepted: 'Connecting.',
    sorryBackup: 'We are sorry, something went wrong on our side. Connecting you to our backup line.',
    sorryCallAgain: 'We are sorry, something went wrong on our side. Please call again in a few minutes.',
  },
  duration(ms) {
    const hours = Math.round(ms / 3_600_000);
    return hours === 1 ? '1 hour' : `${hours} hours`;
  },
  deadline: (atMs) =>
    `${new Intl.DateTimeFormat('en-US', { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' }).format(atMs)} UTC`,
  tier: (tier) => (tier === 'premium' ? 'Premium' : 'Standard'),
  channels: (channels) => list(channels.map((c) => CHANNEL_NAMES[c] ?? c)),
};
