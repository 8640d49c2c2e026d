import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Mode, parseMessageBody, utf8Bytes } from '../../../shared/protocol';
import { FakeClock } from '../testing/fake-clock';
import { FakeNetwork, dropWhere, packetOf, toAddress } from '../testing/fake-network';
import { startEngine } from '../testing/engine-harness';
import { partIdOf } from './writing';

const A = '10.0.0.1';
const B = '10.0.0.2';
const B_ID = `${B}:2425`;

/** About 13 KB in numbered lines: several parts under any datagram cap the tests use. */
const LONG = Array.from({ length: 300 }, (_, i) => `line ${i} of a long message 长消息`).join('\n');

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** Drops the datagrams to `address` that carry part 3 or later. */
const partsFromThreeTo = (address: string) =>
  dropWhere(
    (d, r) =>
      toAddress(address)(d, r) &&
      (parseMessageBody(packetOf(d)?.extra ?? new Uint8Array()).part?.index ?? 0) >= 3,
  );

/** The parts of the SENDMSG datagrams sent to an address, in the order they went. */
function partsTo(net: FakeNetwork, address: string) {
  return net
    .sentTo(address)
    .map((d) => packetOf(d))
    .filter((p) => p !== undefined && (p.command & 0xff) === Mode.SENDMSG)
    .map((p) => parseMessageBody(p?.extra ?? new Uint8Array()));
}

describe('part ids', () => {
  it('derive from the message id and its pieces: the same for a copy, never for another', () => {
    const pieces = [utf8Bytes('first half, '), utf8Bytes('second half')];
    const id = partIdOf('a1b2c3-1z', pieces);
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(partIdOf('a1b2c3-1z', [utf8Bytes('first half, '), utf8Bytes('second half')])).toBe(id);
    expect(partIdOf('a1b2c3-20', pieces)).not.toBe(id);
    // Cut elsewhere (another datagram cap): another id, so no part of one is joined to the other.
    expect(partIdOf('a1b2c3-1z', [utf8Bytes('first half'), utf8Bytes(', second half')])).not.toBe(
      id,
    );
  });

  it('a long message resent from the outbox completes the one an earlier try began: shown once, whole', async () => {
    const clock = new FakeClock();
    const net = new FakeNetwork(clock);
    const a = await startEngine(net, A, { nick: 'alice' }, { outbox: true });
    const b = await startEngine(net, B, { nick: 'bob' });
    await clock.advance(10);
    // The first try: parts 0-2 reach bob (and are acked), the rest never do.
    const undo = net.use(partsFromThreeTo(B));
    const [id] = a.send([B_ID], LONG);
    await clock.advance(10_000);
    expect(a.message(id)?.delivery?.state).toBe('outbox');
    expect(b.received()).toEqual([]);
    const first = partsTo(net, B);
    const count = first[0]?.part?.count ?? 0;
    expect(count).toBeGreaterThan(4);
    // Bob announces himself: the outbox sends the message again, from its first part.
    undo();
    b.engine.handlers['peers:refresh']();
    await clock.advance(10_000);
    expect(a.message(id)?.delivery?.state).toBe('delivered');
    const all = partsTo(net, B);
    const resent = all.slice(first.length);
    expect(resent[0]?.part?.index).toBe(0);
    // One part id, one PGID, in every datagram of both tries.
    expect(new Set(all.map((body) => body.part?.id)).size).toBe(1);
    expect(new Set(all.map((body) => body.id))).toEqual(new Set([id]));
    // Long after the assembler's timeout: one message, whole, never a part of it marked.
    await clock.advance(120_000);
    expect(b.received().map((m) => [m.text, m.incomplete])).toEqual([[LONG, undefined]]);
    expect(b.engine.history.page({ peerId: `${A}:2425`, limit: 10 })?.messages).toHaveLength(1);
  });

  it('bob restarts between the tries: the parts he acked are on disk, and the resend completes them', async () => {
    const clock = new FakeClock();
    const net = new FakeNetwork(clock);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-stable-parts-'));
    dirs.push(dir);
    const bob = [{ nick: 'bob', dataDir: dir }, { history: { where: 'disk' as const } }] as const;
    const a = await startEngine(net, A, { nick: 'alice' }, { outbox: true });
    const b = await startEngine(net, B, ...bob);
    await clock.advance(10);
    const undo = net.use(partsFromThreeTo(B));
    const [id] = a.send([B_ID], LONG);
    await clock.advance(10_000);
    expect(a.message(id)?.delivery?.state).toBe('outbox');
    expect(b.engine.history.parts.all().map((p) => p.index)).toEqual([0, 1, 2]);
    await b.engine.stop();
    undo();
    // Bob's next run announces itself: the outbox sends the message again, from part 0.
    const again = await startEngine(net, B, ...bob);
    await clock.advance(10_000);
    expect(a.message(id)?.delivery?.state).toBe('delivered');
    await clock.advance(120_000);
    const stored = again.engine.history.page({ peerId: `${A}:2425`, limit: 10 })?.messages;
    expect(stored?.map((m) => [m.text, m.incomplete])).toEqual([[LONG, undefined]]);
    expect(again.engine.history.parts.all()).toEqual([]);
    await again.engine.stop();
  });
});
