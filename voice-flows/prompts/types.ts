/** Values a prompt may be filled with. */
export type PromptParams = Record<string, string | number>;
type Text = string | ((p: PromptParams) => string);

/**
 * Every prompt of the emergency line in one language. Both languages implement every key, so a
 * prompt added in one and forgotten in the other fails the type check.
 */
export interface PromptSet {
  language: 'en-US' | 'ja-JP';
  /** The Twilio <Say> voice for this language. */
  voice: string;
  text: {
    welcome: Text;
    /** Spoken in this language to callers of the other language's number: "for <this language>, press star". */
    switchOffer: Text;
    askId: Text;
    invalidId: Text;
    askCode: Text;
    noMatch: Text;
    /** The right code for the ID, already spent by an earlier call: wait for the next one. */
    codeUsed: Text;
    notHeard: Text;
    notAnOption: Text;
    tooManyTries: Text;
    verificationFailed: Text;
    /** Too many failed attempts from the calling number (across calls): the call ends, politely. */
    callerLimited: Text;
    /** A locked ID or a limited number, with a backup desk: the caller is put through to a person. */
    verificationUnavailable: Text;
    /** A locked ID or a limited number, without a backup desk: the same words whether or not a callback was booked. */
    heldCallback: Text;
    /** The backup desk's whisper: an unverified caller, the ID's ending, and why ({ending, failures}). */
    deskWhisperLocked: Text;
    deskWhisperLimited: Text;
    verified: Text;
    incidents: Text;
    askPriority: Text;
    connecting: Text;
    allBusy: Text;
    queuePosition: Text;
    stillTrying: Text;
    noAgentCallback: Text;
    noAgentCallbackNow: Text;
    p2Booked: Text;
    p2Menu: Text;
    needCallbackNumber: Text;
    askCallbackNumber: Text;
    invalidNumber: Text;
    /** A typed number in a premium-rate, shared-cost or satellite range: never called, whatever the setting. */
    numberRefusedRange: Text;
    /** A typed number in a country the line does not call back (HOTLINE_CALLBACK_COUNTRIES). */
    numberRefusedCountry: Text;
    /** A withheld caller's callback goes to the customer's phone on file: its last four digits. */
    numberOnFile: Text;
    numberChanged: Text;
    recordPrompt: Text;
    recordingSaved: Text;
    recordingSkipped: Text;
    callbackStillBooked: Text;
    goodbye: Text;
    p3Info: Text;
    notEnterprise: Text;
    whisper: Text;
    whisperAccepted: Text;
    sorryBackup: Text;
    sorryCallAgain: Text;
  };
  /** How a duration, a deadline, a tier and a plan's channels are read out. */
  duration(ms: number): string;
  deadline(atMs: number): string;
  tier(tier: 'standard' | 'premium'): string;
  channels(channels: readonly string[]): string;
}
