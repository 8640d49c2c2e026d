import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Peer, Transfer } from '../../shared/model';
import { runPigeon } from '../../electron/engine/echo/testing/cli-in-netns';
import { canUseNamespaces, createLan, type Lan } from '../lab/netns-lan';
import { shownText } from '../lab/personas/display-model';
import { PersonaProcess } from '../lab/personas/persona-process';
import { PigeonProcess, pigeonBuilt } from '../lab/pigeon-process';

/**
 * Files between Pigeon and the legacy GBK clients (e2e/lab/personas): a FeiQ as the
 * compilelife/feiq clone does files, and a GBK build of IP Messenger as shirouzu/ipmsg does
 * them. Each offers Pigeon a file with a Chinese GBK name and serves it; each is offered one by
 * `pigeon send --file`, lists it as it would (its own parser, its own decoding) and fetches it
 * with the request bytes it writes. What lands on disk is compared byte for byte.
 */
const ns = canUseNamespaces();
const built = pigeonBuilt();
const skip = !ns.ok ? ns.reason : !built.ok ? built.reason : undefined;

describe.skipIf(skip !== undefined)(
  `files between Pigeon and legacy GBK clients${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    let lan: Lan;
    let pigeon: PigeonProcess;
    let feiq: PersonaProcess;
    let gbk: PersonaProcess;
    let work: string;
    let downloads: string;
    const ip = (h: string) => lan.host(h).ip;

    /** A file named `name` (in a folder of its own) with random content. */
    function makeFile(name: string, size: number): string {
      const dir = fs.mkdtempSync(path.join(work, 'f-'));
      const file = path.join(dir, name);
      fs.writeFileSync(file, randomBytes(size));
      return file;
    }

    beforeAll(async () => {
      lan = await createLan({ hosts: ['pigeon', 'sender', 'feiq', 'gbk'] });
      work = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-legacy-files-'));
      downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-legacy-dl-'));
      lan.onDestroy(() => {
        fs.rmSync(work, { recursive: true, force: true });
        fs.rmSync(downloads, { recursive: true, force: true });
      });
      feiq = await PersonaProcess.start(lan, 'feiq', {
        dialect: 'feiq',
        nick: '飞秋小李',
        group: '销售部',
      });
      gbk = await PersonaProcess.start(lan, 'gbk', {
        dialect: 'gbk-ipmsg',
        nick: '老王',
        group: '市场部',
      });
      pigeon = await PigeonProcess.start(lan, 'pigeon', {
        nick: '鸽子',
        group: '研发部',
        extra: ['--download-dir', downloads],
      });
      for (const p of [feiq, gbk]) {
        await pigeon.waitFor('peers:online', (x: Peer) => x.address === p.ip, 8000, p.name);
        await p.waitFor((m) => m.peers.some((x) => x.address === ip('pigeon')), 8000, 'Pigeon');
      }
    });
    afterAll(async () => {
      await lan?.destroy();
    });

    const fromPersona = (p: PersonaProcess, name: string) => (t: Transfer) =>
      t.direction === 'in' && t.peerId.startsWith(`${p.ip}:`) && t.item.name === name;

    for (const which of ['feiq', 'gbk'] as const) {
      const persona = () => (which === 'feiq' ? feiq : gbk);

      it(`${which}: offers 季度报告.txt (GBK name): Pigeon lists name and size, saves it byte-identical`, async () => {
        const p = persona();
        // Different names: Pigeon never overwrites, a second 季度报告.txt would be "(2)".
        const name = which === 'feiq' ? '季度报告.txt' : '第三季度报告.txt';
        const file = makeFile(name, 300_000 + (which === 'feiq' ? 1 : 2));
        const size = fs.statSync(file).size;
        await p.offerFiles(ip('pigeon'), [file], which === 'gbk' ? '请查收' : '');
        const offered = await pigeon.waitFor(
          'files:transfer',
          fromPersona(p, name),
          10_000,
          `the offer from ${p.name}`,
        );
        expect(offered.item).toMatchObject({ kind: 'file', size });
        // The offer is one message carrying the file: IPMsg's with its text, FeiQ's (no text)
        // with none, and no empty message beside it.
        const carrier = await pigeon.waitFor(
          'chat:message',
          (e) => e.message.files?.includes(offered.id) === true,
          5000,
          'the message carrying the offer',
        );
        expect(carrier.message.text).toBe(which === 'gbk' ? '请查收' : '');
        expect(
          pigeon.of('chat:message').filter((e) => e.message.files?.includes(offered.id)),
        ).toHaveLength(1);
        expect(
          pigeon
            .of('chat:message')
            .filter((e) => e.peer?.address === p.ip && e.message.text === '' && !e.message.files),
        ).toEqual([]);
        const r = await pigeon.request('files:accept', { transferIds: [offered.id] });
        expect(r).toMatchObject({ ok: true });
        const done = await pigeon.waitFor(
          'files:transfer',
          (t) => t.id === offered.id && (t.state.state === 'done' || t.state.state === 'failed'),
          20_000,
          'the fetch',
        );
        expect(done.state).toMatchObject({ state: 'done' });
        expect(path.basename(done.savedAs as string)).toBe(name);
        expect(fs.readFileSync(done.savedAs as string).equals(fs.readFileSync(file))).toBe(true);
        // What the persona's server made of Pigeon's request.
        const served = (await p.sync()).served.filter((s) => s.from === ip('pigeon'));
        expect(served.map((s) => s.outcome)).toEqual(['served']);
      });

      it(`${which}: is offered 会议纪要.txt by \`pigeon send --file\`: lists the right name, fetches it, the send exits 0`, async () => {
        const p = persona();
        const name = '会议纪要.txt';
        const file = makeFile(name, 250_000);
        const sending = runPigeon(
          lan,
          'sender',
          ['send', '--to', p.ip, '--file', file, '--broadcast', lan.broadcast, '--nick', '小陈'],
          60_000,
        );
        const m = await p.waitFor(
          (x) => x.offers.some((o) => o.from === ip('sender')),
          15_000,
          'the offer',
        );
        const offers = m.offers.filter((o) => o.from === ip('sender'));
        // No UTF8OPT to either (neither announces CAPUTF8OPT): the name is GBK.
        expect(offers.map((o) => [o.name, o.size, o.utf8])).toEqual([
          [shownText(name), 250_000, false],
        ]);
        const offer = offers[0];
        if (!offer) throw new Error('no offer');
        const fetched = await p.fetch(offer);
        expect(fetched).toMatchObject({ state: 'done', bytes: 250_000 });
        expect(path.basename(fetched.savedAs ?? '')).toBe(name);
        expect(fs.readFileSync(fetched.savedAs ?? '').equals(fs.readFileSync(file))).toBe(true);
        // The request it wrote: `pkt:fid:0:` in hex with the trailing ':' and its NUL.
        const request = Buffer.from(fetched.requestHex, 'hex').toString('latin1');
        expect(request).toMatch(
          new RegExp(`:${offer.packetNo.toString(16)}:${offer.fileId.toString(16)}:0:\\0$`),
        );
        const r = await sending;
        expect(r.code, r.stderr).toBe(0);
      });
    }

    it("feiq: a name with ':' (FeiQ writes `::`) reaches Pigeon whole", async () => {
      const name = 'Q3:周报.txt';
      const file = makeFile(name, 1000);
      await feiq.offerFiles(ip('pigeon'), [file]);
      const offered = await pigeon.waitFor('files:transfer', fromPersona(feiq, name), 10_000, name);
      expect(offered.item).toMatchObject({ kind: 'file', size: 1000 });
    });

    it('gbk (IP Messenger): a fetch cut mid-way continues from its offset and completes', async () => {
      const name = '年终总结.bin';
      const file = makeFile(name, 600_000);
      const sending = runPigeon(
        lan,
        'sender',
        ['send', '--to', gbk.ip, '--file', file, '--broadcast', lan.broadcast, '--nick', '小陈'],
        60_000,
      );
      const m = await gbk.waitFor(
        (x) => x.offers.some((o) => o.from === ip('sender') && o.size === 600_000),
        15_000,
        'the offer',
      );
      const offer = m.offers.find((o) => o.from === ip('sender') && o.size === 600_000);
      if (!offer) throw new Error('no offer');
      expect(offer.name).toEqual(shownText(name));
      const cut = await gbk.fetch(offer, { stopAfter: 200_000 });
      // Its user presses "retry" a moment later.
      await new Promise((r) => setTimeout(r, 500));
      expect(cut).toMatchObject({ state: 'cut', bytes: 200_000 });
      const rest = await gbk.fetch(offer, { offset: 200_000 });
      // When it fails, say what Pigeon's side saw (its transfer states, once the send has ended).
      const why =
        rest.state === 'done'
          ? ''
          : await sending.then(
              (r) => `${rest.error}; pigeon send exit ${r.code}: ${r.stderr.slice(-500)}`,
            );
      expect(rest, why).toMatchObject({ state: 'done', bytes: 400_000, offset: 200_000 });
      expect(Buffer.from(rest.requestHex, 'hex').toString('latin1')).toMatch(/:30d40:\0$/);
      expect(fs.readFileSync(rest.savedAs ?? '').equals(fs.readFileSync(file))).toBe(true);
      const r = await sending;
      expect(r.code, r.stderr).toBe(0);
    });
  },
);
