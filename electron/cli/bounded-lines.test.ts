import { describe, expect, it } from 'vitest';
import { boundedLines, type LineItem } from './bounded-lines';

async function lines(chunks: (string | Buffer)[], maxBytes: number): Promise<LineItem[]> {
  const reader = boundedLines(maxBytes);
  const out: LineItem[] = [];
  reader.on('data', (item: LineItem) => out.push(item));
  const done = new Promise((r) => reader.on('end', r));
  for (const c of chunks) reader.write(c);
  reader.end();
  await done;
  return out;
}

const line = (text: string): LineItem => ({ kind: 'line', text });
const tooLong: LineItem = { kind: 'too-long' };

describe('boundedLines', () => {
  it('splits on LF and CRLF, also when the CR and LF arrive in different chunks', async () => {
    expect(await lines(['a\nb\r', '\nc\r\n', '\n'], 10)).toEqual([
      line('a'),
      line('b'),
      line('c'),
      line(''),
    ]);
  });

  it('keeps a CR that does not end the line, and reads a last line without a newline', async () => {
    expect(await lines(['a\rb\nlast'], 10)).toEqual([line('a\rb'), line('last')]);
  });

  it('decodes UTF-8 split across chunks, one byte at a time', async () => {
    const bytes = Buffer.from('小王 👋\n');
    const chunks = [...bytes].map((b) => Buffer.from([b]));
    expect(await lines(chunks, 64)).toEqual([line('小王 👋')]);
  });

  it('counts the cap in bytes, not characters, and leaves the CR of CRLF out of it', async () => {
    expect(await lines(['1234\n', '1234\r\n', '12345\n'], 4)).toEqual([
      line('1234'),
      line('1234'),
      tooLong,
    ]);
    // 王 is three bytes: two of them pass a 5-byte cap.
    expect(await lines(['王王\n', '王a\n'], 5)).toEqual([tooLong, line('王a')]);
  });

  it('refuses a long line as soon as it passes the cap, before its newline arrives', async () => {
    const reader = boundedLines(8);
    const out: LineItem[] = [];
    reader.on('data', (item: LineItem) => out.push(item));
    reader.write('0123456789');
    await new Promise((r) => setImmediate(r));
    expect(out).toEqual([tooLong]);
    reader.write('more and more');
    reader.write(' and the end\nnext\n');
    await new Promise((r) => setImmediate(r));
    expect(out).toEqual([tooLong, line('next')]);
  });

  it('answers a line that ends in the middle of the chunk that passes the cap only once', async () => {
    expect(await lines(['abc', 'defghijkl\nok\n'], 5)).toEqual([tooLong, line('ok')]);
  });

  it('drops an unfinished long line at the end of input without a second answer', async () => {
    expect(await lines(['ok\n', 'x'.repeat(100)], 10)).toEqual([line('ok'), tooLong]);
  });
});
