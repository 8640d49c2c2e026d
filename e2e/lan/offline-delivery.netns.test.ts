import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canUseNamespaces, createLan, type Lan } from '../lab/netns-lan';
import { NODE, PIGEON_CLI, PigeonProcess, pigeonBuilt } from '../lab/pigeon-process';

/**
 * The outbox on a namespace LAN, as people use it: `pigeon send --queue` to a host where
 * nothing runs exits 6, and the `pigeon serve` started next on that data directory delivers the
 * message once the recipient is there; serve itself keeps a message to a peer that vanished and
 * delivers it, once, when that peer comes back at its address.
 */
const ns = canUseNamespaces();
const built = pigeonBuilt();
const skip = !ns.ok ? ns.reason : !built.ok ? built.reason : undefined;

describe.skipIf(skip !== undefined)(
  `offline delivery: send --queue and serve's outbox${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    let lan: Lan;
    const ip = (h: string) => lan.host(h).ip;
    const aData = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-outbox-a-'));
    const bData = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-outbox-b-'));

    beforeAll(async () => {
      lan = await createLan({ hosts: ['a', 'b'] });
      lan.onDestroy(() => {
        fs.rmSync(aData, { recursive: true, force: true });
        fs.rmSync(bData, { recursive: true, force: true });
      });
    });
    afterAll(async () => {
      await lan?.destroy();
    });

    it('send --queue exits 6, and the next serve on the directory delivers it', async () => {
      const r = await lan.exec(
        'a',
        NODE,
        [
          PIGEON_CLI,
          ...['send', '--queue', '--nick', 'Ann', '--data', aData],
          ...['--broadcast', lan.broadcast, '--to', ip('b'), '等你回来 (queued)'],
        ],
        { timeoutMs: 30_000, env: { ...process.env, LC_ALL: 'C.UTF-8', NO_COLOR: '1' } },
      );
      expect(r.code).toBe(6);
      expect(r.stderr).toMatch(/queued to .*kept in the outbox/);

      const b = await PigeonProcess.start(lan, 'b', { nick: 'Bea', dataDir: bData });
      const a = await PigeonProcess.start(lan, 'a', { nick: 'Ann', dataDir: aData });
      await b.waitForMessage((t) => t === '等你回来 (queued)', 10_000, 'the queued message');
      const sent = a
        .of('chat:delivery')
        .find((e) => e.delivery.state === 'sent' && e.peerId === `${ip('b')}:2425`);
      expect(await a.finalDelivery(sent?.messageId, 10_000)).toMatchObject({
        state: 'delivered',
      });
      await a.stop();
      await b.stop();
    });

    it('serve keeps a message to a vanished peer and delivers it once when it is back', async () => {
      const a = await PigeonProcess.start(lan, 'a', { nick: 'Ann', dataDir: aData });
      const b = await PigeonProcess.start(lan, 'b', { nick: 'Bea', dataDir: bData });
      await a.waitFor('peers:online', (p) => p.address === ip('b'), 5000, 'b online');
      await b.vanish();
      const [id] = await a.send([ip('b')], '你还在吗？ (outbox)');
      expect(await a.finalDelivery(id, 15_000)).toMatchObject({
        state: 'outbox',
        code: 'outbox-no-ack',
      });

      const back = await PigeonProcess.start(lan, 'b', { nick: 'Bea', dataDir: bData });
      await back.waitForMessage((t) => t === '你还在吗？ (outbox)', 10_000, 'the held message');
      await a.waitFor(
        'chat:delivery',
        (e) => e.messageId === id && e.delivery.state === 'delivered',
        10_000,
        'delivered',
      );
      // Once: nothing more comes after another entry of ours.
      await a.request('peers:refresh');
      await new Promise((r) => setTimeout(r, 2000));
      expect(back.texts().filter((t) => t === '你还在吗？ (outbox)')).toHaveLength(1);
      await a.stop();
      await back.stop();
    });
  },
);
