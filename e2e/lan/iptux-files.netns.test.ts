import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Transfer } from '../../shared/model';
import { runPigeon } from '../../electron/engine/echo/testing/cli-in-netns';
import { treeOf } from '../../electron/engine/files/testing/file-pair';
import { canRunIptux, startIptux, type Iptux } from '../lab/iptux';
import { createLan, type Lan } from '../lab/netns-lan';
import { PigeonProcess, pigeonBuilt } from '../lab/pigeon-process';

/**
 * Files between Pigeon and a real iptux (Debian's 0.8.3), both ways, as people do it: iptux's
 * user picks files in its chooser and presses Accept in its chat window (xdotool), Pigeon's
 * user runs `pigeon send --file` or accepts in `pigeon serve`. What lands on each disk is
 * compared byte for byte, and what iptux shows is looked at (screenshots).
 */
const can = canRunIptux();
const built = pigeonBuilt();
const skip = !can.ok ? can.reason : !built.ok ? built.reason : undefined;
const ARTIFACTS = `${__dirname}/../artifacts`;

describe.skipIf(skip !== undefined)(
  `files between Pigeon and a real iptux${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    let lan: Lan;
    let iptux: Iptux;
    let a: PigeonProcess;
    let src: string;
    let downloads: string;
    const ip = (h: string) => lan.host(h).ip;

    beforeAll(async () => {
      lan = await createLan({ hosts: ['tux', 'a', 'c'] });
      src = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-iptux-src-'));
      downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-iptux-dl-'));
      lan.onDestroy(() => {
        fs.rmSync(src, { recursive: true, force: true });
        fs.rmSync(downloads, { recursive: true, force: true });
      });
      iptux = await startIptux(lan, 'tux', { nick: 'iptux用户', group: 'lab' });
      a = await PigeonProcess.start(lan, 'a', {
        nick: '阿明',
        group: '研发部',
        extra: ['--download-dir', downloads],
      });
      await iptux.waitForEntries([ip('a')]);
      await a.waitFor('peers:online', (p) => p.address === iptux.ip, 8000, 'iptux online at a');
    });
    afterEach(async (ctx) => {
      if (ctx.task.result?.state === 'fail') console.error(await iptux.diagnose());
    });
    afterAll(async () => {
      await lan?.destroy();
    });

    const inFromIptux = (name: string) => (t: Transfer) =>
      t.direction === 'in' && t.peerId.startsWith(`${iptux.ip}:`) && t.item.name === name;

    it('iptux offers a file: Pigeon lists it, accepts, and saves it byte-identical', async () => {
      const name = '季度报告 final.bin';
      const file = path.join(iptux.homeDir, name);
      fs.writeFileSync(file, randomBytes(300_000));
      await iptux.offerFiles(ip('a'), [file], 'files');
      const offered = await a.waitFor('files:transfer', inFromIptux(name), 10_000, 'the offer');
      expect(offered.item).toMatchObject({ kind: 'file', size: 300_000 });
      // iptux ignores offsets: Pigeon knows it and restarts a cut fetch from 0.
      expect(offered.resumes).toBe(false);
      // The offer has no text: its message carries the files, and there is no empty one.
      const carriers = a.of('chat:message').filter((m) => m.message.files?.includes(offered.id));
      expect(carriers).toHaveLength(1);
      expect(a.of('chat:message').filter((m) => m.message.text === '' && !m.message.files)).toEqual(
        [],
      );
      const r = await a.request('files:accept', { transferIds: [offered.id] });
      expect(r).toMatchObject({ ok: true });
      const done = await a.waitFor(
        'files:transfer',
        (t) => t.id === offered.id && t.state.state === 'done',
        15_000,
        'the fetch',
      );
      expect(done.verified).toBe('size');
      expect(fs.readFileSync(done.savedAs as string).equals(fs.readFileSync(file))).toBe(true);
    });

    it('iptux offers a folder: Pigeon fetches the whole tree', async () => {
      const root = path.join(iptux.homeDir, '项目资料');
      fs.mkdirSync(path.join(root, '文档', '深'), { recursive: true });
      fs.mkdirSync(path.join(root, '空'));
      fs.writeFileSync(path.join(root, 'readme.txt'), 'hello from iptux\n');
      fs.writeFileSync(path.join(root, '文档', '设计.bin'), randomBytes(70_000));
      fs.writeFileSync(path.join(root, '文档', '深', 'empty.txt'), '');
      await iptux.offerFiles(ip('a'), [`${root}/`], 'folder');
      const offered = await a.waitFor(
        'files:transfer',
        inFromIptux('项目资料'),
        10_000,
        'the folder offer',
      );
      expect(offered.item.kind).toBe('folder');
      await a.request('files:accept', { transferIds: [offered.id] });
      const done = await a.waitFor(
        'files:transfer',
        (t) => t.id === offered.id && t.state.state === 'done',
        20_000,
        'the folder fetch',
      );
      expect(treeOf(done.savedAs as string)).toEqual(treeOf(root));
      expect(done.files).toBe(3);
    });

    it('Pigeon offers a file (`pigeon send --file`): iptux accepts, gets it byte-identical, and the send exits 0', async () => {
      const name = '会议纪要 v2.bin';
      const file = path.join(src, name);
      fs.writeFileSync(file, randomBytes(500_000));
      const sending = runPigeon(
        lan,
        'c',
        [
          'send',
          '--to',
          iptux.ip,
          '--file',
          file,
          '--broadcast',
          lan.broadcast,
          '--nick',
          '小陈',
          '--json',
        ],
        60_000,
      );
      // iptux shows the offer in its chat window with c; a person presses Accept.
      await iptux.waitForDatagram(
        (d) => d.dir === 'received' && d.peer === ip('c') && (d.command & 0xff) === 0x20,
        15_000,
      );
      await iptux.acceptFiles(ip('c'));
      const r = await sending;
      expect(r.code, r.stderr).toBe(0);
      const saved = path.join(iptux.receivedDir, name);
      await expect.poll(() => fs.existsSync(saved), { timeout: 10_000 }).toBe(true);
      expect(fs.readFileSync(saved).equals(fs.readFileSync(file))).toBe(true);
      await iptux.screenshot(`${ARTIFACTS}/iptux-received-from-pigeon.png`);
      // What the CLI printed: the offer, then the transfer done.
      expect(r.stdout).toMatch(/"event":"files:transfer".*"state":"done"/);
    });

    it('Pigeon refuses to offer a folder to iptux 0.8.3, which would crash (iptux #472)', async () => {
      const root = path.join(src, 'folder');
      fs.mkdirSync(root);
      fs.writeFileSync(path.join(root, 'a.txt'), 'x');
      const r = await runPigeon(
        lan,
        'c',
        ['send', '--to', iptux.ip, '--file', root, '--broadcast', lan.broadcast, '--nick', '小陈'],
        30_000,
      );
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/#472/);
      expect(iptux.running, iptux.running ? '' : await iptux.diagnose()).toBe(true);
    });
  },
);
