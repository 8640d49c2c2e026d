import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../shared/model';
import { canUseNamespaces, createLan, type Lan } from '../lab/netns-lan';
import { PigeonProcess, pigeonBuilt } from '../lab/pigeon-process';

/**
 * The same Pigeon back at a new address, on a namespace LAN: Bea's `pigeon serve` vanishes from
 * host b with a message of Ann's waiting for her, and starts again on host c with the same data
 * directory (so the same install id). Ann's serve keeps both peers apart, writes a notice into
 * both conversations, sends nothing to c on its own, and moves the waiting message there only
 * on chat:redirect-queued, where Bea shows it once.
 */
const ns = canUseNamespaces();
const built = pigeonBuilt();
const skip = !ns.ok ? ns.reason : !built.ok ? built.reason : undefined;

describe.skipIf(skip !== undefined)(
  `a peer at a new address${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    let lan: Lan;
    const ip = (h: string) => lan.host(h).ip;
    const id = (h: string) => `${ip(h)}:2425`;
    const aData = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-moved-a-'));
    const bData = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-moved-b-'));

    beforeAll(async () => {
      lan = await createLan({ hosts: ['a', 'b', 'c'] });
      lan.onDestroy(() => {
        fs.rmSync(aData, { recursive: true, force: true });
        fs.rmSync(bData, { recursive: true, force: true });
      });
    });
    afterAll(async () => {
      await lan?.destroy();
    });

    it('notices the move in both conversations and sends the outbox there only when asked', async () => {
      const a = await PigeonProcess.start(lan, 'a', { nick: 'Ann', dataDir: aData });
      const b = await PigeonProcess.start(lan, 'b', { nick: 'Bea', dataDir: bData });
      await a.waitFor('peers:online', (p) => p.address === ip('b'), 5000, 'b online');
      const [hello] = await a.send([id('b')], 'hello Bea');
      expect(await a.finalDelivery(hello, 10_000)).toMatchObject({ state: 'delivered' });
      await b.vanish();
      const [waiting] = await a.send([id('b')], '等你回来 (moved)');
      expect(await a.finalDelivery(waiting, 15_000)).toMatchObject({ state: 'outbox' });

      const moved = await PigeonProcess.start(lan, 'c', { nick: 'Bea', dataDir: bData });
      const isNotice = (peerId: string, code: string) => (e: { message: ChatMessage }) =>
        e.message.peerId === peerId && e.message.notice?.code === code;
      const old = await a.waitFor(
        'chat:message',
        isNotice(id('b'), 'identity-moved-install'),
        10_000,
        'the notice in the old conversation',
      );
      expect(old.message.notice?.params).toMatchObject({ address: ip('c'), peer: id('c') });
      await a.waitFor(
        'chat:message',
        isNotice(id('c'), 'identity-was-install'),
        5000,
        'the notice in the new conversation',
      );
      const peers = await a.request('peers:list');
      const list = peers.ok ? (peers.value as { id: string; installId?: string }[]) : [];
      expect(list.map((p) => p.id).sort()).toEqual([id('b'), id('c')].sort());
      expect(new Set(list.map((p) => p.installId)).size).toBe(1);
      // Nothing goes to the new address on its own.
      await new Promise((r) => setTimeout(r, 3000));
      expect(moved.texts()).not.toContain('等你回来 (moved)');

      const r = await a.request('chat:redirect-queued', { fromPeerId: id('b'), toPeerId: id('c') });
      expect(r.ok).toBe(true);
      const copy = r.ok ? (r.value as { moved: { from: string; to: string }[] }).moved : [];
      expect(copy.map((m) => m.from)).toEqual([waiting]);
      await moved.waitForMessage((t) => t === '等你回来 (moved)', 10_000, 'the moved message');
      // The copy is told 'outbox' (moved there) first, then goes, and is delivered.
      await a.waitFor(
        'chat:delivery',
        (e) => e.messageId === copy[0]?.to && e.delivery.state === 'delivered',
        10_000,
        'the copy delivered',
      );
      expect(
        a
          .of('chat:delivery')
          .find((e) => e.messageId === waiting && e.delivery.state === 'redirected'),
      ).toBeDefined();
      // Once: asked again, nothing is left to move, and another entry sends nothing more.
      const again = await a.request('chat:redirect-queued', {
        fromPeerId: id('b'),
        toPeerId: id('c'),
      });
      expect(again.ok ? 'ok' : again.error.code).toBe('nothing-queued');
      await a.request('peers:refresh');
      await new Promise((r2) => setTimeout(r2, 2000));
      expect(moved.texts().filter((t) => t === '等你回来 (moved)')).toHaveLength(1);
      await a.stop();
      await moved.stop();
    });
  },
);
