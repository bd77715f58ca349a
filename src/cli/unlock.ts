import { emit, readArgs, type Command } from './command.js';

/** `hotline unlock ID`: lifts a lockout after the operator has checked the caller. */
export const unlockCommand: Command = {
  summary: 'clear failed attempts and any lock on a customer ID',
  usage: [
    'usage: hotline unlock ID [--json]',
    '',
    'Clears the failure count and the lock of the ID, including the lock after 100 failures',
    'that only an operator can lift.',
  ].join('\n'),
  async run(args, ctx) {
    const a = readArgs(args, { command: 'unlock', positionals: ['ID'] });
    const customerId = a.positionals[0]!;
    const { unlocked } = await (await ctx.hotline()).customers.unlock(customerId);
    emit(ctx, a.json, { customerId, unlocked }, () =>
      unlocked ? `Unlocked ${customerId}: failures cleared.` : `${customerId} had no failures or lock.`,
    );
  },
};
