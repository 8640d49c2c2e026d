import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MessageEvent } from '../../shared/contract';
import { canRunIptux, startIptux, type Iptux } from '../lab/iptux';
import { createLan, type Lan } from '../lab/netns-lan';
import { PigeonProcess, pigeonBuilt } from '../lab/pigeon-process';

/**
 * Away, the automatic reply and sealed messages against a real iptux (Debian's 0.8.3): iptux has
 * no away state and ignores sealing (reference §5, §10), so what it can show is what a person on
 * iptux sees: our "[away]" nick, one automatic reply per period, a sealed message shown as an
 * ordinary one, and never a READMSG.
 */
const can = canRunIptux();
const built = pigeonBuilt();
const skip = !can.ok ? can.reason : !built.ok ? built.reason : undefined;

const ARTIFACTS = `${__dirname}/../artifacts`;
const SENDMSG = 0x20;
const BR_ABSENCE = 0x04;
const READMSG = 0x30;
const AUTORETOPT = 0x2000;
const SEALED = 0x200 | 0x100000; // SECRETOPT | READCHECKOPT
const AWAY_TEXT = '开会中，稍后回复 / in a meeting';

describe.skipIf(skip !== undefined)(
  `away and sealed messages with a real iptux${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    let lan: Lan;
    let iptux: Iptux;
    let a: PigeonProcess;
    const ip = (h: string) => lan.host(h).ip;
    const fromIptux = (text: string) => (e: MessageEvent) =>
      e.message.direction === 'in' && e.peer?.address === iptux.ip && e.message.text === text;
    const autoReplies = () =>
      iptux
        .udpLog()
        .filter(
          (d) =>
            d.dir === 'received' &&
            d.peer === ip('a') &&
            (d.command & 0xff) === SENDMSG &&
            (d.command & AUTORETOPT) !== 0,
        );

    beforeAll(async () => {
      lan = await createLan({ hosts: ['tux', 'a'] });
      iptux = await startIptux(lan, 'tux', { nick: 'iptux用户', group: 'lab' });
      a = await PigeonProcess.start(lan, 'a', { nick: '阿明', group: '研发部' });
      await iptux.waitForEntries([ip('a')]);
      await a.waitFor('peers:online', (p) => p.address === iptux.ip, 8000, 'iptux online at a');
    });
    afterEach(async (ctx) => {
      if (ctx.task.result?.state === 'fail') console.error(await iptux.diagnose());
    });
    afterAll(async () => {
      await lan?.destroy();
    });

    it('going away tells iptux: BR_ABSENCE with ABSENCEOPT and the nick marked [away]', async () => {
      const r = await a.request('settings:update', { away: true, awayMessage: AWAY_TEXT });
      expect(r.ok).toBe(true);
      const absence = await iptux.waitForDatagram(
        (d) => d.dir === 'received' && d.peer === ip('a') && (d.command & 0xff) === BR_ABSENCE,
        5000,
      );
      expect(absence.command & 0x100).toBe(0x100);
      expect(absence.bytes.toString('utf8')).toContain('阿明[away]');
    });

    it("iptux's messages to an away Pigeon get one automatic reply, shown in iptux", async () => {
      await iptux.chatSend(ip('a'), '在吗？');
      await a.waitFor('chat:message', fromIptux('在吗？'), 8000, 'first message from iptux');
      await iptux.waitForDatagram(
        (d) =>
          d.dir === 'received' &&
          d.peer === ip('a') &&
          (d.command & 0xff) === SENDMSG &&
          (d.command & AUTORETOPT) !== 0,
        5000,
      );
      await expect.poll(() => iptux.chatLog() ?? '', { timeout: 5000 }).toContain('开会中');
      await iptux.chatSend(ip('a'), 'still there?');
      await a.waitFor('chat:message', fromIptux('still there?'), 8000, 'second message');
      await new Promise((r) => setTimeout(r, 1500));
      // Once per peer per period, however many messages; never acked (no SENDCHECKOPT).
      const replies = autoReplies();
      expect(replies).toHaveLength(1);
      expect((replies[0]?.command ?? 0x100) & 0x100).toBe(0);
      expect(replies[0]?.bytes.toString('utf8')).toContain(AWAY_TEXT);
      await iptux.screenshot(`${ARTIFACTS}/iptux-away-reply.png`);
    });

    it('a sealed message reaches iptux as IP Messenger sends it, is shown as ordinary text, and never reported opened', async () => {
      await a.request('settings:update', { away: false });
      const r = await a.request('chat:send', {
        to: [iptux.ip],
        text: '密封消息 sealed note',
        sealed: true,
      });
      expect(r.ok).toBe(true);
      const id = r.ok ? (r.value as { ids: string[] }).ids[0] : undefined;
      expect(await a.finalDelivery(id)).toMatchObject({ state: 'delivered' });
      const got = await iptux.waitForDatagram(
        (d) =>
          d.dir === 'received' &&
          d.peer === ip('a') &&
          (d.command & 0xff) === SENDMSG &&
          d.bytes.toString('utf8').includes('密封消息'),
        5000,
      );
      expect(got.command & SEALED).toBe(SEALED);
      await expect.poll(() => iptux.chatLog() ?? '', { timeout: 5000 }).toContain('密封消息');
      await iptux.screenshot(`${ARTIFACTS}/iptux-sealed.png`);
      await new Promise((r2) => setTimeout(r2, 2000));
      expect(
        iptux.udpLog().filter((d) => d.dir === 'sent' && (d.command & 0xff) === READMSG),
      ).toEqual([]);
      expect(a.of('chat:opened')).toEqual([]);
    });
  },
);
