import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MessageEvent, ResultLine } from '../../shared/contract';
import type { Peer } from '../../shared/model';
import { canRunIptux, startIptux, type Iptux } from '../lab/iptux';
import { createLan, type Lan } from '../lab/netns-lan';
import { NODE, PIGEON_CLI, PigeonProcess, pigeonBuilt } from '../lab/pigeon-process';

/**
 * Interop with a real iptux (Debian's 0.8.3), headless in a namespace of the same LAN: two
 * Pigeon users and an iptux user chat in Chinese and English; acks, retransmission and BR_EXIT
 * both ways. iptux is driven as a person would, by typing into its window (xdotool).
 */
const can = canRunIptux();
const built = pigeonBuilt();
const skip = !can.ok ? can.reason : !built.ok ? built.reason : undefined;

const ARTIFACTS = `${__dirname}/../artifacts`;

describe.skipIf(skip !== undefined)(
  `Pigeon and a real iptux${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    let lan: Lan;
    let iptux: Iptux;
    let a: PigeonProcess;
    let b: PigeonProcess;
    const ip = (h: string) => lan.host(h).ip;
    const fromIptux = (text: string) => (e: MessageEvent) =>
      e.message.direction === 'in' && e.peer?.address === iptux.ip && e.message.text === text;

    beforeAll(async () => {
      lan = await createLan({ hosts: ['tux', 'a', 'b', 'c'] });
      iptux = await startIptux(lan, 'tux', { nick: 'iptux用户', group: 'lab' });
      a = await PigeonProcess.start(lan, 'a', { nick: '阿明', group: '研发部' });
      b = await PigeonProcess.start(lan, 'b', { nick: 'Bea', group: 'Sales' });
      // Their start-up entries must be over before xdotool types into iptux (see waitForEntries).
      await iptux.waitForEntries([ip('a'), ip('b')]);
    });
    afterEach(async (ctx) => {
      // A failure against a real GUI app: say whether iptux froze or Pigeon went quiet.
      if (ctx.task.result?.state === 'fail') console.error(await iptux.diagnose());
    });
    afterAll(async () => {
      await lan?.destroy();
    });

    // First, before any chat window is open in iptux: iptux 0.8.3 rewrites a pal's open chat
    // window from its network thread when the pal announces itself, and crashes in
    // gtk_text_layout if GTK is drawing it at that moment (see waitForEntries in the lab).
    it('a refresh keeps iptux online: it answers every entry', async () => {
      await a.waitFor('peers:online', (p) => p.address === iptux.ip, 8000, 'iptux online at a');
      const answers = () =>
        iptux
          .udpLog()
          .filter((d) => d.dir === 'sent' && d.peer === ip('a') && (d.command & 0xff) === 3).length;
      const before = answers();
      await a.request('peers:refresh');
      // Past the 6 s a peer has to answer before it is shown offline.
      await new Promise((r) => setTimeout(r, 7000));
      expect(answers()).toBeGreaterThan(before);
      expect(a.of('peers:offline').filter((p) => p.address === iptux.ip)).toEqual([]);
    });

    it('Pigeon lists iptux, and iptux lists Pigeon', async () => {
      const seen = await a.waitFor(
        'peers:online',
        (p) => p.address === iptux.ip,
        8000,
        'iptux online at a',
      );
      expect(seen).toMatchObject({
        nick: 'iptux用户',
        group: 'lab',
        client: 'iptux',
        encoding: 'utf-8',
        away: false,
      });
      // iptux answered our entry with its ANSENTRY (259), so it took us in...
      await iptux.waitForDatagram(
        (d) => d.dir === 'sent' && d.peer === ip('a') && (d.command & 0xff) === 3,
        5000,
      );
      // ...and its chat window opens for our address only if we are in its pal list.
      await iptux.openChat(ip('a'));
      await iptux.openChat(ip('b'));
      await iptux.screenshot(`${ARTIFACTS}/iptux-lists-pigeons.png`);
    });

    it('a Chinese message from Pigeon reaches iptux and is acknowledged', async () => {
      const [id] = await a.send([iptux.ip], '你好 iptux，这是来自 Pigeon 的消息');
      expect(await a.finalDelivery(id)).toMatchObject({ state: 'delivered' });
      const got = await iptux.waitForDatagram(
        (d) => d.dir === 'received' && d.peer === ip('a') && (d.command & 0xff) === 0x20,
        3000,
      );
      expect(got.bytes.toString('utf8')).toContain('你好 iptux，这是来自 Pigeon 的消息');
      // iptux's own chat log (what its user sees) has the text, not mojibake.
      await expect
        .poll(() => iptux.chatLog() ?? '', { timeout: 5000 })
        .toContain('这是来自 Pigeon 的消息');
    });

    it("iptux's replies in Chinese and English reach Pigeon, acked once each", async () => {
      await iptux.chatSend(ip('a'), '收到，谢谢！');
      await a.waitFor('chat:message', fromIptux('收到，谢谢！'), 8000, 'Chinese reply from iptux');
      await iptux.chatSend(ip('a'), 'see you at 3');
      await a.waitFor('chat:message', fromIptux('see you at 3'), 8000, 'English reply from iptux');
      expect(a.of('chat:message').filter(fromIptux('收到，谢谢！'))).toHaveLength(1);
      // We acked: iptux never had to resend (one SENDMSG per text in its log).
      const sends = iptux
        .udpLog()
        .filter((d) => d.dir === 'sent' && d.peer === ip('a') && (d.command & 0xff) === 0x20);
      expect(sends).toHaveLength(2);
    });

    it("handles iptux's retransmission after a lost ack: acked again, shown once", async () => {
      // Our acks to iptux vanish for a while: iptux resends every second with the same number.
      await lan.blockInput('tux', ip('a'), 'udp');
      await iptux.chatSend(ip('a'), '重发测试 retransmit');
      await a.waitFor('chat:message', fromIptux('重发测试 retransmit'), 8000, 'first copy');
      await new Promise((r) => setTimeout(r, 2200));
      await lan.unblock('tux');
      await iptux.waitForDatagram(
        (d) => d.dir === 'received' && d.peer === ip('a') && (d.command & 0xff) === 0x21,
        5000,
      );
      const copies = iptux
        .udpLog()
        .filter(
          (d) =>
            d.dir === 'sent' && d.peer === ip('a') && d.bytes.toString('utf8').includes('重发测试'),
        );
      expect(copies.length).toBeGreaterThanOrEqual(2);
      expect(new Set(copies.map((d) => d.bytes.toString('latin1').split(':')[1])).size).toBe(1);
      await new Promise((r) => setTimeout(r, 500));
      expect(a.of('chat:message').filter(fromIptux('重发测试 retransmit'))).toHaveLength(1);
    });

    it('two Pigeon users and the iptux user chat with each other', async () => {
      const [toB] = await a.send([ip('b')], 'Bea, iptux 那边也能收到吗？');
      expect(await a.finalDelivery(toB)).toMatchObject({ state: 'delivered' });
      await b.waitForMessage((t) => t === 'Bea, iptux 那边也能收到吗？', 5000, 'a to b');
      const [toTux] = await b.send([iptux.ip], 'Hello from Bea 👋');
      expect(await b.finalDelivery(toTux)).toMatchObject({ state: 'delivered' });
      await expect.poll(() => iptux.chatLog() ?? '', { timeout: 5000 }).toContain('Hello from Bea');
      await iptux.chatSend(ip('b'), '大家好');
      await b.waitFor('chat:message', fromIptux('大家好'), 8000, 'iptux to b');
      await iptux.screenshot(`${ARTIFACTS}/iptux-chat-with-pigeon.png`);
    });

    it('the one-shot commands work as the README says: peers, send, and a failed send', async () => {
      const data = `/tmp/pigeon-c-${process.pid}`;
      lan.onDestroy(() => fs.rmSync(data, { recursive: true, force: true }));
      const cli = (...args: string[]) =>
        lan.exec(
          'c',
          NODE,
          [
            PIGEON_CLI,
            ...args,
            '--broadcast',
            lan.broadcast,
            '--data',
            `/tmp/pigeon-c-${process.pid}`,
          ],
          // English sentences on stderr whatever the runner's locale (the CLI follows LANG).
          { timeoutMs: 30_000, env: { ...process.env, LC_ALL: 'C.UTF-8' } },
        );
      const peers = await cli('peers', '--json', '--wait', '2', '--nick', 'cli');
      expect(peers.code).toBe(0);
      // One line: the peers:list answer, as the UI's contract has it.
      const lines = peers.stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      const answer = JSON.parse(lines[0] ?? '') as ResultLine<'peers:list'>;
      expect(answer).toMatchObject({ channel: 'peers:list', result: { ok: true } });
      const listed: Peer[] = answer.result.ok ? answer.result.value : [];
      expect(listed.map((p) => p.address).sort()).toEqual([iptux.ip, ip('a'), ip('b')].sort());
      expect(listed.find((p) => p.address === iptux.ip)).toMatchObject({
        client: 'iptux',
        nick: 'iptux用户',
      });

      const sent = await cli(
        'send',
        '--nick',
        'cli',
        '--to',
        iptux.ip,
        '命令行发来的消息 from the CLI',
      );
      expect(sent.code).toBe(0);
      expect(sent.stderr).toContain('delivered');
      await expect
        .poll(() => iptux.chatLog() ?? '', { timeout: 5000 })
        .toContain('命令行发来的消息');

      // Nobody at .99: exit 1, and one clear line saying why.
      const lost = await cli('send', '--nick', 'cli', '--to', lan.subnet + '.99', 'anyone?');
      expect(lost.code).toBe(1);
      expect(lost.stderr).toMatch(/no acknowledgement from .* after 5 attempts/);
      expect(lost.stderr.trim().split('\n')).toHaveLength(1);
    });

    it('BR_EXIT both ways: Pigeon leaving disappears from iptux, iptux quitting goes offline in Pigeon', async () => {
      await b.stop();
      await iptux.waitForDatagram(
        (d) => d.dir === 'received' && d.peer === ip('b') && (d.command & 0xff) === 0x02,
        5000,
      );
      const { graceful } = await iptux.stop();
      expect(graceful).toBe(true);
      const left = await a.waitFor(
        'peers:offline',
        (p) => p.address === iptux.ip,
        5000,
        'iptux offline',
      );
      expect(left).toMatchObject({ nick: 'iptux用户', online: false });
      await a.stop();
    });
  },
);
