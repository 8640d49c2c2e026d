import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, Peer } from '../../shared/model';
import { canUseNamespaces, createLan, type Lan } from '../lab/netns-lan';
import { Cmd } from '../lab/personas/ipmsg-packet';
import { shownText, type Shown } from '../lab/personas/display-model';
import { PersonaProcess } from '../lab/personas/persona-process';
import { NODE, PIGEON_CLI, PigeonProcess, pigeonBuilt } from '../lab/pigeon-process';

/**
 * Pigeon among clients that only speak GBK, each a faithful persona (e2e/lab/personas): a
 * FeiQ-dialect client (飞秋) and a plain GBK IP Messenger. Interop is judged by what those
 * clients show, decoded exactly as they decode it, not by Pigeon's own encoder.
 *
 * Checks that fail are written with `it.fails`, each with why in a comment. When the
 * engine is fixed they start to pass, vitest reports the `.fails` as failed, and they are flipped
 * to `it`.
 */
const ns = canUseNamespaces();
const built = pigeonBuilt();
const skip = !ns.ok ? ns.reason : !built.ok ? built.reason : undefined;

const NICK = '鸽子Pigeon';
const GROUP = '研发部';
const NEW_NICK = '信鸽Pigeon';
const ONESHOT_NICK = '快递鸽';
/** Pigeon repeats its start-up entry after 3 s (engine entryRepeatMs). */
const PIGEON_ENTRY_REPEAT_MS = 3000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(skip !== undefined)(
  `Pigeon and legacy GBK clients on a namespace LAN${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    let lan: Lan;
    let pigeon: PigeonProcess;
    /** Started before Pigeon: they learn Pigeon from its broadcast BR_ENTRY. */
    let feiqEarly: PersonaProcess;
    let gbkEarly: PersonaProcess;
    /** Started after Pigeon: they learn Pigeon from its ANSENTRY. */
    let feiqLate: PersonaProcess;
    let gbkLate: PersonaProcess;
    const ip = (h: string) => lan.host(h).ip;
    const pigeonIp = () => ip('pigeon');

    const online = (address: string) => (p: Peer) => p.address === address;

    async function pigeonPeer(address: string): Promise<Peer | undefined> {
      const r = await pigeon.request('peers:list');
      return ((r.ok ? r.value : []) as Peer[]).find((p) => p.address === address);
    }

    /** Messages Pigeon showed from that address, each with the sender as Pigeon saw it. */
    const messagesFrom = (address: string): (ChatMessage & { from: Peer | null })[] =>
      pigeon
        .of('chat:message')
        .filter((e) => e.message.direction === 'in' && e.peer?.address === address)
        .map((e) => ({ ...e.message, from: e.peer }));

    /**
     * The persona's user types each text to Pigeon; once the persona saw it acknowledged, what
     * Pigeon shows for it (text, and whether it flagged the bytes undecodable).
     */
    async function pigeonShows(persona: PersonaProcess, texts: string[]) {
      const before = messagesFrom(persona.ip).length;
      for (const t of texts) await persona.acked(await persona.send(pigeonIp(), t));
      await pigeon.waitUntil(
        () => messagesFrom(persona.ip).length >= before + texts.length,
        5000,
        `${texts.length} messages from ${persona.name}`,
      );
      return messagesFrom(persona.ip)
        .slice(before)
        .map((e) => ({ text: e.text, undecodable: e.undecodable !== undefined }));
    }
    const shownRight = (texts: string[]) => texts.map((text) => ({ text, undecodable: false }));

    /** Pigeon sends `text` to the persona; delivered, and what the persona shows since then. */
    async function personaShows(persona: PersonaProcess, text: string): Promise<Shown[]> {
      const before = persona.textsFrom(pigeonIp()).length;
      const [id] = await pigeon.send([persona.ip], text);
      expect(await pigeon.finalDelivery(id, 30_000)).toMatchObject({ state: 'delivered' });
      // Every datagram was acked, so the persona has handled them all: sync, no guessing.
      await persona.sync();
      return persona.textsFrom(pigeonIp()).slice(before);
    }

    beforeAll(async () => {
      lan = await createLan({ hosts: ['pigeon', 'oneshot', 'feiq1', 'gbk1', 'feiq2', 'gbk2'] });
      feiqEarly = await PersonaProcess.start(lan, 'feiq1', {
        dialect: 'feiq',
        nick: '飞秋小李',
        group: '销售部',
      });
      gbkEarly = await PersonaProcess.start(lan, 'gbk1', {
        dialect: 'gbk-ipmsg',
        nick: '老王',
        group: '市场部',
      });
      pigeon = await PigeonProcess.start(lan, 'pigeon', { nick: NICK, group: GROUP });
      const started = Date.now();
      await pigeon.waitFor('peers:online', online(feiqEarly.ip), 8000, 'early FeiQ online');
      await pigeon.waitFor('peers:online', online(gbkEarly.ip), 8000, 'early GBK IPMsg online');
      // "After Pigeon" means after its start-up, repeat included: a client that starts later
      // hears only Pigeon's answer to its own entry.
      await sleep(Math.max(0, PIGEON_ENTRY_REPEAT_MS + 500 - (Date.now() - started)));
      feiqLate = await PersonaProcess.start(lan, 'feiq2', {
        dialect: 'feiq',
        nick: '飞秋小张',
        group: '销售部',
      });
      gbkLate = await PersonaProcess.start(lan, 'gbk2', {
        dialect: 'gbk-ipmsg',
        nick: '老李',
        group: '市场部',
      });
      await pigeon.waitFor('peers:online', online(feiqLate.ip), 8000, 'late FeiQ online');
      await pigeon.waitFor('peers:online', online(gbkLate.ip), 8000, 'late GBK IPMsg online');
      await Promise.all([feiqEarly, gbkEarly, feiqLate, gbkLate].map((p) => p.settle(500)));
    });
    afterAll(async () => {
      await lan?.destroy();
    });

    describe('a FeiQ-dialect client (飞秋)', () => {
      it('is listed by Pigeon with its GBK nick and group', async () => {
        expect(await pigeonPeer(feiqEarly.ip)).toMatchObject({
          nick: '飞秋小李',
          group: '销售部',
          client: 'feiq',
          online: true,
        });
        expect(await pigeonPeer(feiqLate.ip)).toMatchObject({ nick: '飞秋小张', client: 'feiq' });
        // Its extra packets: it opened a window on Pigeon's ANSENTRY, and Pigeon answered.
        expect(feiqLate.receivedCount(pigeonIp(), Cmd.RESP_YOU)).toBeGreaterThan(0);
      });

      it('chats both ways: Pigeon → FeiQ shown and acked; GBK texts 谢谢 and 一 shown by Pigeon', async () => {
        expect(await personaShows(feiqEarly, '你好，飞秋！下午三点开会。')).toEqual([
          shownText('你好，飞秋！下午三点开会。'),
        ]);
        expect(await pigeonShows(feiqEarly, ['谢谢', '一', '收到，马上到'])).toEqual(
          shownRight(['谢谢', '一', '收到，马上到']),
        );
        expect(messagesFrom(feiqEarly.ip).at(-1)).toMatchObject({
          from: { nick: '飞秋小李', client: 'feiq' },
        });
      });

      it('carries long messages both ways', async () => {
        const line = '这是一段用于测试长消息的中文文本，飞秋只懂GBK。';
        const long = Array.from({ length: 120 }, (_, i) => `${i}:${line}`).join('\n');
        // Pigeon splits it into datagrams under one MTU; FeiQ shows each as a text.
        const pieces = await personaShows(feiqEarly, long);
        expect(pieces.length).toBeGreaterThan(1);
        expect(pieces.map((s) => (s.kind === 'text' ? s.text : `<raw ${s.hex}>`)).join('')).toBe(
          long,
        );
        // FeiQ sends one datagram (about 4 KB of GBK here).
        const reply = Array.from({ length: 80 }, (_, i) => `${i}：收到，谢谢`).join('\n');
        expect(await pigeonShows(feiqEarly, [reply])).toEqual(shownRight([reply]));
      });

      it("shows Pigeon's nick and group right, started before or after Pigeon", () => {
        expect({
          early: feiqEarly.describePeer(pigeonIp()),
          late: feiqLate.describePeer(pigeonIp()),
        }).toEqual({
          early: `nick "${NICK}", group "${GROUP}"`,
          late: `nick "${NICK}", group "${GROUP}"`,
        });
      });

      // Pigeon's broadcast entry stays UTF-8, so that iptux and IP Messenger read it right: a
      // FeiQ started before Pigeon converts that broadcast (its start-up entry and the repeat) as
      // GBK and keeps raw bytes until Pigeon's GBK ANSENTRY follows, a moment later. With this
      // group (研发部, nine UTF-8 bytes before a NUL) no UTF-8 entry converts as GBK, so what
      // Pigeon can promise is this: raw only from the broadcast, always corrected at once.
      it("shows raw bytes only for Pigeon's UTF-8 broadcast, each time followed by its GBK ANSENTRY", () => {
        // The client started after Pigeon only ever heard Pigeon's GBK answer to its entry.
        expect(feiqLate.nicksShown(pigeonIp()).filter((s) => s.kind === 'raw')).toEqual([]);
        for (const p of [feiqEarly, feiqLate]) {
          const names = p.model().names.filter((n) => n.address === pigeonIp());
          const right = { via: 'ANSENTRY', nick: shownText(NICK), group: shownText(GROUP) };
          names.forEach((n, i) => {
            if (n.nick.kind !== 'raw') return;
            expect(n.via).toBe('BR_ENTRY');
            expect(names.slice(i + 1).find((m) => m.via === 'ANSENTRY')).toMatchObject(right);
          });
          expect(names.at(-1)).toMatchObject(right);
        }
      });

      // Its text and its GBK font tail in one body: judged without the tail (feiqTextBytes).
      it('has its UTF-8 texts (✓, emoji) shown right by Pigeon', async () => {
        const texts = ['完成✓了', '👍', '✓ 收到'];
        expect(await pigeonShows(feiqLate, texts)).toEqual(shownRight(texts));
      });
    });

    describe('a plain GBK IP Messenger', () => {
      it('is listed by Pigeon with its GBK nick and group', async () => {
        expect(await pigeonPeer(gbkEarly.ip)).toMatchObject({
          nick: '老王',
          group: '市场部',
          client: 'ipmsg',
          online: true,
        });
        expect(await pigeonPeer(gbkLate.ip)).toMatchObject({ nick: '老李', group: '市场部' });
      });

      it('chats both ways, acknowledged', async () => {
        expect(await personaShows(gbkEarly, '老王你好，文件已发送。')).toEqual([
          shownText('老王你好，文件已发送。'),
        ]);
        expect(await pigeonShows(gbkEarly, ['收到，马上到', '好的，明天见'])).toEqual(
          shownRight(['收到，马上到', '好的，明天见']),
        );
        expect(messagesFrom(gbkEarly.ip).at(-1)).toMatchObject({
          from: { nick: '老王', client: 'ipmsg' },
        });
      });

      it('carries long messages both ways', async () => {
        const line = '这是一段用于测试长消息的中文文本，老式飞鸽只懂GBK。';
        const long = Array.from({ length: 120 }, (_, i) => `${i}:${line}`).join('\n');
        const pieces = await personaShows(gbkEarly, long);
        expect(pieces.length).toBeGreaterThan(1);
        expect(pieces.map((s) => (s.kind === 'text' ? s.text : '')).join('')).toBe(long);
        const reply = Array.from({ length: 80 }, (_, i) => `${i}：收到，谢谢`).join('\n');
        expect(await pigeonShows(gbkEarly, [reply])).toEqual(shownRight([reply]));
      });

      it("shows Pigeon's nick and group right when started after Pigeon (Pigeon's ANSENTRY)", () => {
        expect(gbkLate.describePeer(pigeonIp())).toBe(`nick "${NICK}", group "${GROUP}"`);
        expect(gbkLate.nicksShown(pigeonIp())).toEqual([shownText(NICK)]);
      });

      it("shows Pigeon's nick and group right when started before Pigeon", () => {
        expect(gbkEarly.describePeer(pigeonIp())).toBe(`nick "${NICK}", group "${GROUP}"`);
      });

      it('has its short GBK texts 谢谢 and 一 shown right by Pigeon', async () => {
        // GBK 谢谢 (d0 bb d0 bb) and 一 (d2 bb) are also valid UTF-8.
        expect(await pigeonShows(gbkEarly, ['谢谢', '一'])).toEqual(shownRight(['谢谢', '一']));
      });
    });

    describe('after Pigeon changes its nick (settings:update)', () => {
      beforeAll(async () => {
        const personas = [feiqEarly, feiqLate, gbkEarly, gbkLate];
        const before = personas.map((p) => p.receivedCount(pigeonIp(), Cmd.BR_ABSENCE));
        const r = await pigeon.request('settings:update', { nick: NEW_NICK });
        expect(r.ok).toBe(true);
        // Pigeon announces the change with a broadcast BR_ABSENCE (which these clients ignore)
        // and a unicast ANSENTRY in each one's code page, sent together: wait until every
        // persona has the BR_ABSENCE, so that what they show next is their answer to both.
        for (const [i, p] of personas.entries()) {
          await p.waitFor(
            () => p.receivedCount(pigeonIp(), Cmd.BR_ABSENCE) > (before[i] ?? 0),
            5000,
            "Pigeon's BR_ABSENCE",
          );
        }
        await Promise.all(personas.map((p) => p.settle(1000)));
      });

      it('FeiQ shows the new nick', () => {
        expect({
          early: feiqEarly.describePeer(pigeonIp()),
          late: feiqLate.describePeer(pigeonIp()),
        }).toEqual({
          early: `nick "${NEW_NICK}", group "${GROUP}"`,
          late: `nick "${NEW_NICK}", group "${GROUP}"`,
        });
      });

      it('the GBK IP Messenger shows the new nick', () => {
        expect({
          early: gbkEarly.describePeer(pigeonIp()),
          late: gbkLate.describePeer(pigeonIp()),
        }).toEqual({
          early: `nick "${NEW_NICK}", group "${GROUP}"`,
          late: `nick "${NEW_NICK}", group "${GROUP}"`,
        });
      });
    });

    describe('a one-shot `pigeon send`', () => {
      const text = '一次性消息：快递到了，在前台。';
      let exitCode: number | null = null;
      let stderr = '';

      beforeAll(async () => {
        const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-oneshot-'));
        lan.onDestroy(() => fs.rmSync(dataDir, { recursive: true, force: true }));
        const r = await lan.exec(
          'oneshot',
          NODE,
          [
            PIGEON_CLI,
            'send',
            '--to',
            feiqEarly.ip,
            '--to',
            gbkEarly.ip,
            '--nick',
            ONESHOT_NICK,
            '--group',
            GROUP,
            '--broadcast',
            lan.broadcast,
            '--data',
            dataDir,
            text,
          ],
          { timeoutMs: 30_000 },
        );
        exitCode = r.code;
        stderr = r.stderr;
        await Promise.all([feiqEarly, gbkEarly].map((p) => p.settle(500)));
      });

      it('delivers to both, and each shows the text', () => {
        expect({ exitCode, stderr }).toMatchObject({ exitCode: 0 });
        for (const p of [feiqEarly, gbkEarly])
          expect(p.textsFrom(ip('oneshot'))).toEqual([shownText(text)]);
      });

      it("each shows the sender's name right", () => {
        expect({
          feiq: feiqEarly.describePeer(ip('oneshot')),
          gbk: gbkEarly.describePeer(ip('oneshot')),
        }).toEqual({
          feiq: `nick "${ONESHOT_NICK}", group "${GROUP}"`,
          gbk: `nick "${ONESHOT_NICK}", group "${GROUP}"`,
        });
      });
    });
  },
);
