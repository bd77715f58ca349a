import QRCode from 'qrcode';
import { commandGroup, emit, readArgs, type Command } from './command.js';

const enroll: Command = {
  summary: 'start enrolling an authenticator app: QR code and otpauth URI',
  usage: [
    'usage: hotline authenticator enroll ID [--json]',
    '',
    'Makes a pending authenticator secret and shows it as a QR code and an otpauth:// URI. It verifies',
    'no call until confirmed with a code from the app: hotline authenticator confirm ID CODE.',
    'Enrolling again replaces a pending (not a confirmed) authenticator.',
  ].join('\n'),
  async run(args, ctx) {
    const a = readArgs(args, { command: 'authenticator enroll', positionals: ['ID'] });
    const customerId = a.positionals[0]!;
    const { otpauthUri, secret } = await (await ctx.hotline()).customers.enrollAuthenticator(customerId);
    // The SVG is for browsers; a terminal gets the same URI drawn in block characters.
    const qr = a.json ? '' : await QRCode.toString(otpauthUri, { type: 'terminal', small: true, errorCorrectionLevel: 'M' });
    emit(ctx, a.json, { customerId, otpauthUri, secret, status: 'pending' }, () =>
      [
        qr.trimEnd(),
        '',
        `Scan the QR code with an authenticator app, or enter this secret by hand: ${secret}`,
        `otpauth URI: ${otpauthUri}`,
        '',
        `Then confirm with the code the app shows: hotline authenticator confirm ${customerId} CODE`,
      ].join('\n'),
    );
  },
};

const confirm: Command = {
  summary: 'confirm the pending authenticator with a code from it',
  usage: 'usage: hotline authenticator confirm ID CODE [--json]',
  async run(args, ctx) {
    const a = readArgs(args, { command: 'authenticator confirm', positionals: ['ID', 'CODE'] });
    const [customerId, code] = a.positionals as [string, string];
    await (await ctx.hotline()).customers.confirmAuthenticator(customerId, code);
    emit(ctx, a.json, { customerId, confirmed: true }, () =>
      `Authenticator confirmed for ${customerId}: its codes now verify calls (the code just used is spent).`,
    );
  },
};

const remove: Command = {
  summary: 'remove the authenticator (confirmed and pending)',
  usage: 'usage: hotline authenticator remove ID [--json]',
  async run(args, ctx) {
    const a = readArgs(args, { command: 'authenticator remove', positionals: ['ID'] });
    const customerId = a.positionals[0]!;
    await (await ctx.hotline()).customers.removeAuthenticator(customerId);
    emit(ctx, a.json, { customerId, removed: true }, () => `Authenticator removed for ${customerId}.`);
  },
};

/** `hotline authenticator ...`: enrolling a customer's authenticator app. */
export const authenticatorCommand = commandGroup('authenticator', 'enroll, confirm and remove an authenticator app', {
  enroll,
  confirm,
  remove,
});
