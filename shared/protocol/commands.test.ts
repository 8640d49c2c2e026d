import { describe, expect, it } from 'vitest';
import { hasOpt, makeCommand, Mode, modeName, modeOf, Opt, optionsOf } from './commands';

describe('command words', () => {
  it.each([
    [257, 'BR_ENTRY', [Opt.ABSENCEOPT]],
    [259, 'ANSENTRY', [Opt.ABSENCEOPT]],
    [288, 'SENDMSG', [Opt.SENDCHECKOPT]],
    [289, 'RECVMSG', [Opt.SENDCHECKOPT]],
    [65538, 'BR_EXIT', [Opt.DIALUPOPT]],
    [65793, 'BR_ENTRY', [Opt.DIALUPOPT, Opt.ABSENCEOPT]],
    [6291457, 'BR_ENTRY', [Opt.FILEATTACHOPT, Opt.ENCRYPTOPT]],
    [6291459, 'ANSENTRY', [Opt.FILEATTACHOPT, Opt.ENCRYPTOPT]],
    [96, 'GETFILEDATA', []],
    [0x800120, 'SENDMSG', [Opt.UTF8OPT, Opt.SENDCHECKOPT]],
    [0x2000c0, 'FEIQ_SENDIMAGE', [Opt.FILEATTACHOPT]],
    [765, 'IPTUX_SENDSUBLAYER', [0x200]],
  ] as const)('%i is %s with its options', (cmd, name, opts) => {
    expect(modeName(cmd)).toBe(name);
    expect(modeOf(cmd)).toBe(Mode[name]);
    expect(makeCommand(Mode[name], ...opts)).toBe(cmd);
    for (const o of opts) expect(hasOpt(cmd, o)).toBe(true);
    expect(optionsOf(cmd)).toBe(opts.reduce((a, o) => (a | o) >>> 0, 0));
  });

  it('hasOpt needs every bit of a multi-bit option', () => {
    expect(hasOpt(makeCommand(Mode.SENDMSG, Opt.SECRETOPT), Opt.SECRETEXOPT)).toBe(false);
    expect(hasOpt(makeCommand(Mode.SENDMSG, Opt.SECRETEXOPT), Opt.SECRETEXOPT)).toBe(true);
  });

  it('hasOpt never confuses the mode byte with an option', () => {
    // Mode 0xff (ASKSHARED) has every mode bit set but no option bits.
    expect(hasOpt(Mode.IPTUX_ASKSHARED, 0x01)).toBe(false);
    expect(optionsOf(Mode.IPTUX_ASKSHARED)).toBe(0);
  });

  it('handles the top bit (iptux SHAREDOPT) without going negative', () => {
    const cmd = makeCommand(Mode.SENDMSG, Opt.FILEATTACHOPT, Opt.IPTUX_SHAREDOPT);
    expect(cmd).toBe(0x80200020);
    expect(hasOpt(cmd, Opt.IPTUX_SHAREDOPT)).toBe(true);
    expect(optionsOf(cmd)).toBe(0x80200000);
  });

  it('names unknown modes in hex', () => {
    expect(modeName(0x9a)).toBe('0x9a');
    expect(modeName(0x1234_5600)).toBe('NOOPERATION');
  });
});
