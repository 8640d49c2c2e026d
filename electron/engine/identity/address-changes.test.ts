import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChatMessage, EngineSettings, Peer } from '../../../shared/model';
import {
  Mode,
  Opt,
  buildEntryExtra,
  makeCommand,
  parseMessageBody,
} from '../../../shared/protocol';
import type { EngineOptions } from '../engine';
import { fakeLan, dropWhere, fromAddress, modeIs, sendmsgsTo } from '../testing/fake-network';
import { receivedTexts, startEngine, type EngineNode } from '../testing/engine-harness';
import { IPTUX, ScriptedPeer } from '../testing/scripted-peer';
import { exportConversation } from '../history/export';
import { HistoryStore } from '../history/store';
import { AddressChanges, type AddressChangeLimits } from './address-changes';
import { IdentityRows } from './identity-rows';
import { tempDirsRemovedAfterEach } from '../testing/temp-dirs';

const A = '10.0.0.1';
const OLD = '10.0.0.5';
const NEW = '10.0.0.7';
const OLD_ID = `${OLD}:2425`;
const NEW_ID = `${NEW}:2425`;
const DAY = 24 * 3600_000;

const tempDir = tempDirsRemovedAfterEach('pigeon-identity-');

/** An engine whose history (and so its install id) is on disk in `dir`. */
function onDisk(
  dir: string,
  settings: Partial<EngineSettings> = {},
  options: EngineOptions = {},
): [Partial<EngineSettings>, EngineOptions] {
  return [
    { dataDir: dir, ...settings },
    { history: { where: 'disk' }, ...options },
  ];
}

/** Ming's Pigeon: the same data directory wherever it runs, and the same names. */
const ming = (dir: string) => onDisk(dir, { nick: '阿明', user: 'ming', host: 'ming-pc' });

/** The notices in a conversation, from the history (what survives a restart and paging). */
function notices(node: EngineNode, peerId: string): ChatMessage['notice'][] {
  return (node.engine.history.page({ peerId, limit: 100 })?.messages ?? [])
    .filter((m) => m.notice)
    .map((m) => m.notice);
}

/** Alice talks with Ming at OLD; Ming stops; `waiting` messages go to Alice's outbox. */
async function mingLeaves(waiting: string[] = []) {
  const { clock, net } = fakeLan();
  const mingDir = tempDir();
  const a = await startEngine(net, A, { nick: 'alice' }, { outbox: true });
  const old = await startEngine(net, OLD, ...ming(mingDir));
  a.send([OLD_ID], 'hello');
  await clock.advance(2_000);
  expect(receivedTexts(old)).toEqual(['hello']);
  await old.engine.stop();
  await clock.flush();
  const ids = waiting.map((t) => a.send([OLD_ID], t)[0] ?? '');
  await clock.advance(10_000);
  for (const id of ids) expect(a.message(id)?.delivery?.state).toBe('outbox');
  return { clock, net, a, mingDir, ids };
}

describe('the same install at a new address', () => {
  it('is announced by a notice in both conversations; the peers stay apart, nothing is sent', async () => {
    const { clock, net, a, mingDir } = await mingLeaves();
    const moved = await startEngine(net, NEW, ...ming(mingDir));
    await clock.advance(2_000);
    const install = moved.engine.installId;
    expect(a.peers().find((p) => p.id === NEW_ID)?.installId).toBe(install);

    expect(notices(a, OLD_ID)).toEqual([
      {
        code: 'identity-moved-install',
        params: { nick: '阿明', user: 'ming', host: 'ming-pc', address: NEW, peer: NEW_ID },
      },
    ]);
    expect(notices(a, NEW_ID)).toEqual([
      {
        code: 'identity-was-install',
        params: { nick: '阿明', user: 'ming', host: 'ming-pc', address: OLD, peer: OLD_ID },
      },
    ]);
    // Told as messages of their conversations, with the peer of each.
    const told = a.of('chat:message').filter((e) => e.message.notice);
    expect(told.map((e) => [e.message.peerId, e.peer?.id ?? null])).toEqual([
      [OLD_ID, OLD_ID],
      [NEW_ID, NEW_ID],
    ]);
    expect(told.every((e) => e.message.text === '' && e.message.direction === 'in')).toBe(true);
    // Two peers, two conversations; the old one keeps its message.
    expect(
      a
        .peers()
        .map((p) => p.id)
        .sort(),
    ).toEqual([OLD_ID, NEW_ID].sort());
    expect(a.engine.history.page({ peerId: OLD_ID, limit: 10 })?.messages[0]?.text).toBe('hello');
    expect(sendmsgsTo(net, NEW)).toEqual([]);
    expect(receivedTexts(moved)).toEqual([]);
  });

  it('says nothing for a peer we never talked with, or the same install back at its address', async () => {
    const { clock, net } = fakeLan();
    const mingDir = tempDir();
    const a = await startEngine(net, A, { nick: 'alice' }, { outbox: true });
    const old = await startEngine(net, OLD, ...ming(mingDir));
    await old.engine.stop();
    // Never talked with: a new address is nobody's business.
    const moved = await startEngine(net, NEW, ...ming(mingDir));
    await clock.advance(2_000);
    expect(a.of('chat:message').filter((e) => e.message.notice)).toEqual([]);
    // Talked with, then back at the same address: no notice either.
    a.send([NEW_ID], 'hi');
    await clock.advance(2_000);
    await moved.engine.stop();
    await startEngine(net, NEW, ...ming(mingDir));
    await clock.advance(2_000);
    expect(a.of('chat:message').filter((e) => e.message.notice)).toEqual([]);
  });

  it('keeps its notices in the history across a restart, and does not repeat them', async () => {
    const { clock, net } = fakeLan();
    const aDir = tempDir();
    const mingDir = tempDir();
    const a = await startEngine(net, A, ...onDisk(aDir, { nick: 'alice' }));
    const old = await startEngine(net, OLD, ...ming(mingDir));
    a.send([OLD_ID], 'hello');
    await clock.advance(2_000);
    await old.engine.stop();
    await startEngine(net, NEW, ...ming(mingDir));
    await clock.advance(2_000);
    expect(notices(a, OLD_ID)).toHaveLength(1);
    await a.engine.stop();

    const again = await startEngine(net, A, ...onDisk(aDir, { nick: 'alice' }));
    await clock.advance(5_000);
    expect(notices(again, OLD_ID).map((n) => n?.code)).toEqual(['identity-moved-install']);
    expect(notices(again, NEW_ID).map((n) => n?.code)).toEqual(['identity-was-install']);
    // Paging: the notice is a row like any other, found before a cursor too.
    const page = again.engine.history.page({ peerId: OLD_ID, limit: 1 });
    expect(page?.messages[0]?.notice?.code).toBe('identity-moved-install');
    const before = again.engine.history.page({
      peerId: OLD_ID,
      before: page?.messages[0]?.id,
      limit: 1,
    });
    expect(before?.messages[0]?.text).toBe('hello');
    expect(again.of('chat:message').filter((e) => e.message.notice)).toEqual([]);
  });
});

describe('another client with the same user, host and nick at a new address', () => {
  it('gets a notice that names them; a different nick does not', async () => {
    const { clock, net } = fakeLan();
    const a = await startEngine(net, A, { nick: 'alice' });
    const tux = await ScriptedPeer.start(net, OLD, IPTUX);
    tux.autoAck();
    tux.send({ address: A, port: 2425 }, 257, 'tux\0lab\0icon-tux.png\0utf-8\0');
    await clock.flush();
    a.send([OLD_ID], 'hi tux');
    await clock.advance(2_000);
    const elsewhere = await ScriptedPeer.start(net, NEW, IPTUX);
    elsewhere.send({ address: A, port: 2425 }, 257, 'tux\0lab\0icon-tux.png\0utf-8\0');
    await clock.flush();
    expect(notices(a, OLD_ID)).toEqual([
      {
        code: 'identity-moved-names',
        params: { nick: 'tux', user: 'root', host: 'lab-iptux', address: NEW, peer: NEW_ID },
      },
    ]);
    const third = await ScriptedPeer.start(net, '10.0.0.9', IPTUX);
    third.send({ address: A, port: 2425 }, 257, 'someone else\0lab\0icon-tux.png\0utf-8\0');
    await clock.flush();
    expect(notices(a, OLD_ID)).toHaveLength(1);
  });
});

describe('a forger announcing one identity from address after address', () => {
  it('gets one notice per pair per day and a few per identity, however often it flips', async () => {
    const { clock, net, a, mingDir } = await mingLeaves();
    const install = (await startEngine(net, '10.0.0.200', ...ming(mingDir))).engine.installId;
    await clock.advance(2_000);
    const forged = buildEntryExtra({
      nick: '阿明',
      group: '',
      user: 'ming',
      host: 'ming-pc',
      encoding: 'utf-8',
      capabilities: ['parts', 'echo', 'proof'],
      installId: install,
    });
    const pigeon = { version: '1_pigeon 0.1.0', user: 'ming', host: 'ming-pc' };
    const forgers: ScriptedPeer[] = [];
    for (let i = 0; i < 40; i++)
      forgers.push(await ScriptedPeer.start(net, `10.0.1.${i + 1}`, pigeon));
    // Flip between two addresses a hundred times, then through forty more.
    for (let round = 0; round < 50; round++) {
      for (const f of forgers.slice(0, 2)) {
        f.send({ address: A, port: 2425 }, makeCommand(Mode.BR_ENTRY, Opt.CAPUTF8OPT), forged);
        await clock.advance(100);
      }
    }
    for (const f of forgers) {
      f.send({ address: A, port: 2425 }, makeCommand(Mode.BR_ENTRY, Opt.CAPUTF8OPT), forged);
      await clock.advance(100);
    }
    const all = a.of('chat:message').filter((e) => e.message.notice);
    // 10.0.0.200 (the real one, moved) counts too: three notices for this identity a day,
    // two rows each, whichever addresses it flips through.
    expect(all.filter((e) => e.message.notice?.code === 'identity-moved-install').length).toBe(3);
    expect(all).toHaveLength(6);
    // Those already looked at stay quiet; a day later a new address gets the next notice.
    await clock.advance(DAY);
    forgers[5]?.send(
      { address: A, port: 2425 },
      makeCommand(Mode.BR_ENTRY, Opt.CAPUTF8OPT),
      forged,
    );
    await clock.advance(100);
    expect(a.of('chat:message').filter((e) => e.message.notice)).toHaveLength(6);
    const late = await ScriptedPeer.start(net, '10.0.2.1', pigeon);
    late.send({ address: A, port: 2425 }, makeCommand(Mode.BR_ENTRY, Opt.CAPUTF8OPT), forged);
    await clock.advance(100);
    expect(a.of('chat:message').filter((e) => e.message.notice)).toHaveLength(8);
  });
});

describe('chat:redirect-queued', () => {
  it('moves what waits to the new address only when asked, in order, once', async () => {
    const { clock, net, a, mingDir, ids } = await mingLeaves(['one', 'two', 'three']);
    const moved = await startEngine(net, NEW, ...ming(mingDir));
    await clock.advance(10_000);
    // The notice, and nothing sent.
    expect(notices(a, OLD_ID).map((n) => n?.code)).toEqual(['identity-moved-install']);
    expect(sendmsgsTo(net, NEW)).toEqual([]);
    for (const id of ids) expect(a.message(id)?.delivery?.state).toBe('outbox');

    const r = a.engine.handlers['chat:redirect-queued']({ fromPeerId: OLD_ID, toPeerId: NEW_ID });
    expect(r.moved.map((m) => m.from)).toEqual(ids);
    await clock.advance(5_000);
    expect(receivedTexts(moved)).toEqual(['one', 'two', 'three']);
    for (const [i, m] of r.moved.entries()) {
      expect(a.message(m.from)?.delivery).toMatchObject({
        state: 'redirected',
        code: 'redirected',
        params: { to: NEW_ID, id: m.to, peer: `阿明 (${NEW})` },
      });
      expect(a.message(m.to)).toMatchObject({
        peerId: NEW_ID,
        direction: 'out',
        text: ['one', 'two', 'three'][i],
        delivery: { state: 'delivered' },
      });
      expect(a.engine.history.get(m.from)?.delivery?.state).toBe('redirected');
      expect(a.engine.history.get(m.to)?.delivery?.state).toBe('delivered');
    }
    // On the wire each copy carried the first message's id.
    expect(new Set(sendmsgsTo(net, NEW).map((p) => parseMessageBody(p.extra).id))).toEqual(
      new Set(ids),
    );
    expect(a.engine.history.raw.prepare('SELECT count(*) AS c FROM outbox').get()?.c).toBe(0);
  });

  it('shows a message once when an earlier try had reached the old address', async () => {
    const { clock, net } = fakeLan();
    const mingDir = tempDir();
    const a = await startEngine(net, A, { nick: 'alice' }, { outbox: true });
    const old = await startEngine(net, OLD, ...ming(mingDir));
    const undo = net.use(dropWhere((d, r) => fromAddress(OLD)(d, r) && modeIs(Mode.RECVMSG)(d, r)));
    const [id] = a.send([OLD_ID], 'exactly once');
    await clock.advance(10_000);
    expect(receivedTexts(old)).toEqual(['exactly once']);
    expect(a.message(id)?.delivery?.state).toBe('outbox');
    undo();
    await old.engine.stop();
    const moved = await startEngine(net, NEW, ...ming(mingDir));
    await clock.advance(2_000);
    const r = a.engine.handlers['chat:redirect-queued']({ fromPeerId: OLD_ID, toPeerId: NEW_ID });
    await clock.advance(5_000);
    // Acked (it is a copy Ming's history has seen from Alice), never shown again.
    expect(receivedTexts(moved)).toEqual([]);
    const copy = r.moved[0]?.to;
    expect(a.message(copy)?.delivery?.state).toBe('delivered');
    expect(moved.engine.history.page({ peerId: `${A}:2425`, limit: 10 })?.messages).toHaveLength(1);
  });

  it('refuses with a clear code, and moves nothing', async () => {
    const { clock, net, a, mingDir, ids } = await mingLeaves(['waiting']);
    const ask = (fromPeerId: string, toPeerId: string) =>
      a.engine.request('chat:redirect-queued', { fromPeerId, toPeerId });
    const code = async (p: ReturnType<typeof ask>) => {
      const r = await p;
      return r.ok ? 'ok' : r.error.code;
    };
    expect(await code(ask(OLD_ID, OLD_ID))).toBe('invalid-request');
    expect(await code(ask(OLD_ID, '10.0.0.99:2425'))).toBe('unknown-peer');
    expect(await code(ask(NEW_ID, OLD_ID))).toBe('nothing-queued');
    // A host that wrote without announcing itself (its source could be anyone's).
    const stranger = await ScriptedPeer.start(net, '10.0.0.8', IPTUX);
    stranger.send({ address: A, port: 2425 }, makeCommand(Mode.SENDMSG, 0), 'hi\0');
    await clock.flush();
    expect(a.peers().some((p: Peer) => p.id === '10.0.0.8:2425')).toBe(true);
    expect(await code(ask(OLD_ID, '10.0.0.8:2425'))).toBe('not-announced');
    // Announced, then gone.
    const moved = await startEngine(net, NEW, ...ming(mingDir));
    await clock.advance(2_000);
    await moved.engine.stop();
    await clock.flush();
    expect(await code(ask(OLD_ID, NEW_ID))).toBe('peer-offline');
    expect(a.message(ids[0])?.delivery?.state).toBe('outbox');
    expect(sendmsgsTo(net, NEW)).toEqual([]);
  });
});

describe('AddressChanges, bounded', () => {
  const peerAt = (i: number, installId?: string): Peer => ({
    id: `10.9.${(i >> 8) & 255}.${i & 255}:2425`,
    address: `10.9.${(i >> 8) & 255}.${i & 255}`,
    port: 2425,
    nick: `n${i}`,
    group: '',
    user: 'u',
    host: `h${i}`,
    client: 'pigeon',
    version: '1_pigeon 0.1.0',
    encoding: 'utf-8',
    capabilities: { utf8: true, files: true, echo: true, proof: true, dialup: false },
    away: false,
    online: true,
    announced: true,
    lastSeen: 0,
    ...(installId ? { installId } : {}),
  });

  function detector(limits: Partial<AddressChangeLimits> = {}) {
    const store = new HistoryStore(':memory:');
    let t = 1_000_000;
    const written: string[] = [];
    const changes = new AddressChanges(
      {
        rows: new IdentityRows(store.raw, { peersMax: 100, pairsMax: 10 }),
        now: () => t,
        monotonic: () => t,
        known: () => undefined,
        live: () => undefined,
        beforeLookup: () => store.flush(),
        write: (peerId, notice) => {
          written.push(`${peerId} ${notice.code}`);
          return true;
        },
      },
      limits,
    );
    return { store, changes, written, tick: (ms: number) => (t += ms) };
  }

  it('a flood of new peers gets a few database look-ups; the rest wait for their next entry', () => {
    const { changes, store, tick } = detector({
      seenMax: 50,
      lookupBurst: 10,
      lookupsPerSecond: 1,
    });
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 5000; i++) {
      const o = changes.observe(peerAt(i, newId(i)));
      outcomes.set(o, (outcomes.get(o) ?? 0) + 1);
    }
    expect(outcomes.get('busy')).toBe(4990);
    expect(outcomes.get('no-match')).toBe(10);
    // Memory and the tables stay within their bounds.
    expect((changes as unknown as { seen: { size: number } }).seen.size).toBeLessThanOrEqual(50);
    const rows = store.raw.prepare('SELECT count(*) AS c FROM identities').get()?.c;
    expect(Number(rows)).toBeLessThanOrEqual(10);
    // A peer turned away in the flood is looked at when it announces itself again later.
    tick(60_000);
    expect(changes.observe(peerAt(4999, newId(4999)))).toBe('no-match');
    expect(changes.observe(peerAt(4999, newId(4999)))).toBe('known');
  });

  it('one notice per pair, however the two flip; none for a peer without user or host', () => {
    const { changes, store, written, tick } = detector({ refreshMs: 0 });
    const id = newId(1);
    const old = peerAt(1, id);
    changes.observe(old);
    store.insert({
      id: 'm1',
      peerId: old.id,
      direction: 'in',
      text: 'hi',
      at: 1,
      broadcast: false,
    });
    const other = peerAt(2, id);
    expect(changes.observe(other)).toBe('noticed');
    for (let i = 0; i < 20; i++) {
      tick(1000);
      // A flip makes each look new again to the memory of this run (a different key between).
      changes.observe({ ...other, installId: newId(99) });
      expect(changes.observe(other)).toBe('pair-limited');
    }
    expect(written).toEqual([
      `${old.id} identity-moved-install`,
      `${other.id} identity-was-install`,
    ]);
    expect(changes.observe({ ...peerAt(3), user: '' })).toBe('no-identity');
  });
});

function newId(i: number): string {
  return i.toString(16).padStart(32, '0');
}

describe('a notice in the history', () => {
  it('is kept, paged and found by id after the store is closed and opened again', () => {
    const dir = tempDir();
    const file = path.join(dir, 'history.db');
    const store = new HistoryStore(file);
    const notice: ChatMessage = {
      id: 'n1',
      peerId: OLD_ID,
      direction: 'in',
      text: '',
      at: 5,
      broadcast: false,
      notice: {
        code: 'identity-moved-install',
        params: { nick: '\u202e阿明', address: NEW, peer: NEW_ID, user: 'ming', host: 'ming-pc' },
      },
    };
    const { notice: _, ...plain } = notice;
    store.insert({ ...plain, id: 'm0', at: 4, text: 'before' });
    store.insert(notice);
    store.close();
    const again = new HistoryStore(file);
    expect(again.get('n1')).toEqual(notice);
    const page = again.page({ peerId: OLD_ID, limit: 10 });
    expect(page?.messages.map((m) => m.id)).toEqual(['m0', 'n1']);
    expect(page?.messages[0]?.notice).toBeUndefined();
    // Exported as its sentence, the nick's override written out, in HTML escaped.
    const names = { peerId: OLD_ID, peer: '阿明', me: 'me' };
    const text = exportConversation(page?.messages ?? [], names, 'text');
    expect(text).toContain('[notice] ⟨U+202E⟩阿明 now announces from 10.0.0.7');
    const html = exportConversation(
      [
        {
          ...notice,
          notice: { ...notice.notice, params: { nick: '<b>', address: NEW } },
        } as ChatMessage,
      ],
      names,
      'html',
    );
    expect(html).toContain('[notice] &lt;b&gt; now announces');
    again.close();
  });
});
