import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Peer } from '../../shared/model';
import { outcomeText } from '../../shared/model/texts';
import { canUseNamespaces, createLan, openUdp, type Lan } from '../lab/netns-lan';
import { PigeonProcess, pigeonBuilt } from '../lab/pigeon-process';

/**
 * Three people on one LAN, each running `pigeon serve` bound to 0.0.0.0:2425 in a namespace of
 * its own, as on real machines: discovery by broadcast, messages both ways, broadcast to all,
 * several recipients, loss, duplicates, a vanished peer, and goodbye.
 */
const ns = canUseNamespaces();
const built = pigeonBuilt();
const skip = !ns.ok ? ns.reason : !built.ok ? built.reason : undefined;

const online = (address: string) => (p: Peer) => p.address === address && p.client === 'pigeon';

describe.skipIf(skip !== undefined)(
  `three Pigeons on a namespace LAN${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    let lan: Lan;
    let a: PigeonProcess;
    let b: PigeonProcess;
    let c: PigeonProcess;
    const ip = (h: string) => lan.host(h).ip;

    beforeAll(async () => {
      lan = await createLan({ hosts: ['a', 'b', 'c'] });
      a = await PigeonProcess.start(lan, 'a', { nick: '阿明', group: '研发部' });
      b = await PigeonProcess.start(lan, 'b', { nick: 'Bea', group: 'Sales' });
      c = await PigeonProcess.start(lan, 'c', { nick: '小陈', group: '研发部' });
    });
    afterAll(async () => {
      await lan?.destroy();
    });

    it('each lists the other two, with names, groups and client kind', async () => {
      for (const [me, others] of [
        [a, ['b', 'c']],
        [b, ['a', 'c']],
        [c, ['a', 'b']],
      ] as const) {
        for (const o of others)
          await me.waitFor('peers:online', online(ip(o)), 8000, `${o} online`);
      }
      const r = await a.request('peers:list');
      expect(r.ok).toBe(true);
      const peers = (r.ok ? r.value : []) as Peer[];
      const byAddress = new Map(peers.map((p) => [p.address, p]));
      expect(byAddress.get(ip('b'))).toMatchObject({
        nick: 'Bea',
        group: 'Sales',
        client: 'pigeon',
        online: true,
        port: 2425,
      });
      expect(byAddress.get(ip('c'))).toMatchObject({
        nick: '小陈',
        group: '研发部',
        client: 'pigeon',
      });
      // Limited and directed broadcast bring every entry twice: still one peer each, never ourselves.
      expect(peers.filter((p) => p.address === ip('b'))).toHaveLength(1);
      expect(peers.some((p) => p.address === ip('a'))).toBe(false);
    });

    it('delivers messages both ways, in Chinese and English, acknowledged', async () => {
      const [toB] = await a.send([ip('b')], '你好，Bea！下午三点开会。');
      expect(await a.finalDelivery(toB)).toMatchObject({ state: 'delivered' });
      // The sender is told of its own message (queued) before any delivery news of it.
      const told = a.events.findIndex(
        (e) => e.channel === 'chat:message' && e.payload.message.id === toB,
      );
      const firstDelivery = a.events.findIndex(
        (e) => e.channel === 'chat:delivery' && e.payload.messageId === toB,
      );
      expect(told).toBeGreaterThanOrEqual(0);
      expect(told).toBeLessThan(firstDelivery);
      expect(a.events[told]?.payload).toMatchObject({
        message: { direction: 'out', delivery: { state: 'queued' } },
        peer: { address: ip('b') },
      });
      const got = await b.waitForMessage((t) => t.includes('下午三点'), 5000, 'message at b');
      expect(got).toMatchObject({
        message: { text: '你好，Bea！下午三点开会。', direction: 'in' },
        peer: { address: ip('a'), nick: '阿明' },
      });

      const [toA] = await b.send([ip('a')], 'Got it, see you at 3.');
      expect(await b.finalDelivery(toA)).toMatchObject({ state: 'delivered' });
      await a.waitForMessage((t) => t === 'Got it, see you at 3.', 5000, 'reply at a');
    });

    it('sends to several chosen peers, each with its own delivery', async () => {
      const ids = await a.send([ip('b'), ip('c')], '周报请在周五前提交');
      expect(ids).toHaveLength(2);
      for (const id of ids) expect(await a.finalDelivery(id)).toMatchObject({ state: 'delivered' });
      for (const p of [b, c])
        await p.waitForMessage((t) => t === '周报请在周五前提交', 5000, 'multi');
    });

    it('broadcasts to everyone without acknowledgement', async () => {
      const r = await c.request('chat:broadcast', { text: 'lunch is here 🍜' });
      expect(r.ok).toBe(true);
      for (const p of [a, b]) {
        const m = await p.waitForMessage((t) => t === 'lunch is here 🍜', 5000, 'broadcast');
        expect(m).toMatchObject({ message: { broadcast: true }, peer: { address: ip('c') } });
      }
    });

    it('carries 100 KB of Chinese text complete and in order, in datagrams under one MTU', async () => {
      const line = '这是一段用于测试长消息分片与重组的中文文本，包含标点。';
      const text = Array.from({ length: 1300 }, (_, i) => `${i}:${line}`).join('\n');
      expect(new TextEncoder().encode(text).length).toBeGreaterThan(100_000);
      // Watch the wire from a bystander socket? The sizes are checked in unit tests; here: content.
      const [id] = await a.send([ip('b')], text);
      expect(await a.finalDelivery(id, 60_000)).toMatchObject({ state: 'delivered' });
      const got = await b.waitForMessage((t) => t.startsWith('0:这是'), 10_000, 'long message');
      expect(got.message.text).toBe(text);
    });

    it('delivers every message exactly once and in order under 20% loss', async () => {
      await lan.addInputLoss('b', 20, { udpPort: 2425 });
      try {
        const texts = Array.from({ length: 25 }, (_, i) => `lossy #${i} 丢包测试`);
        const ids: string[] = [];
        for (const t of texts) ids.push(...(await a.send([ip('b')], t)));
        for (const id of ids) {
          const final = await a.finalDelivery(id, 60_000);
          // On failure, show why (the catalogue's sentence names attempts and the peer).
          expect(final.state === 'failed' ? outcomeText(final, 'en') : final.state).toBe(
            'delivered',
          );
        }
        await new Promise((r) => setTimeout(r, 1500)); // late retransmissions, if any, arrive now
        const shown = b.texts().filter((t) => t.startsWith('lossy #'));
        expect(shown).toEqual(texts);
      } finally {
        await lan.clearLoss('b');
      }
    });

    it('acks a duplicated datagram twice but shows it once', async () => {
      // A client at a's address but on another port, sending one SENDMSG twice (as a network that
      // duplicates, or a retransmission after a lost ack, would).
      const raw = await openUdp(lan, 'a', { port: 40_001 });
      try {
        const packet = Buffer.from('1:77001:dup:duphost:288:duplicated hello 重复\0');
        await raw.send(ip('b'), 2425, packet);
        await raw.send(ip('b'), 2425, packet);
        const acks = await raw.waitFor(
          (d) => d.data.toString('latin1').includes(':33:77001'),
          3000,
        );
        expect(acks).toBeTruthy();
        await new Promise((r) => setTimeout(r, 500));
        const ackCount = raw.received.filter((d) =>
          /:(33|289|8388641):77001/.test(d.data.toString('latin1')),
        ).length;
        expect(ackCount).toBe(2);
        const shown = b
          .of('chat:message')
          .filter(
            (e) => e.message.direction === 'in' && e.message.text === 'duplicated hello 重复',
          );
        expect(shown).toHaveLength(1);
        // Peers are keyed by address: a datagram from another port of a known host is that host's
        // (IPMsg and iptux key by IP too); the ack still goes back to the port it came from.
        expect(shown[0]).toMatchObject({ peer: { address: ip('a'), nick: '阿明' } });
      } finally {
        await raw.close();
      }
    });

    it('keeps a message to a peer that vanished in the outbox, with a reason, after the retries', async () => {
      await c.vanish();
      const started = Date.now();
      const [id] = await a.send([ip('c')], '你还在吗？');
      const final = await a.finalDelivery(id, 15_000);
      expect(final).toMatchObject({
        state: 'outbox',
        code: 'outbox-no-ack',
        params: { peer: `小陈 (${ip('c')})`, days: 7 },
      });
      // The sentence a person reads comes from the catalogue, filled with those params.
      expect(final.state === 'outbox' && outcomeText(final, 'en')).toMatch(
        /no acknowledgement from 小陈 \(.*\): kept in the outbox/,
      );
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThan(4000);
      expect(elapsed).toBeLessThan(9000);
      const sent = a
        .of('chat:delivery')
        .filter((e) => e.messageId === id && e.delivery.state === 'sent');
      expect(sent.map((e) => (e.delivery.state === 'sent' ? e.delivery.attempts : 0))).toEqual([
        1, 2, 3, 4, 5,
      ]);
    });

    it('a refresh shows the vanished peer offline, and keeps the one that answers', async () => {
      const refreshed = Date.now();
      await a.request('peers:refresh');
      const gone = await a.waitFor(
        'peers:offline',
        (p) => p.address === ip('c'),
        12_000,
        'c offline after a refresh',
      );
      expect(gone).toMatchObject({ nick: '小陈', online: false });
      // After the 6 s a peer has to answer an entry (IP Messenger may wait 4 s).
      expect(Date.now() - refreshed).toBeGreaterThan(5500);
      expect(a.of('peers:offline').filter((p) => p.address === ip('b'))).toEqual([]);
    });

    it('says goodbye: the others see a leave when it stops', async () => {
      await b.stop();
      const left = await a.waitFor(
        'peers:offline',
        (p) => p.address === ip('b'),
        5000,
        'b offline',
      );
      expect(left).toMatchObject({ nick: 'Bea', online: false });
      await a.stop();
    });
  },
);
