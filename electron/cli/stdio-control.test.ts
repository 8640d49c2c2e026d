import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_REQUEST_FRAME_BYTES, ok, type RequestHandler } from '../../shared/contract';
import { startStdioControl } from './stdio-control';

/** Feeds `chunks` to a stdin control whose dispatcher echoes; resolves with the printed lines. */
async function run(chunks: (string | Buffer)[], maxLineBytes?: number): Promise<unknown[]> {
  const input = new PassThrough();
  const out: unknown[] = [];
  const handle: RequestHandler = (ch, req) => Promise.resolve(ok({ ch, req }));
  const stop = startStdioControl(handle, {
    input,
    print: (v) => out.push(v),
    ...(maxLineBytes === undefined ? {} : { maxLineBytes }),
  });
  for (const c of chunks) input.write(c);
  input.end();
  await new Promise((r) => setTimeout(r, 20));
  stop();
  return out;
}

describe('stdin control', () => {
  it('answers each request line with its id and the dispatcher result', async () => {
    expect(
      await run(['{"id":1,"ch":"app:info"}\n{"id":"b","ch":"peers:list","req":{"x":1}}\n']),
    ).toEqual([
      { channel: 'app:info', id: 1, result: { ok: true, value: { ch: 'app:info', req: null } } },
      {
        channel: 'peers:list',
        id: 'b',
        result: { ok: true, value: { ch: 'peers:list', req: { x: 1 } } },
      },
    ]);
  });

  it('reads CRLF lines, skips blank ones and takes a last line without a newline', async () => {
    const out = await run(['{"id":1,"ch":"a"}\r\n\r\n   \n{"id":2,"ch":"b"}']);
    expect(out).toMatchObject([
      { id: 1, result: { ok: true } },
      { id: 2, result: { ok: true } },
    ]);
  });

  it('decodes a character split across chunks', async () => {
    const bytes = Buffer.from('{"id":1,"ch":"chat:send","req":"小王"}\n');
    const cut = bytes.indexOf(Buffer.from('王')) + 1; // inside the three bytes of 王
    const out = await run([bytes.subarray(0, cut), bytes.subarray(cut)]);
    expect(out).toEqual([
      {
        channel: 'chat:send',
        id: 1,
        result: { ok: true, value: { ch: 'chat:send', req: '小王' } },
      },
    ]);
  });

  it('answers malformed lines with error codes and goes on', async () => {
    const out = await run([
      'not json\n',
      '[1]\n',
      '{"id":3}\n',
      '{"id":{},"ch":"a"}\n',
      '{"ch":"a"}\n',
      '{"id":4,"ch":"a"}\n',
    ]);
    expect(out).toMatchObject([
      { channel: null, id: null, result: { ok: false, error: { code: 'bad-json' } } },
      { id: null, result: { ok: false, error: { code: 'bad-request' } } },
      { id: 3, result: { ok: false, error: { code: 'bad-request' } } },
      { id: null, result: { ok: false, error: { code: 'bad-request' } } },
      { id: null, result: { ok: true } },
      { id: 4, result: { ok: true } },
    ]);
  });

  it('refuses a line over the cap once, drops the rest of it, and reads the next line', async () => {
    const out = await run(
      [
        `{"id":1,"ch":"${'x'.repeat(40)}`,
        'y'.repeat(100),
        'z'.repeat(100),
        '"}\n{"id":2,"ch":"a"}\n',
      ],
      64,
    );
    expect(out).toEqual([
      {
        channel: null,
        id: null,
        result: {
          ok: false,
          error: { code: 'too-large', message: 'request longer than 64 bytes' },
        },
      },
      { channel: 'a', id: 2, result: { ok: true, value: { ch: 'a', req: null } } },
    ]);
  });
});

// A real process, so the memory is the OS's word. A reader that buffered the line (readline holds
// it as a string) would grow by 100 MB or more. Ours holds at most one cap of it; what the child
// still holds after a collection must be back within a few MB. The peak also carries the 64 KiB
// chunks Node allocates per read of stdin, which V8 frees lazily: a child that only drops its
// stdin peaks 35-50 MB higher after 100 MB, so the peak bound leaves 64 MiB for them.
describe('stdin control under a 100 MB line', () => {
  const MiB = 1024 * 1024;
  let dir: string;
  let entry: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-stdio-'));
    entry = path.join(dir, 'child.mjs');
    await build({
      entryPoints: [path.join(import.meta.dirname, 'testing', 'stdio-control-child.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: entry,
      logLevel: 'warning',
    });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['a 1 MiB cap', 1 * MiB],
    ['the production cap', MAX_REQUEST_FRAME_BYTES],
  ])('with %s', { timeout: 60_000 }, async (_name, cap) => {
    const child = spawn(process.execPath, ['--expose-gc', entry, String(cap)], { stdio: 'pipe' });
    try {
      const lines = collectLines(child);
      await lines.next(); // ready
      const chunk = Buffer.alloc(MiB, 'x');
      for (let i = 0; i < 100; i++) {
        if (!child.stdin.write(chunk)) await new Promise((r) => child.stdin.once('drain', r));
      }
      child.stdin.write('\n{"id":2,"ch":"test:memory"}\n');
      expect(await lines.next()).toMatchObject({
        channel: null,
        id: null,
        result: { ok: false, error: { code: 'too-large' } },
      });
      type Memory = { peakRss: number; held: number };
      const answer = (await lines.next()) as {
        id: number;
        result: { ok: true; value: { start: Memory; now: Memory } };
      };
      expect(answer).toMatchObject({ id: 2, result: { ok: true } });
      const { start, now } = answer.result.value;
      expect(now.held - start.held).toBeLessThan(2 * MiB);
      expect(now.peakRss - start.peakRss).toBeLessThan(cap + 64 * MiB);
    } finally {
      child.kill();
    }
  });
});

/** The child's stdout, one parsed JSON line per next() (rejects after 30 s). */
function collectLines(child: ChildProcessWithoutNullStreams): { next(): Promise<unknown> } {
  const queue: unknown[] = [];
  const waiting: ((v: unknown) => void)[] = [];
  let rest = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => {
    rest += d.toString();
    let nl: number;
    while ((nl = rest.indexOf('\n')) !== -1) {
      const value: unknown = JSON.parse(rest.slice(0, nl));
      rest = rest.slice(nl + 1);
      const w = waiting.shift();
      if (w) w(value);
      else queue.push(value);
    }
  });
  return {
    next: () =>
      queue.length > 0
        ? Promise.resolve(queue.shift())
        : new Promise((resolve, reject) => {
            const timer = setTimeout(
              () => reject(new Error(`no line from the child within 30 s; stderr: ${stderr}`)),
              30_000,
            );
            waiting.push((v) => {
              clearTimeout(timer);
              resolve(v);
            });
          }),
  };
}
