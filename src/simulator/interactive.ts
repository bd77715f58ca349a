import type { Interface } from 'node:readline';
import type { InputProvider } from './input.js';

/**
 * Plays the caller and the agents from a terminal: keys at a Gather (empty line = silence), how a
 * rung agent answers, a line of text standing for a recording, and whether a queued call is picked
 * up. Says are printed by the walker's onEvent listener, not here. Once the input closes (Ctrl-D,
 * end of a pipe) everything is silence and nobody answers, so the call still ends.
 */
export function interactive(rl: Interface, echo: NodeJS.WritableStream = process.stdout): InputProvider {
  // Lines are queued as they arrive rather than read with question(): piped input arrives before
  // it is asked for, and question() would drop it.
  const lines: string[] = [];
  const waiting: Array<(line: string | undefined) => void> = [];
  let closed = false;
  rl.on('line', (line) => {
    const waiter = waiting.shift();
    if (waiter) waiter(line);
    else lines.push(line);
  });
  rl.on('close', () => {
    closed = true;
    for (const waiter of waiting.splice(0)) waiter(undefined);
  });
  const ask = async (question: string): Promise<string | undefined> => {
    rl.setPrompt(question);
    rl.prompt();
    const buffered = lines.shift();
    const line = buffered ?? (closed ? undefined : await new Promise<string | undefined>((resolve) => waiting.push(resolve)));
    // A terminal echoes what was typed; show piped answers too, so the transcript reads the same.
    if (!rl.terminal) echo.write(`${line ?? ''}\n`);
    return line?.trim();
  };

  return {
    async digits(prompt) {
      const who = prompt.leg === 'caller' ? 'caller' : 'agent';
      return (await ask(`${who} keypad (Enter alone = silence)> `)) ?? '';
    },
    async agentAnswer(ring) {
      const answer = await ask("Play the agent? [1] accept  [Enter] no key  [n] no answer> ");
      if (answer === undefined || answer.toLowerCase() === 'n') return 'no-answer';
      return answer === '1' ? 'accept' : 'no-key';
    },
    async recording() {
      const line = await ask('caller speaks (a line of text; empty = silence; start with "hangup:" to hang up after)> ');
      if (line === undefined) return { text: '', hangup: true };
      const hangup = line.startsWith('hangup:');
      return { text: hangup ? line.slice('hangup:'.length).trim() : line, hangup };
    },
    async queueOutcome(queue) {
      const answer = await ask(`Waiting in ${queue}. Does an agent pick up? [Enter] yes  [h] caller hangs up> `);
      return answer === undefined || answer.toLowerCase() === 'h' ? 'hangup' : 'bridged';
    },
  };
}
