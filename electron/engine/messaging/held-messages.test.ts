import { describe, expect, it } from 'vitest';
import type { EngineSettings } from '../../../shared/model';
import { Mode, parseMessageBody } from '../../../shared/protocol';
import type { EngineOptions } from '../engine';
import {
  fakeLan,
  sendmsgsTo,
  dropWhere,
  fromAddress,
  modeIs,
  toAddress,
} from '../testing/fake-network';
import { receivedTexts, startEngine } from '../testing/engine-harness';
import { tempDirsRemovedAfterEach } from '../testing/temp-dirs';

const A = '10.0.0.1';
const B = '10.0.0.2';
const B_ID = `${B}:2425`;

const tempDir = tempDirsRemovedAfterEach('pigeon-outbox-');

/** An engine with its history on disk in `dir` (a restart opens the same one). */
function onDisk(
  dir: string,
  options: EngineOptions = {},
): [Partial<EngineSettings>, EngineOptions] {
  return [{ dataDir: dir }, { history: { where: 'disk' }, ...options }];
}

describe('the outbox', () => {
  it('holds a message to an offline peer and delivers it once when the peer is back', async () => {
    const { clock, net } = fakeLan();
    const a = await startEngine(net, A, { nick: 'alice' }, { outbox: true });
    const b = await startEngine(net, B, { nick: 'bob' });
    await b.engine.stop();
    await clock.flush();
    expect(a.peers().find((p) => p.id === B_ID)?.online).toBe(false);

    const [first, second] = [a.send([B_ID], 'one')[0], a.send([B_ID], 'two')[0]];
    await clock.advance(10_000);
    // Shown offline is not proof (a BR_EXIT can be forged): the first is tried, the second
    // waits behind it untried once it went unanswered.
    expect(a.deliveryStates(first ?? '')).toEqual(['queued', ...Array(5).fill('sent'), 'outbox']);
    expect(a.message(first)?.delivery).toMatchObject({
      state: 'outbox',
      code: 'outbox-no-ack',
      params: { peer: 'bob (10.0.0.2)', days: 7, attempts: 5, seconds: 5, port: 2425 },
    });
    expect(a.deliveryStates(second ?? '')).toEqual(['queued', 'outbox']);
    expect(a.message(second)?.delivery).toMatchObject({
      state: 'outbox',
      code: 'outbox-offline',
      params: { peer: 'bob (10.0.0.2)', days: 7 },
    });
    expect(sendmsgsTo(net, B).map((p) => parseMessageBody(p.extra).id)).toEqual(
      Array(5).fill(first),
    );

    const back = await startEngine(net, B, { nick: 'bob' });
    await clock.advance(5_000);
    expect(receivedTexts(back)).toEqual(['one', 'two']);
    expect(a.message(first)?.delivery?.state).toBe('delivered');
    expect(a.message(second)?.delivery?.state).toBe('delivered');
    expect(a.engine.history.get(first ?? '')?.delivery?.state).toBe('delivered');
    // Back for a second time: nothing is left to send.
    await back.engine.stop();
    const third = await startEngine(net, B, { nick: 'bob' });
    await clock.advance(5_000);
    expect(receivedTexts(third)).toEqual([]);
  });

  it('holds one that was not answered, and the receiver shows it once after its restart', async () => {
    const { clock, net } = fakeLan();
    const bDir = tempDir();
    const a = await startEngine(net, A, { nick: 'alice' }, { outbox: true });
    const b = await startEngine(net, B, ...onDisk(bDir));
    // Bob gets the message, but none of his acks comes back.
    const undo = net.use(dropWhere((d, r) => fromAddress(B)(d, r) && modeIs(Mode.RECVMSG)(d, r)));
    const [id] = a.send([B_ID], 'exactly once');
    await clock.advance(10_000);
    expect(receivedTexts(b)).toEqual(['exactly once']);
    expect(a.message(id)?.delivery).toMatchObject({ state: 'outbox', code: 'outbox-no-ack' });
    // Every datagram to a Pigeon named the message.
    const ids = sendmsgsTo(net, B).map((p) => parseMessageBody(p.extra).id);
    expect(ids.length).toBeGreaterThan(1);
    expect(new Set(ids)).toEqual(new Set([id]));

    // Bob restarts and announces himself: the copy (a new packet number) is acked, not shown.
    undo();
    await b.engine.stop();
    const again = await startEngine(net, B, ...onDisk(bDir));
    await clock.advance(5_000);
    expect(a.message(id)?.delivery?.state).toBe('delivered');
    expect(receivedTexts(again)).toEqual([]);
    expect(again.engine.history.page({ peerId: `${A}:2425`, limit: 10 })?.messages).toHaveLength(1);
  });

  it('survives a restart of the sender, and goes when the peer answers its entry', async () => {
    const { clock, net } = fakeLan();
    const aDir = tempDir();
    const a = await startEngine(net, A, ...onDisk(aDir, { outbox: true }));
    const b = await startEngine(net, B, { nick: 'bob' });
    await b.engine.stop();
    await clock.flush();
    const [id] = a.send([B_ID], 'after the restart');
    await clock.advance(6_000);
    await a.engine.stop();

    // Bob is back first; Alice's new run hears of him through his answer to her entry.
    const back = await startEngine(net, B, { nick: 'bob' });
    const a2 = await startEngine(net, A, ...onDisk(aDir, { outbox: true }));
    await clock.advance(5_000);
    expect(receivedTexts(back)).toEqual(['after the restart']);
    expect(a2.of('chat:delivery').find((u) => u.messageId === id)?.delivery.state).toBe('sent');
    expect(a2.engine.history.get(id ?? '')?.delivery?.state).toBe('delivered');
  });

  it('never sends it to the same person back at another address', async () => {
    const { clock, net } = fakeLan();
    const a = await startEngine(net, A, {}, { outbox: true });
    const b = await startEngine(net, B, { nick: 'bob' });
    await b.engine.stop();
    await clock.flush();
    const [id] = a.send([B_ID], 'only to 10.0.0.2');
    await clock.advance(1_000);
    const moved = await startEngine(net, '10.0.0.3', { nick: 'bob' });
    await clock.advance(10_000);
    expect(receivedTexts(moved)).toEqual([]);
    expect(sendmsgsTo(net, '10.0.0.3')).toEqual([]);
    expect(a.message(id)?.delivery?.state).toBe('outbox');
  });

  it('fails a message that waited too long with the reason, and never sends it', async () => {
    const { clock, net } = fakeLan();
    const a = await startEngine(net, A, {}, { outbox: true, outboxTtlMs: 2 * 24 * 3600_000 });
    const b = await startEngine(net, B, { nick: 'bob' });
    await b.engine.stop();
    await clock.flush();
    const [id] = a.send([B_ID], 'too late');
    await clock.advance(2 * 24 * 3600_000 + 60_000);
    expect(a.message(id)?.delivery).toEqual({
      state: 'failed',
      code: 'expired',
      params: { peer: 'bob (10.0.0.2)', days: 2 },
    });
    const back = await startEngine(net, B, { nick: 'bob' });
    await clock.advance(5_000);
    expect(receivedTexts(back)).toEqual([]);
  });

  it('cancels a waiting message: it fails "cancelled" and never goes', async () => {
    const { clock, net } = fakeLan();
    const a = await startEngine(net, A, {}, { outbox: true });
    const b = await startEngine(net, B, { nick: 'bob' });
    await b.engine.stop();
    await clock.flush();
    const [gone, kept] = [a.send([B_ID], 'never mind')[0], a.send([B_ID], 'this one')[0]];
    await clock.advance(6_000);
    expect(await a.engine.request('chat:cancel-queued', { messageId: gone ?? '' })).toEqual({
      ok: true,
      value: null,
    });
    expect(a.message(gone)?.delivery).toMatchObject({ state: 'failed', code: 'cancelled' });
    expect(await a.engine.request('chat:cancel-queued', { messageId: gone ?? '' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    const back = await startEngine(net, B, { nick: 'bob' });
    await clock.advance(5_000);
    expect(receivedTexts(back)).toEqual(['this one']);
    expect(a.message(kept)?.delivery?.state).toBe('delivered');
  });

  it('drops what waits for a conversation the person deleted', async () => {
    const { clock, net } = fakeLan();
    const a = await startEngine(net, A, {}, { outbox: true });
    const b = await startEngine(net, B, { nick: 'bob' });
    await b.engine.stop();
    await clock.flush();
    a.send([B_ID], 'deleted before it went');
    await clock.advance(6_000);
    const waiting = () => a.engine.history.raw.prepare('SELECT count(*) AS c FROM outbox').get()?.c;
    expect(waiting()).toBe(1);
    a.engine.handlers['history:delete']({ peerId: B_ID });
    expect(waiting()).toBe(0);
    const back = await startEngine(net, B, { nick: 'bob' });
    await clock.advance(5_000);
    expect(receivedTexts(back)).toEqual([]);
  });

  it('without the option, an unanswered message fails as before', async () => {
    const { clock, net } = fakeLan();
    const a = await startEngine(net, A);
    net.use(dropWhere(toAddress(B)));
    const b = await startEngine(net, B);
    const [id] = a.send([b.id], 'lost');
    await clock.advance(10_000);
    expect(a.message(id)?.delivery).toMatchObject({ state: 'failed', code: 'no-ack' });
  });
});
