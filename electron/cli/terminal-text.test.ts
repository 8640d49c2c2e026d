import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ContractEvent } from '../../shared/contract';
import type { Peer } from '../../shared/model';
import { replaceHidden } from '../../shared/text/hidden-chars';
import { describeEvent } from './commands/serve';
import { peerRows } from './commands/peers';
import { terminalField, terminalLines } from './terminal-text';
import { rawControls, TERMINAL_ATTACKS as ATTACKS } from './testing/terminal-attacks';

/** The reader's side of the escaping: undo it. If this round trip holds, nothing is ambiguous. */
function unescape(shown: string): string {
  return shown.replace(
    /(\\*)u(?:\{([0-9a-f]+)\}|([0-9a-f]{4}))?/g,
    (all, slashes: string, astral?: string, bmp?: string) => {
      const literal = '\\'.repeat(Math.floor(slashes.length / 2));
      if (slashes.length % 2 === 0) return `${literal}u${all.slice(slashes.length + 1)}`;
      return literal + String.fromCodePoint(parseInt(astral ?? bmp ?? '', 16));
    },
  );
}

const peer = (nick: string, group = ''): Peer => ({
  id: '10.0.0.66:2425',
  address: '10.0.0.66',
  port: 2425,
  nick,
  group,
  user: 'm',
  host: 'h',
  client: 'ipmsg',
  version: '1',
  encoding: 'utf-8',
  capabilities: { utf8: true, files: false, echo: false, dialup: false, proof: false },
  away: false,
  online: true,
  announced: true,
  lastSeen: 0,
});

const message = (text: string, from = peer('mallory')): ContractEvent => ({
  channel: 'chat:message',
  payload: {
    message: { id: 'm1', peerId: from.id, direction: 'in', text, at: 0, broadcast: false },
    peer: from,
  },
});

describe('terminalField', () => {
  it.each(ATTACKS)('%s: shown, not obeyed', (_name, attack, shown) => {
    const out = terminalField(attack);
    expect(rawControls(out)).toEqual([]);
    expect(out).not.toContain('\n');
    expect(out).toContain(shown);
    expect(unescape(out)).toBe(attack);
  });

  it('leaves ordinary text, backslashes and emoji alone', () => {
    for (const s of ['你好 world', 'C:\\Users\\me', '¯\\_(ツ)_/¯', '👨‍👩‍👧 ❤️ 1️⃣ 🏴󠁧󠁢󠁳󠁣󠁴󠁿', 'tab-free']) {
      expect(terminalField(s)).toBe(s);
    }
  });

  it('shows invisible format characters and lone surrogates', () => {
    expect(terminalField('ali\u200Bce')).toBe('ali\\u200bce');
    expect(terminalField('\uFEFFbom')).toBe('\\ufeffbom');
    expect(terminalField('a\u{E0041}')).toBe('a\\u{e0041}');
    expect(terminalField('x\uD800y')).toBe('x\\ud800y');
    expect(terminalField('a\u200Db')).toBe('a\\u200db'); // a joiner outside an emoji
  });

  it('a peer cannot write something that reads as one of our escapes', () => {
    expect(terminalField('\\u001b[2J')).toBe('\\\\u001b[2J');
    expect(terminalField('\\\x1b')).toBe('\\\\\\u001b');
    expect(unescape(terminalField('\\\\u\\u{41}\\'))).toBe('\\\\u\\u{41}\\');
  });

  it("doubles a peer's long runs of backslashes in one pass", () => {
    const run = '\\'.repeat(200_000);
    expect(terminalField(`${run}x${run}\x1b${run}u${run}`)).toBe(
      `${run}x${run}${run}\\u001b${run}${run}u${run}`,
    );
  });

  it('is lossless and leaves nothing raw, for any string', () => {
    const tricky = fc.constantFrom(
      '\\',
      'u',
      '{',
      '}',
      '0',
      '1',
      'b',
      '\x1b',
      '\n',
      '\u202e',
      '\u200d',
      '👍',
      '\u{e0041}',
      '\uD800',
      'a',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 60 }),
          fc.string({ unit: tricky, maxLength: 30 }),
        ),
        (s) => {
          const out = terminalField(s);
          expect(unescape(out)).toBe(s);
          expect(out).not.toContain('\n');
          expect(replaceHidden(out, 'terminal', () => '!')).toBe(out);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('terminalLines', () => {
  it('indents every continuation line', () => {
    expect(terminalLines('one\ntwo\r\nthree\rfour', '  | ')).toBe(
      'one\n  | two\n  | three\n  | four',
    );
    expect(terminalLines('a\u2028b\u0085c', '  | ')).toBe('a\\u2028b\\u0085c');
  });
});

describe('pigeon serve, human form', () => {
  const lines = (e: ContractEvent) => describeEvent(e).split('\n');

  it.each(ATTACKS)('a text with %s cannot act or forge a line', (_name, attack) => {
    const out = lines(message(attack));
    expect(out[0]).toMatch(/^\d\d:\d\d:\d\d mallory \(10\.0\.0\.66\): /);
    for (const line of out) expect(rawControls(line)).toEqual([]);
    // Only the first line starts like an event; the rest are visibly the message's.
    for (const line of out.slice(1)) expect(line).toMatch(/^ {8} \| /);
  });

  it('the forged line stays inside the message', () => {
    const out = lines(message('hi\n12:00:00 + mallory 10.0.0.66 (pigeon)'));
    expect(out).toHaveLength(2);
    expect(out[1]).toBe('         | 12:00:00 + mallory 10.0.0.66 (pigeon)');
  });

  it.each(ATTACKS)('a nick or group with %s is one escaped field', (_name, attack) => {
    for (const channel of ['peers:online', 'peers:changed', 'peers:offline'] as const) {
      const out = describeEvent({ channel, payload: peer(attack, attack) });
      expect(out.split('\n')).toHaveLength(1);
      expect(rawControls(out)).toEqual([]);
    }
    const out = describeEvent(message('hello', peer(attack)));
    expect(out.split('\n')).toHaveLength(1);
    expect(rawControls(out)).toEqual([]);
  });

  it('events the engine words itself are escaped too (they may quote a peer)', () => {
    const out = describeEvent({
      channel: 'engine:error',
      payload: { code: 'internal', params: { error: 'bad \x1b]0;x\x07\nnext' } },
    });
    expect(out.split('\n')).toHaveLength(1);
    expect(rawControls(out)).toEqual([]);
  });
});

describe('pigeon peers table', () => {
  it.each(ATTACKS)('a peer named with %s keeps to its row', (_name, attack) => {
    const p = { ...peer(attack, attack), user: attack, host: attack };
    const [row] = peerRows([p]);
    expect(row).toHaveLength(5);
    for (const cell of row ?? []) {
      expect(cell).not.toContain('\n');
      expect(rawControls(cell)).toEqual([]);
    }
    expect(unescape(row?.[0] ?? '')).toBe(attack);
  });
});
