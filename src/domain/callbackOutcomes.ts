/** What became of a callback an agent closed, as they record it when they complete it. */
export const CALLBACK_OUTCOMES = ['reached', 'unreachable', 'duplicate'] as const;
export type CallbackOutcome = (typeof CALLBACK_OUTCOMES)[number];

/** The outcome in words, for notes and listings. */
export const OUTCOME_WORDS: Record<CallbackOutcome, string> = {
  reached: 'reached the customer',
  unreachable: 'could not reach the customer',
  duplicate: 'duplicate of another callback',
};

export const isCallbackOutcome = (value: string): value is CallbackOutcome => (CALLBACK_OUTCOMES as readonly string[]).includes(value);
