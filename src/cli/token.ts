import { emit, readArgs, type Command } from './command.js';
import { groupedCode, liveCountdown } from './countdown.js';

/** `hotline token ID`: the customer's current 30-second dashboard code. */
export const tokenCommand: Command = {
  summary: "show a customer's 30-second code, live until Ctrl-C",
  usage: [
    'usage: hotline token ID [--json]',
    '',
    "Shows the code the customer's dashboard shows, redrawn every second until Ctrl-C.",
    'With --json, or when the output is not a terminal, prints the current code once.',
  ].join('\n'),
  async run(args, ctx) {
    const a = readArgs(args, { command: 'token', positionals: ['ID'] });
    const hotline = await ctx.hotline();
    const read = () => hotline.customers.dashboardCode(a.positionals[0]!);
    const first = await read();
    if (a.json || !ctx.stdout.isTTY) {
      emit(ctx, a.json, first, () => `${first.customerId} ${groupedCode(first.code)} (valid ${first.expiresInSeconds} more seconds)`);
      return;
    }
    ctx.stdout.write(`Press Ctrl-C to stop.\n`);
    await liveCountdown({
      read,
      write: (text) => ctx.stdout.write(text),
      now: () => hotline.clock.now(),
      signal: ctx.interrupted(),
    });
  },
};
