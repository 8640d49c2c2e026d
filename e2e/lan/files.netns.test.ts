import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Transfer } from '../../shared/model';
import { canUseNamespaces, createLan, terminate, type Lan } from '../lab/netns-lan';
import { NODE, PIGEON_CLI, PigeonProcess, pigeonBuilt } from '../lab/pigeon-process';

/**
 * Files between two Pigeons on a namespace LAN, each bound to 0.0.0.0:2425 in its own host as on
 * a real LAN: `pigeon send --file` (one-shot) on one side, `pigeon serve` on the other, accepting
 * through `files:accept` or by itself (`--accept-files`). What lands is compared byte for byte,
 * with its mtime; cuts, restarts of either side, and packet loss are survived.
 */
const can = canUseNamespaces();
const built = pigeonBuilt();
const skip = !can.ok ? can.reason : !built.ok ? built.reason : undefined;

const MiB = 1024 * 1024;
/** Unix seconds set on every source file and folder: a copy that kept "now" is told apart. */
const PAST = 1_500_000_000;

/** A file named like people name them: Chinese, spaces, a colon (which the receiver saves as _). */
const BIG_NAME = '季度报告 final: v2.bin';
const FOLDER_NAME = '项目 资料: 2024';

describe.skipIf(skip !== undefined)(
  `files between two Pigeons on a namespace LAN${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    let lan: Lan;
    let src: string;
    /** 0 B, 1 B and 100 MiB, and a folder of 1,000 files on three levels. */
    let files: string[];
    let folder: string;
    const started: PigeonProcess[] = [];
    const senders: ChildProcess[] = [];
    const ip = (h: string) => lan.host(h).ip;

    const temp = (prefix: string) => {
      const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
      lan.onDestroy(() => fs.rmSync(d, { recursive: true, force: true }));
      return d;
    };

    beforeAll(async () => {
      lan = await createLan({ hosts: ['a', 'b', 'c', 'd'] });
      src = temp('pigeon-files-src-');
      files = [
        writeFile(path.join(src, 'empty.bin'), randomBytes(0), PAST),
        writeFile(path.join(src, '一.bin'), randomBytes(1), PAST + 1),
        writeFile(path.join(src, BIG_NAME), randomBytes(100 * MiB), PAST + 2),
      ];
      folder = path.join(src, FOLDER_NAME);
      makeTree(folder, 1000);
    });
    afterEach(async (ctx) => {
      if (ctx.task.result?.state === 'fail')
        for (const p of started) console.error(p.stderr.join('').slice(-2000));
      for (const s of senders.splice(0)) await terminate(s, 1000);
      for (const p of started.splice(0)) await p.stop();
      for (const h of lan.hosts) await unthrottle(h.name);
    });
    afterAll(async () => {
      await lan?.destroy();
    });

    const serve = async (
      host: string,
      extra: string[] = [],
      dataDir?: string,
    ): Promise<PigeonProcess> => {
      const p = await PigeonProcess.start(lan, host, {
        nick: `用户 ${host}`,
        extra,
        ...(dataDir ? { dataDir } : {}),
      });
      started.push(p);
      return p;
    };

    /** `pigeon send --file ... --json` in `host`, as its own process (so that it can be killed). */
    const send = (
      host: string,
      to: string,
      paths: string[],
      extra: string[] = [],
      data?: string,
    ) => {
      const dataDir = data ?? temp('pigeon-send-data-');
      const child = lan.spawn(
        host,
        NODE,
        [
          PIGEON_CLI,
          'send',
          '--to',
          to,
          ...paths.flatMap((p) => ['--file', p]),
          '--broadcast',
          lan.broadcast,
          '--nick',
          `寄件人 ${host}`,
          '--data',
          dataDir,
          '--json',
          ...extra,
        ],
        {
          env: { ...process.env, NO_COLOR: '1', LANG: 'C.UTF-8' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      senders.push(child);
      let stdout = '';
      let stderr = '';
      child.stdout?.on('data', (b: Buffer) => (stdout += b.toString()));
      child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
      const exit = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
        child.once('exit', (code) => {
          // 'exit' can come before the pipes are drained.
          setTimeout(() => resolve({ code, stdout, stderr }), 50);
        }),
      );
      return { child, exit, stderr: () => stderr };
    };

    /** Outgoing bytes of `host` at `mbit`: slow enough that a transfer can be cut part-way. */
    const throttle = async (host: string, mbit: number) => {
      await lan.exec(
        host,
        'tc',
        [
          'qdisc',
          'replace',
          'dev',
          'eth0',
          'root',
          'tbf',
          'rate',
          `${mbit}mbit`,
          'burst',
          '32kb',
          'latency',
          '200ms',
        ],
        { check: true },
      );
    };
    const unthrottle = async (host: string) => {
      await lan.exec(host, 'tc', ['qdisc', 'del', 'dev', 'eth0', 'root']);
    };

    const offeredFrom =
      (sender: string, name?: string) =>
      (t: Transfer): boolean =>
        t.direction === 'in' &&
        t.peerId.startsWith(`${ip(sender)}:`) &&
        t.state.state === 'offered' &&
        (name === undefined || t.item.name === name);

    /** Waits for `n` items offered by `sender`, then accepts them all into the download dir. */
    const acceptAll = async (p: PigeonProcess, sender: string, n: number): Promise<Transfer[]> => {
      await p.waitUntil(
        () => p.of('files:transfer').filter(offeredFrom(sender)).length >= n,
        15_000,
        `${n} items offered by ${sender}`,
      );
      const offered = p.of('files:transfer').filter(offeredFrom(sender));
      const r = await p.request('files:accept', { transferIds: offered.map((t) => t.id) });
      expect(r).toEqual({ ok: true, value: null });
      return offered;
    };

    const doneOf = (p: PigeonProcess, id: string, ms = 60_000) =>
      p.waitFor('files:transfer', (t) => t.id === id && t.state.state === 'done', ms, `${id} done`);

    /** Every source item is in `dir`, byte-identical with its mtime (colons saved as _). */
    const expectCopies = (dir: string, sources: string[]) => {
      expect(fs.readdirSync(dir).sort()).toEqual(
        sources.map((s) => savedName(path.basename(s))).sort(),
      );
      for (const s of sources)
        expect(snapshot(path.join(dir, savedName(path.basename(s))))).toEqual(snapshot(s));
    };

    it.each([
      ['c', 'a'],
      ['a', 'c'],
    ])(
      '%s sends (send --file) 0 B, 1 B, 100 MiB and a 1,000-file folder to %s, which accepts (files:accept): byte-identical, mtimes kept, send exits 0',
      async (from, to) => {
        const downloads = temp('pigeon-dl-');
        const receiver = await serve(to, ['--download-dir', downloads]);
        const sending = send(from, ip(to), [...files, folder], ['你好，四样东西']);
        const offered = await acceptAll(receiver, from, 4);
        expect(offered.map((t) => [t.item.name, t.item.kind, t.item.size]).sort()).toEqual(
          [
            ['empty.bin', 'file', 0],
            ['一.bin', 'file', 1],
            [BIG_NAME, 'file', 100 * MiB],
            [FOLDER_NAME, 'folder', -1],
          ].sort(),
        );
        for (const t of offered) {
          const done = await doneOf(receiver, t.id);
          expect(done.verified).toBe('hash');
          if (t.item.kind === 'folder') expect(done.files).toBe(1000);
        }
        const r = await sending.exit;
        expect(r.code, r.stderr).toBe(0);
        expectCopies(downloads, [...files, folder]);
      },
    );

    it('c sends the same to b, which fetches by itself (serve --accept-files DIR)', async () => {
      const inbox = temp('pigeon-inbox-');
      const receiver = await serve('b', ['--accept-files', inbox]);
      const r = await send('c', ip('b'), [...files, folder]).exit;
      expect(r.code, r.stderr).toBe(0);
      // The receiver closes once it has every byte, then checks the hash and names the file.
      await receiver.waitUntil(
        () => receiver.of('files:transfer').filter((t) => t.state.state === 'done').length === 4,
        10_000,
        'four done',
      );
      const done = receiver.of('files:transfer').filter((t) => t.state.state === 'done');
      expect(done.map((t) => t.item.name).sort()).toEqual(
        ['empty.bin', '一.bin', BIG_NAME, FOLDER_NAME].sort(),
      );
      expectCopies(inbox, [...files, folder]);
    });

    it('the sender is killed mid-way (SIGKILL) and restarted as serve on its data dir: the offer is served again from its record, and the receiver continues from its offset', async () => {
      const big = writeFile(
        path.join(temp('pigeon-src-'), '断点 续传: 发送方.bin'),
        randomBytes(24 * MiB),
        PAST,
      );
      const downloads = temp('pigeon-dl-');
      const receiver = await serve('a', ['--download-dir', downloads]);
      await throttle('c', 64); // 8 MB/s: three seconds for the file
      const senderData = temp('pigeon-send-data-');
      const sending = send('c', ip('a'), [big], [], senderData);
      const [offered] = await acceptAll(receiver, 'c', 1);
      const id = (offered as Transfer).id;
      await receiver.waitFor(
        'files:transfer',
        (t) => t.id === id && t.bytes >= 6 * MiB,
        15_000,
        '6 MiB',
      );
      sending.child.kill('SIGKILL');
      await sending.exit;
      const cut = await receiver.waitFor(
        'files:transfer',
        (t) => t.id === id && t.state.state === 'interrupted',
        15_000,
        'the cut',
      );
      const before = partSize(downloads);
      expect(before).toBeGreaterThanOrEqual(6 * MiB);
      expect(before).toBeLessThan(24 * MiB);
      expect(cut.bytes).toBe(before);

      // The same data directory: the record of the offer is all the new process has.
      const sender = await serve('c', [], senderData);
      const restored = await sender.request('files:list');
      expect(
        restored.ok &&
          (restored.value as Transfer[]).map((t) => [t.direction, t.item.name, t.state.state]),
      ).toEqual([['out', '断点 续传: 发送方.bin', 'interrupted']]);
      const mark = receiver.of('files:transfer').length;
      expect(await receiver.request('files:retry', { transferId: id })).toEqual({
        ok: true,
        value: null,
      });
      const done = await doneOf(receiver, id, 30_000);
      expect(done.verified).toBe('hash');
      // Restarting from 0 at 8 MB/s would tell progress far below `before` (one event per 250 ms).
      const fetched = progressAfterStart(receiver.of('files:transfer').slice(mark), id);
      expect(fetched.length).toBeGreaterThan(1);
      expect(Math.min(...fetched)).toBeGreaterThanOrEqual(before);
      // The sender read on from the offset too.
      const served = await sender.waitFor(
        'files:transfer',
        (t) => t.direction === 'out' && t.state.state === 'done',
        10_000,
        'served',
      );
      expect(served.bytes).toBe(24 * MiB);
      const sent = progressAfterStart(sender.of('files:transfer'), served.id);
      expect(sent.length).toBeGreaterThan(1);
      expect(Math.min(...sent)).toBeGreaterThanOrEqual(before);
      expectCopies(downloads, [big]);
    });

    it('the receiver is killed mid-way (SIGKILL) and restarted on its data dir: retry continues its partial file from its offset', async () => {
      const big = writeFile(
        path.join(temp('pigeon-src-'), '断点 续传: 接收方.bin'),
        randomBytes(24 * MiB),
        PAST,
      );
      const downloads = temp('pigeon-dl-');
      const receiverData = temp('pigeon-recv-data-');
      const first = await serve('d', ['--download-dir', downloads], receiverData);
      await throttle('c', 64);
      const sending = send('c', ip('d'), [big]);
      const [offered] = await acceptAll(first, 'c', 1);
      const id = (offered as Transfer).id;
      await first.waitFor(
        'files:transfer',
        (t) => t.id === id && t.bytes >= 6 * MiB,
        15_000,
        '6 MiB',
      );
      await first.vanish();
      const before = partSize(downloads);
      expect(before).toBeGreaterThanOrEqual(6 * MiB);
      expect(before).toBeLessThan(24 * MiB);

      const second = await serve('d', ['--download-dir', downloads], receiverData);
      const listed = await second.request('files:list');
      const stopped = listed.ok ? (listed.value as Transfer[]).find((t) => t.id === id) : undefined;
      expect(stopped?.state).toMatchObject({ state: 'interrupted', code: 'file-stopped' });
      expect(await second.request('files:retry', { transferId: id })).toEqual({
        ok: true,
        value: null,
      });
      const done = await doneOf(second, id, 30_000);
      expect(done.verified).toBe('hash');
      // Restarting from 0 at 8 MB/s would tell progress far below `before` (one event per 250 ms).
      const fetched = progressAfterStart(second.of('files:transfer'), id);
      expect(fetched.length).toBeGreaterThan(1);
      expect(Math.min(...fetched)).toBeGreaterThanOrEqual(before);
      const r = await sending.exit;
      expect(r.code, r.stderr).toBe(0);
      expectCopies(downloads, [big]);
    });

    it('20 % input loss at the receiver: a 20 MiB file still arrives byte-identical', async () => {
      const file = writeFile(
        path.join(temp('pigeon-src-'), '丢包 20%.bin'),
        randomBytes(20 * MiB),
        PAST,
      );
      const inbox = temp('pigeon-inbox-');
      const receiver = await serve('b', ['--accept-files', inbox]);
      await lan.addInputLoss('b', 20);
      try {
        const t0 = Date.now();
        const r = await send('c', ip('b'), [file], ['--answer-wait', '3000']).exit;
        const exited = Date.now();
        expect(r.code, r.stderr).toBe(0);
        const done = await receiver.waitFor(
          'files:transfer',
          (t) => t.direction === 'in' && t.state.state === 'done',
          60_000,
          'the fetch',
        );
        console.info(
          `20 MiB at 20 % loss: send exited after ${exited - t0} ms, the receiver was done ${Date.now() - exited} ms later (verified: ${done.verified})`,
        );
      } finally {
        await lan.clearLoss('b');
      }
      expectCopies(inbox, [file]);
    });

    it('--wait 2 with nobody accepting: send exits 5 and withdraws the offer (the receiver sees it cancelled)', async () => {
      const receiver = await serve('a', ['--download-dir', temp('pigeon-dl-')]);
      const t0 = Date.now();
      const r = await send('c', ip('a'), [files[1] as string], ['--wait', '2']).exit;
      expect(r.code, r.stderr).toBe(5);
      expect(r.stderr).toMatch(/not fetched within 2 s; the offer is withdrawn/);
      expect(Date.now() - t0).toBeLessThan(10_000);
      const offered = await receiver.waitFor('files:transfer', offeredFrom('c'), 5000, 'the offer');
      await receiver.waitFor(
        'files:transfer',
        (t) => t.id === offered.id && t.state.state === 'cancelled',
        5000,
        'the withdrawal',
      );
      const late = await receiver.request('files:accept', { transferIds: [offered.id] });
      expect(late).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    });

    it('a decline makes send exit 1 with "declined"', async () => {
      const receiver = await serve('a', ['--download-dir', temp('pigeon-dl-')]);
      const sending = send('c', ip('a'), [files[1] as string]);
      const offered = await receiver.waitFor(
        'files:transfer',
        offeredFrom('c'),
        15_000,
        'the offer',
      );
      expect(await receiver.request('files:decline', { transferIds: [offered.id] })).toEqual({
        ok: true,
        value: null,
      });
      const r = await sending.exit;
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/一\.bin to .*: declined/);
    });

    it('send --file while serve holds 2425 in the same host fails at once, naming the port and who holds it', async () => {
      await serve('a');
      const r = await send('a', ip('c'), [files[1] as string]).exit;
      expect(r.code).not.toBe(0);
      expect(r.code).not.toBe(null);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/Port 2425 is used by Pigeon \(process \d+\)/);
      console.info(`send --file with the port held: exit ${r.code}: ${r.stderr.trim()}`);
    });

    it('serve --accept-files --accept-peer-mb 1 refuses a 2 MiB file (file-too-large), keeps nothing, and the send exits 1 at once', async () => {
      const file = writeFile(
        path.join(temp('pigeon-src-'), 'two MiB.bin'),
        randomBytes(2 * MiB),
        PAST,
      );
      const inbox = temp('pigeon-inbox-');
      const receiver = await serve('b', ['--accept-files', inbox, '--accept-peer-mb', '1']);
      const sending = send('c', ip('b'), [file], ['--wait', '20']);
      const failed = await receiver.waitFor(
        'files:transfer',
        (t) => t.direction === 'in' && t.state.state === 'failed',
        15_000,
        'the refusal',
      );
      expect(failed.state).toMatchObject({ code: 'file-too-large', params: { limit: MiB } });
      // The receiver releases the offer: the sender stops at once, not when --wait passes.
      const r = await sending.exit;
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/two MiB\.bin to .*: declined/);
      expect(fs.readdirSync(inbox)).toEqual([]);
      expect(receiver.of('files:transfer').some((t) => t.state.state === 'transferring')).toBe(
        false,
      );
    });
  },
);

function writeFile(file: string, bytes: Buffer, mtime: number): string {
  fs.writeFileSync(file, bytes);
  fs.utimesSync(file, mtime, mtime);
  return file;
}

/** `count` files (0 to 3 KiB) in ten folders of five sub-folders each; Chinese names, colons. */
function makeTree(root: string, count: number): void {
  const dirs: string[] = [];
  for (let i = 0; i < 10; i++)
    for (let j = 0; j < 5; j++) dirs.push(path.join(root, `部门 ${i}`, `小组:${j}`));
  for (let n = 0; n < count; n++) {
    const dir = dirs[n % dirs.length] as string;
    fs.mkdirSync(dir, { recursive: true });
    writeFile(path.join(dir, `文件 ${n}: 说明.txt`), randomBytes(n % 3072), PAST + n);
  }
  // Folder times last: creating entries inside a folder changes its mtime.
  for (const d of dirs) {
    fs.utimesSync(d, PAST + 7, PAST + 7);
    fs.utimesSync(path.dirname(d), PAST + 8, PAST + 8);
  }
  fs.utimesSync(root, PAST + 9, PAST + 9);
}

/** What the receiver names a file: Windows' forbidden colon becomes _. */
function savedName(name: string): string {
  return name.replace(/:/g, '_');
}

/** A file's or a tree's content hashes and mtimes, keyed by saved name. */
function snapshot(target: string): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (p: string, rel: string) => {
    const st = fs.statSync(p);
    const mtime = Math.floor(st.mtimeMs / 1000);
    if (st.isDirectory()) {
      out[rel] = `dir ${mtime}`;
      for (const e of fs.readdirSync(p)) add(path.join(p, e), `${rel}/${savedName(e)}`);
    } else {
      out[rel] = `${createHash('sha256').update(fs.readFileSync(p)).digest('hex')} ${mtime}`;
    }
  };
  add(target, '.');
  return out;
}

/** The size of the one partial file in `dir`. */
function partSize(dir: string): number {
  const parts = fs.readdirSync(dir).filter((f) => f.endsWith('.pigeon-part'));
  expect(parts).toHaveLength(1);
  return fs.statSync(path.join(dir, parts[0] as string)).size;
}

/**
 * Bytes told for transfer `id` once its fetch (or serving) began again: the progress events after
 * its first `transferring`, and its end. The state changes before carry the recorded count.
 */
function progressAfterStart(events: Transfer[], id: string): number[] {
  const mine = events.filter((t) => t.id === id);
  const start = mine.findIndex((t) => t.state.state === 'transferring');
  expect(start).toBeGreaterThanOrEqual(0);
  return mine.slice(start + 1).map((t) => t.bytes);
}
