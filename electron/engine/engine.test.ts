import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, describe, expect, it } from 'vitest';
import { ContractError, type ContractEvent } from '../../shared/contract';
import { BROADCAST_ID } from '../../shared/model';
import { outcomeText } from '../../shared/model/texts';
import {
  hasOpt,
  latin1Text,
  makeCommand,
  Mode,
  modeOf,
  Opt,
  parseMessageBody,
  toBase64,
  trimTrailingNuls,
} from '../../shared/protocol';
import { FakeClock } from './testing/fake-clock';
import {
  delayWhere,
  dropFirst,
  dropWhere,
  duplicateWhere,
  FakeNetwork,
  fromAddress,
  modeIs,
  mulberry32,
  packetOf,
  randomDelay,
  toAddress,
  type SentDatagram,
} from './testing/fake-network';
import { PRESENCE_CHECK_MS } from './engine';
import { ACK_SETTLE_MS } from './messaging/delivery-queue';
import { createEngineNode, startEngine, type EngineNode } from './testing/engine-harness';
import { bytes, FEIQ, IPMSG, IPTUX, legacy, ScriptedPeer } from './testing/scripted-peer';

const A = '10.0.0.1';
const B = '10.0.0.2';
const IPTUX_ADDR = '10.0.0.10';
const FEIQ_ADDR = '10.0.0.20';
const IPMSG_ADDR = '10.0.0.30';
const BCAST = '10.0.0.255';
const PORT = 2425;
const utf8 = (u: Uint8Array) => new TextDecoder().decode(u);
const at = (address: string) => ({ address, port: PORT });

function lan(options: ConstructorParameters<typeof FakeNetwork>[1] = {}) {
  const clock = new FakeClock();
  const net = new FakeNetwork(clock, options);
  return { clock, net };
}

/** Two Pigeon engines that have found each other. */
async function pair(overridesA = {}, overridesB = {}) {
  const { clock, net } = lan();
  const a = await startEngine(net, A, { nick: 'alice', ...overridesA });
  const b = await startEngine(net, B, { nick: 'bob', ...overridesB });
  await clock.advance(10);
  return { clock, net, a, b };
}

/** Datagrams sent by `from` whose mode is `mode`, parsed. */
function sent(net: FakeNetwork, from: string, mode?: number, to?: string) {
  return net
    .sentFrom(from)
    .filter((d) => to === undefined || d.to.address === to)
    .map((d) => ({ d, p: packetOf(d) }))
    .filter((x): x is { d: SentDatagram; p: NonNullable<typeof x.p> } => x.p !== undefined)
    .filter((x) => mode === undefined || modeOf(x.p.command) === mode);
}

/** The last delivery state of an outgoing message: as it was told, or its latest update. */
function lastState(node: EngineNode, messageId: string | undefined) {
  return node.message(messageId)?.delivery;
}

/** Where an event sits in a node's event log (-1 when it is not there). */
function eventIndex(node: EngineNode, match: (e: ContractEvent) => boolean) {
  return node.events.findIndex(match);
}

/** A data directory of its own: settings:update writes settings.json into it. */
function tempDataDir() {
  const dir = mkdtempSync(join(tmpdir(), 'pigeon-engine-test-'));
  dataDirs.push(dir);
  return dir;
}
const dataDirs: string[] = [];
afterEach(() => {
  for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** iptux's golden start-up entry, broadcast. */
async function iptuxOnline(net: FakeNetwork, clock: FakeClock) {
  const iptux = await ScriptedPeer.start(net, IPTUX_ADDR, IPTUX);
  iptux.send(at(BCAST), 257, 'iptux-peer\0lab\0icon-tux.png\0utf-8\0');
  await clock.flush();
  return iptux;
}

async function feiqOnline(net: FakeNetwork, clock: FakeClock) {
  const feiq = await ScriptedPeer.start(net, FEIQ_ADDR, FEIQ);
  feiq.packetNo = 1_704_067_000;
  feiq.send(at(BCAST), 6291457, bytes(legacy('飞秋用户', 'gbk'), 0, legacy('销售部', 'gbk'), 0));
  await clock.flush();
  return feiq;
}

// ---- presence ------------------------------------------------------------------------------

describe('presence', () => {
  it('two engines discover each other as Pigeon peers', async () => {
    const { a, b } = await pair();
    const bSeenByA = a.of('peers:online');
    const aSeenByB = b.of('peers:online');
    expect(bSeenByA).toHaveLength(1);
    expect(aSeenByB).toHaveLength(1);
    expect(bSeenByA[0]).toMatchObject({
      id: b.id,
      address: B,
      port: PORT,
      nick: 'bob',
      client: 'pigeon',
      encoding: 'utf-8',
      announced: true,
      online: true,
      away: false,
      capabilities: { utf8: true, echo: true },
    });
    expect(aSeenByB[0]).toMatchObject({ id: a.id, nick: 'alice', client: 'pigeon' });
    expect(a.of('engine:ready')).toMatchObject([
      { bind: '0.0.0.0', port: PORT, nick: 'alice', user: 'tester', broadcast: [BCAST] },
    ]);
    expect(a.peers().map((p) => p.id)).toEqual([b.id]);
    expect(b.peers().map((p) => p.id)).toEqual([a.id]);
  });

  it('drops its own broadcast (it hears it, but never lists itself)', async () => {
    const { clock, net } = lan();
    const a = await startEngine(net, A);
    await clock.advance(100);
    a.engine.handlers['peers:refresh']();
    await clock.advance(100);
    expect(a.engine.stats().own).toBeGreaterThanOrEqual(2);
    expect(a.peers()).toEqual([]);
    expect(a.of('peers:online')).toEqual([]);
    // It did not answer itself either.
    expect(sent(net, A, Mode.ANSENTRY)).toEqual([]);
  });

  it('two engines with the same user and host still see each other (identity is the instance)', async () => {
    const same = { user: 'same', host: 'same-host' };
    const { a, b } = await pair(same, same);
    expect(a.peers().map((p) => p.id)).toEqual([b.id]);
    expect(b.peers().map((p) => p.id)).toEqual([a.id]);
  });

  it('two engines with identical settings started in the same second still see each other', async () => {
    // Cloned machines (same login, hostname and nick) or two test engines on 127.0.0.x:
    // wire.ts promises "two engines ... with the same login and host still hear each other".
    const { clock, net } = lan();
    const same = { nick: 'twin', group: 'g', user: 'same', host: 'same-host' };
    const a = createEngineNode(net, A, same);
    const b = createEngineNode(net, B, same);
    await a.engine.start();
    await b.engine.start();
    await clock.advance(100);
    expect(a.peers().map((p) => p.id)).toEqual([b.id]);
    expect(b.peers().map((p) => p.id)).toEqual([a.id]);
  });

  it('answers a BR_ENTRY with a unicast ANSENTRY, once per packet number (two broadcast copies)', async () => {
    const { clock, net } = lan();
    await startEngine(net, A);
    const iptux = await ScriptedPeer.start(net, IPTUX_ADDR, IPTUX);
    const extra = 'iptux-peer\0lab\0icon-tux.png\0utf-8\0';
    iptux.send(at('255.255.255.255'), 257, extra, 1);
    iptux.send(at(BCAST), 257, extra, 1);
    await clock.flush();
    const answers = iptux.inboxOf(Mode.ANSENTRY);
    expect(answers).toHaveLength(1);
    expect(answers[0]?.from).toEqual(at(A));
    expect(sent(net, A, Mode.ANSENTRY)[0]?.d.to).toEqual(at(IPTUX_ADDR));
    expect(latin1Text(answers[0]?.packet.user ?? new Uint8Array())).toBe('tester');
  });

  it('never answers ANSENTRY, BR_ABSENCE or BR_EXIT', async () => {
    const { clock, net } = lan();
    await startEngine(net, A);
    const iptux = await ScriptedPeer.start(net, IPTUX_ADDR, IPTUX);
    const before = net.sentFrom(A).length;
    iptux.send(at(A), 259, 'iptux-peer\0lab\0icon-tux.png\0utf-8\0');
    iptux.send(at(A), 260, 'iptux-peer\0lab2\0icon-tux.png\0utf-8\0');
    iptux.send(at(A), 65538, '\0');
    await clock.advance(5000);
    expect(net.sentFrom(A).slice(before)).toEqual([]);
  });

  it('learns an iptux peer from its golden BR_ENTRY: utf-8, away ignored', async () => {
    const { clock, net } = lan();
    const a = await startEngine(net, A);
    await iptuxOnline(net, clock);
    const peer = a.peers()[0];
    expect(peer).toMatchObject({
      id: `${IPTUX_ADDR}:${PORT}`,
      nick: 'iptux-peer',
      group: 'lab',
      user: 'root',
      host: 'lab-iptux',
      client: 'iptux',
      version: '1_iptux 0.8.3',
      encoding: 'utf-8',
      away: false, // iptux sets ABSENCEOPT on every entry
      announced: true,
      online: true,
      capabilities: { utf8: true, files: false },
    });
  });

  it('ignores iptux ABSENCEOPT on BR_ABSENCE too, but takes the new group', async () => {
    const { clock, net } = lan();
    const a = await startEngine(net, A);
    const iptux = await iptuxOnline(net, clock);
    iptux.send(
      at(A),
      makeCommand(Mode.BR_ABSENCE, Opt.ABSENCEOPT),
      'iptux-peer\0lab-2\0icon-tux.png\0utf-8\0',
    );
    await clock.flush();
    expect(a.peers()[0]).toMatchObject({ away: false, group: 'lab-2' });
    expect(a.of('peers:changed').at(-1)?.group).toBe('lab-2');
  });

  it('takes ABSENCEOPT as away from IPMsg', async () => {
    const { clock, net } = lan();
    const a = await startEngine(net, A);
    const ipmsg = await ScriptedPeer.start(net, IPMSG_ADDR, IPMSG);
    ipmsg.send(
      at(BCAST),
      makeCommand(Mode.BR_ENTRY, Opt.CAPUTF8OPT),
      'taro\0dev\0\nUN:taro\nHN:TARO-PC\nNN:Taro\nGN:dev\nVS:1:2:3:4',
    );
    await clock.flush();
    expect(a.peers()[0]).toMatchObject({
      nick: 'Taro',
      away: false,
      client: 'ipmsg',
      encoding: 'utf-8',
    });
    ipmsg.send(
      at(A),
      makeCommand(Mode.BR_ABSENCE, Opt.ABSENCEOPT, Opt.CAPUTF8OPT),
      'taro\0dev\0\nUN:taro\nHN:TARO-PC\nNN:Taro\nGN:dev\nVS:1:2:3:4',
    );
    await clock.flush();
    expect(a.peers()[0]?.away).toBe(true);
  });

  it('reads an IPMsg entry whose legacy nick is CP932: the UTF-8 NN wins', async () => {
    const { clock, net } = lan();
    const a = await startEngine(net, A); // legacy encoding gb18030: the CP932 bytes would be mojibake
    const ipmsg = await ScriptedPeer.start(net, IPMSG_ADDR, IPMSG);
    ipmsg.send(
      at(BCAST),
      makeCommand(Mode.BR_ENTRY, Opt.CAPUTF8OPT, Opt.FILEATTACHOPT),
      bytes(
        legacy('山田太郎', 'cp932'),
        0,
        legacy('開発', 'cp932'),
        0,
        '\nUN:taro\nHN:TARO-PC\nNN:山田太郎\nGN:開発\nVS:20000:4:99:3',
      ),
    );
    await clock.flush();
    expect(a.peers()[0]).toMatchObject({
      nick: '山田太郎',
      group: '開発',
      user: 'taro',
      host: 'TARO-PC',
      encoding: 'utf-8',
    });
  });

  it('BR_EXIT (iptux golden 65538, empty extra) marks the peer offline and keeps its name', async () => {
    const { clock, net } = lan();
    const a = await startEngine(net, A);
    const iptux = await iptuxOnline(net, clock);
    iptux.send(at(A), 65538, '\0');
    await clock.flush();
    const off = a.of('peers:offline');
    expect(off).toHaveLength(1);
    expect(off[0]).toMatchObject({ nick: 'iptux-peer', online: false });
    expect(a.peers()[0]?.online).toBe(false);
    // Back again with a new BR_ENTRY (a restarted iptux counts from 1).
    iptux.packetNo = 1;
    iptux.send(at(BCAST), 257, 'iptux-peer\0lab\0icon-tux.png\0utf-8\0');
    await clock.flush();
    expect(a.of('peers:online')).toHaveLength(2);
    expect(a.peers()[0]?.online).toBe(true);
  });

  it('stop() says BR_EXIT and the other engine marks us offline once', async () => {
    const { clock, a, b } = await pair();
    await a.engine.stop();
    await clock.advance(10);
    expect(b.of('peers:offline').map((p) => p.id)).toEqual([a.id]);
    expect(a.events.at(-1)).toEqual({ channel: 'engine:stopped', payload: null });
  });

  it('a refresh shows a peer that no longer answers as offline, and its next packet brings it back', async () => {
    const { clock, net, a, b } = await pair();
    // b's machine went to sleep without a BR_EXIT: nothing from it arrives any more.
    const unplug = net.use(dropWhere(fromAddress(B)));
    a.engine.handlers['peers:refresh']();
    await clock.advance(PRESENCE_CHECK_MS - 1);
    expect(a.of('peers:offline')).toHaveLength(0);
    await clock.advance(1);
    expect(a.of('peers:offline').map((p) => p.id)).toEqual([b.id]);
    expect(a.peers().find((p) => p.id === b.id)).toMatchObject({
      online: false,
      nick: 'bob',
    });
    // Awake again: its first message, before any entry, shows it online and is delivered.
    unplug();
    const onlineBefore = a.of('peers:online').length;
    b.send([a.id], 'back');
    await clock.advance(10);
    expect(
      a
        .of('peers:online')
        .slice(onlineBefore)
        .map((p) => p.id),
    ).toEqual([b.id]);
    expect(a.received().at(-1)?.text).toBe('back');
  });

  it('a refresh leaves alone the peers that answer it', async () => {
    const { clock, a, b } = await pair();
    await clock.advance(60_000);
    a.engine.handlers['peers:refresh']();
    await clock.advance(2 * PRESENCE_CHECK_MS);
    expect(a.of('peers:offline')).toHaveLength(0);
    expect(a.peers().find((p) => p.id === b.id)?.online).toBe(true);
  });

  it('waits for an IP Messenger that answers entries after up to 4 s (it knows many hosts)', async () => {
    const { clock, net, a, b } = await pair();
    net.use(delayWhere(fromAddress(B), 4100));
    a.engine.handlers['peers:refresh']();
    await clock.advance(2 * PRESENCE_CHECK_MS);
    expect(a.of('peers:offline')).toHaveLength(0);
    expect(a.peers().find((p) => p.id === b.id)?.online).toBe(true);
  });

  it('a wall clock set back during a refresh does not make answers look old', async () => {
    const { clock, a, b } = await pair();
    const realNow = clock.now.bind(clock);
    a.engine.handlers['peers:refresh']();
    // Set back an hour before b's answer comes in: the answer is "older" than the refresh.
    clock.now = () => realNow() - 3_600_000;
    await clock.advance(2 * PRESENCE_CHECK_MS);
    expect(a.of('peers:offline')).toHaveLength(0);
    expect(a.peers().find((p) => p.id === b.id)?.online).toBe(true);
  });

  it('a peer that said BR_EXIT is not brought back by a stray late packet', async () => {
    const { clock, net, a, b } = await pair();
    const unplug = net.use(dropWhere(fromAddress(B)));
    a.engine.handlers['peers:refresh']();
    await clock.advance(PRESENCE_CHECK_MS); // silent: offline
    unplug();
    await b.engine.stop(); // and then it says goodbye properly
    await clock.advance(10);
    const onlineBefore = a.of('peers:online').length;
    // An ack that was still on its way.
    net.inject(bytes(`1_pigeon 0.1.0:99:bob:b:${Mode.RECVMSG}:12345\0`), at(B), at(A));
    await clock.advance(10);
    expect(a.of('peers:online')).toHaveLength(onlineBefore);
    expect(a.peers().find((p) => p.id === b.id)?.online).toBe(false);
  });

  it('a forged ack "from" a colleague who went silent does not keep it online', async () => {
    const { clock, net, a, b } = await pair();
    const unplug = net.use(dropWhere(fromAddress(B)));
    a.engine.handlers['peers:refresh']();
    await clock.advance(PRESENCE_CHECK_MS - 10);
    // bob stays silent (it has nothing to send); a forger answers for it: an ack for a number
    // we never sent it.
    unplug();
    net.inject(bytes(`1_pigeon 0.1.0:99:bob:b:${Mode.RECVMSG}:12345\0`), at(B), at(A));
    await clock.advance(10);
    expect(a.of('peers:offline').map((p) => p.id)).toEqual([b.id]);
  });

  it('settings:update announces the new nick with BR_ABSENCE', async () => {
    const { clock, net, a, b } = await pair({ dataDir: tempDataDir() });
    const before = sent(net, A, Mode.BR_ABSENCE).length;
    const answer = a.engine.handlers['settings:update']({ nick: 'alice-2' });
    expect(answer).toMatchObject({ settings: { nick: 'alice-2' }, restartRequired: false });
    expect(a.engine.settings().nick).toBe('alice-2');
    expect(a.of('settings:changed').at(-1)).toMatchObject({ nick: 'alice-2' });
    await clock.advance(10);
    expect(sent(net, A, Mode.BR_ABSENCE).length).toBeGreaterThan(before);
    expect(b.of('peers:changed').at(-1)).toMatchObject({ id: a.id, nick: 'alice-2' });
    expect(() => a.engine.handlers['settings:update']({ nick: '' })).toThrow(/nick is empty/);
    expect(() => a.engine.handlers['settings:update']({ nick: '' })).toThrow(ContractError);
    expect(a.engine.settings().nick).toBe('alice-2');
  });

  it('peers:add unicasts BR_ENTRY|DIALUPOPT, and a DIALUPOPT peer then gets unicast presence', async () => {
    const { clock, net } = lan();
    const a = await startEngine(net, A);
    const far = await ScriptedPeer.start(net, '10.9.9.9', IPMSG); // another subnet: no broadcast reaches it
    a.engine.handlers['peers:add']({ address: '10.9.9.9' });
    await clock.flush();
    const entry = far.inboxOf(Mode.BR_ENTRY);
    expect(entry).toHaveLength(1);
    expect(hasOpt(entry[0]?.packet.command ?? 0, Opt.DIALUPOPT)).toBe(true);
    far.send(at(A), makeCommand(Mode.ANSENTRY, Opt.DIALUPOPT, Opt.CAPUTF8OPT), 'far\0\0');
    far.send(at(A), makeCommand(Mode.BR_ENTRY, Opt.DIALUPOPT, Opt.CAPUTF8OPT), 'far\0\0');
    await clock.flush();
    far.clearInbox();
    a.engine.handlers['peers:refresh']();
    await clock.flush();
    expect(far.inboxOf(Mode.BR_ENTRY)).toHaveLength(1);
    const before = net.log.length;
    a.engine.handlers['peers:add']({ address: 'not-an-ip' });
    // Through the validating dispatcher it is a bad request, and nothing is sent either.
    expect(await a.engine.request('peers:add', { address: 'not-an-ip' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    });
    await clock.flush();
    expect(net.log).toHaveLength(before);
  });

  it('unicasts BR_ENTRY|DIALUPOPT to configured unicast hosts at start', async () => {
    const { clock, net } = lan();
    const far = await ScriptedPeer.start(net, '10.9.9.9', IPMSG);
    await startEngine(net, A, { unicastHosts: ['10.9.9.9'] });
    await clock.flush();
    const entry = far.inboxOf(Mode.BR_ENTRY);
    expect(entry).toHaveLength(1);
    expect(hasOpt(entry[0]?.packet.command ?? 0, Opt.DIALUPOPT)).toBe(true);
  });

  it('presence broadcasts never carry UTF8OPT but do carry CAPUTF8OPT', async () => {
    const { net } = await pair();
    const entries = sent(net, A, Mode.BR_ENTRY).concat(sent(net, B, Mode.BR_ENTRY));
    expect(entries.length).toBeGreaterThan(0);
    for (const { p } of entries) {
      expect(hasOpt(p.command, Opt.UTF8OPT)).toBe(false);
      expect(hasOpt(p.command, Opt.CAPUTF8OPT)).toBe(true);
      expect(p.version).toBe('1_pigeon 0.1.0');
    }
  });
});

// ---- messages ------------------------------------------------------------------------------

describe('messages between two engines', () => {
  it('are acked and reach "delivered"', async () => {
    const { clock, a, b } = await pair();
    const [m] = a.send([b.id], 'hello bob 你好');
    // The sent message is told (chat:message) before any delivery update for it.
    expect(a.of('chat:message')).toMatchObject([
      {
        message: { id: m, direction: 'out', peerId: b.id, text: 'hello bob 你好' },
        peer: { id: b.id, nick: 'bob' },
      },
    ]);
    expect(a.message(m)).toMatchObject({ direction: 'out', peerId: b.id, text: 'hello bob 你好' });
    await clock.advance(10);
    expect(a.deliveryStates(m ?? '')).toEqual(['queued', 'sent', 'delivered']);
    const told = eventIndex(a, (e) => e.channel === 'chat:message' && e.payload.message.id === m);
    const firstUpdate = eventIndex(
      a,
      (e) => e.channel === 'chat:delivery' && e.payload.messageId === m,
    );
    expect(told).toBeGreaterThanOrEqual(0);
    expect(told).toBeLessThan(firstUpdate);
    const got = b.received();
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({
      direction: 'in',
      text: 'hello bob 你好',
      peerId: a.id,
      broadcast: false,
    });
    expect(got[0]?.from).toMatchObject({ id: a.id, nick: 'alice' });
    expect(
      a.engine.handlers['chat:history']({ peerId: b.id }).messages.map((x) => x.delivery?.state),
    ).toEqual(['delivered']);
    expect(b.engine.handlers['chat:history']({ peerId: a.id }).messages.map((x) => x.text)).toEqual(
      ['hello bob 你好'],
    );
  });

  it('accepts a bare IPv4 address as recipient (port 2425 assumed), once per peer', async () => {
    const { clock, a, b } = await pair();
    const out = a.send([B, b.id], 'once');
    expect(out).toHaveLength(1);
    expect(a.message(out[0])?.peerId).toBe(b.id);
    await clock.advance(10);
    expect(lastState(a, out[0])?.state).toBe('delivered');
    expect(b.received().map((x) => x.text)).toEqual(['once']);
  });

  it('normalises CRLF before sending', async () => {
    const { clock, a, b } = await pair();
    a.send([b.id], 'a\r\nb\rc');
    await clock.advance(10);
    expect(b.received()[0]?.text).toBe('a\nb\nc');
  });

  it('retries every 1 s, 4 times, then fails with code no-ack and a reason', async () => {
    const { clock, net } = lan();
    const a = await startEngine(net, A);
    const t0 = clock.now();
    const [m] = a.send(['10.0.0.99'], 'anyone?');
    const id = m ?? '';
    await clock.advance(4999);
    const tries = sent(net, A, Mode.SENDMSG);
    expect(tries.map((t) => t.d.sentAt - t0)).toEqual([0, 1000, 2000, 3000, 4000]);
    expect(new Set(tries.map((t) => t.p.packetNo)).size).toBe(1); // retransmissions reuse the number
    expect(new Set(tries.map((t) => Buffer.from(t.d.bytes).toString('hex'))).size).toBe(1);
    expect(lastState(a, id)).toEqual({ state: 'sent', attempts: 5 });
    await clock.advance(1);
    const failed = lastState(a, id);
    expect(failed).toEqual({
      state: 'failed',
      code: 'no-ack',
      params: { peer: '10.0.0.99', attempts: 5, seconds: 5, port: PORT },
    });
    expect(failed?.state === 'failed' && outcomeText(failed, 'en')).toMatch(
      /no acknowledgement from 10\.0\.0\.99 .*5 attempts/,
    );
    await clock.advance(10_000);
    expect(sent(net, A, Mode.SENDMSG)).toHaveLength(5);
    expect(a.deliveryStates(id)).toEqual([
      'queued',
      'sent',
      'sent',
      'sent',
      'sent',
      'sent',
      'failed',
    ]);
  });

  it('a lost first copy is delivered by the retry, and retries stop', async () => {
    const { clock, net, a, b } = await pair();
    net.use(dropFirst(1, modeIs(Mode.SENDMSG)));
    const [m] = a.send([b.id], 'second time lucky');
    await clock.advance(1500);
    expect(lastState(a, m)).toMatchObject({ state: 'delivered', at: clock.now() - 500 });
    await clock.advance(10_000);
    expect(sent(net, A, Mode.SENDMSG)).toHaveLength(2);
    expect(b.received()).toHaveLength(1);
  });

  it('a lost ack: the retransmission is acked again but shown once', async () => {
    const { clock, net, a, b } = await pair();
    net.use(dropFirst(1, modeIs(Mode.RECVMSG)));
    const [m] = a.send([b.id], 'ack me twice');
    await clock.advance(3000);
    expect(sent(net, B, Mode.RECVMSG)).toHaveLength(2);
    expect(b.received().map((x) => x.text)).toEqual(['ack me twice']);
    expect(lastState(a, m)?.state).toBe('delivered');
  });

  it('network duplicates are acked each time and shown once', async () => {
    const { clock, net, a, b } = await pair();
    net.use(duplicateWhere(modeIs(Mode.SENDMSG), 3, 5));
    a.send([b.id], 'echo echo echo');
    await clock.advance(100);
    expect(sent(net, B, Mode.RECVMSG)).toHaveLength(3);
    expect(b.received()).toHaveLength(1);
  });

  it('packet numbers strictly increase (retransmissions reuse theirs), even when the clock steps back', async () => {
    const { clock, net, a, b } = await pair();
    net.use(dropFirst(3, modeIs(Mode.SENDMSG)));
    for (let i = 0; i < 10; i++) a.send([b.id], `m${i}`);
    a.engine.handlers['peers:refresh']();
    await clock.advance(5000);
    clock.jump(-3_600_000); // NTP steps the wall clock back an hour
    for (let i = 10; i < 20; i++) a.send([b.id], `m${i}`);
    a.engine.handlers['chat:broadcast']({ text: 'to all' });
    a.engine.handlers['peers:refresh']();
    await clock.advance(5000);
    const mine = sent(net, A);
    expect(mine.length).toBeGreaterThan(25);
    let max = -1;
    const seen = new Map<number, string>();
    let retransmissions = 0;
    for (const { d, p } of mine) {
      const hex = Buffer.from(d.bytes).toString('hex');
      if (p.packetNo <= max) {
        // Only an identical retransmission may reuse a number.
        expect(seen.get(p.packetNo)).toBe(hex);
        retransmissions++;
      }
      // Broadcast copies share one number (like iptux), so equal bytes may repeat.
      if (!seen.has(p.packetNo)) seen.set(p.packetNo, hex);
      max = Math.max(max, p.packetNo);
      expect(p.packetNo).toBeLessThan(2 ** 31);
    }
    expect(retransmissions).toBeGreaterThanOrEqual(3);
    const shown = b.received().map((x) => x.text);
    // The broadcast is not queued behind the acked messages; those keep their order.
    expect(shown.filter((t) => t !== 'to all')).toEqual(
      Array.from({ length: 20 }, (_, i) => `m${i}`),
    );
    expect(shown.filter((t) => t === 'to all')).toHaveLength(1);
  });

  it('keeps one message in flight per peer: the second waits for the first ack', async () => {
    const { clock, net } = lan();
    const a = await startEngine(net, A);
    const iptux = await iptuxOnline(net, clock);
    const [m1, m2] = [
      a.send([iptux.endpoint.address], 'first')[0],
      a.send([iptux.endpoint.address], 'second')[0],
    ];
    await clock.advance(500);
    let got = iptux.inboxOf(Mode.SENDMSG);
    expect(got.map((r) => utf8(parseMessageBody(r.packet.extra).text))).toEqual(['first']);
    expect(lastState(a, m2)).toEqual({ state: 'queued' });
    iptux.send(at(A), 289, `${got[0]?.packet.packetNo}\0`);
    await clock.flush();
    got = iptux.inboxOf(Mode.SENDMSG);
    expect(got.map((r) => utf8(parseMessageBody(r.packet.extra).text))).toEqual([
      'first',
      'second',
    ]);
    expect(got[1]?.packet.packetNo).toBeGreaterThan(got[0]?.packet.packetNo ?? Infinity);
    // iptux cannot prove its ack: the verdict waits ACK_SETTLE_MS for forged acks to show, but
    // the next message does not wait for it.
    await clock.advance(ACK_SETTLE_MS);
    expect(lastState(a, m1)?.state).toBe('delivered');
    iptux.send(at(A), 289, `${got[1]?.packet.packetNo}\0`);
    await clock.advance(ACK_SETTLE_MS);
    expect(lastState(a, m2)?.state).toBe('delivered');
  });

  it('the next message goes out once the one in flight has failed', async () => {
    const { clock, net } = lan();
    const a = await startEngine(net, A);
    const iptux = await iptuxOnline(net, clock);
    a.send([IPTUX_ADDR], 'lost');
    const [m2] = a.send([IPTUX_ADDR], 'next');
    await clock.advance(4999);
    expect(iptux.inboxOf(Mode.SENDMSG)).toHaveLength(5);
    await clock.advance(1);
    const last = iptux.inboxOf(Mode.SENDMSG).at(-1);
    expect(utf8(parseMessageBody(last?.packet.extra ?? new Uint8Array()).text)).toBe('next');
    expect(lastState(a, m2)).toEqual({ state: 'sent', attempts: 1 });
  });

  it('messages to different peers do not wait for each other', async () => {
    const { clock, net } = lan();
    const a = await startEngine(net, A);
    const iptux = await iptuxOnline(net, clock);
    const ipmsg = await ScriptedPeer.start(net, IPMSG_ADDR, IPMSG);
    a.send([IPTUX_ADDR], 'to iptux');
    a.send([IPMSG_ADDR], 'to ipmsg');
    await clock.flush();
    expect(iptux.inboxOf(Mode.SENDMSG)).toHaveLength(1);
    expect(ipmsg.inboxOf(Mode.SENDMSG)).toHaveLength(1);
  });

  it('an ack from another address does not count', async () => {
    const { clock, net } = lan();
    const a = await startEngine(net, A);
    const iptux = await iptuxOnline(net, clock);
    const forger = await ScriptedPeer.start(net, '10.0.0.66', IPTUX);
    const [m] = a.send([IPTUX_ADDR], 'x');
    await clock.flush();
    const no = iptux.inboxOf(Mode.SENDMSG)[0]?.packet.packetNo;
    forger.send(at(A), 289, `${no}\0`);
    await clock.flush();
    expect(lastState(a, m)?.state).toBe('sent');
  });

  it('stop() fails what is pending with code stopped; sending while stopped fails at once', async () => {
    const { clock, net } = lan();
    const a = await startEngine(net, A);
    const [m] = a.send(['10.0.0.99'], 'pending');
    await clock.advance(100);
    await a.engine.stop();
    expect(lastState(a, m)).toMatchObject({ state: 'failed', code: 'stopped' });
    expect(a.deliveryStates(m ?? '').at(-1)).toBe('failed');
    // Refused at once (code not-started): told failed in its chat:message, no chat:delivery.
    const [late] = a.send(['10.0.0.99'], 'late');
    expect(a.message(late)).toMatchObject({
      text: 'late',
      delivery: { state: 'failed', code: 'not-started' },
    });
    expect(a.of('chat:delivery').filter((u) => u.messageId === (late ?? ''))).toEqual([]);
  });

  it('rejects a recipient that is neither a peer nor an IPv4 address', async () => {
    const { a } = await pair();
    for (const to of ['bob', '10.0.0', '10.0.0.1:99999', '']) {
      const [m] = a.send([to], 'x');
      expect(m).toBeDefined();
      expect(a.message(m)?.delivery).toEqual({
        state: 'failed',
        code: 'bad-recipient',
        params: { to: JSON.stringify(to) },
      });
      expect(a.of('chat:delivery').filter((u) => u.messageId === (m ?? ''))).toEqual([]);
    }
    // Refused messages are told, never stored in a conversation.
    expect(a.engine.handlers['chat:conversations']()).toEqual([]);
  });

  it('reports a socket error as send-error with its message', async () => {
    const { clock, net } = lan({
      sendError: (d) =>
        d.to.address === '10.0.0.77'
          ? Object.assign(new Error('send EPERM'), { code: 'EPERM' })
          : undefined,
    });
    const a = await startEngine(net, A);
    const [m] = a.send(['10.0.0.77'], 'x');
    await clock.advance(6000);
    const s = lastState(a, m);
    expect(s).toMatchObject({ state: 'failed', code: 'send-error' });
    expect(s?.state === 'failed' && s.params.error).toContain('send EPERM');
    expect(s?.state === 'failed' && outcomeText(s, 'en')).toContain('send EPERM');
    expect(a.engine.stats().sendErrors).toBe(5);
  });

  it('chat:retry re-queues a failed message as a new one, which can then be delivered', async () => {
    const { clock, net, a, b } = await pair();
    const cut = net.use(dropWhere(toAddress(B)));
    const [m] = a.send([b.id], 'again');
    await clock.advance(6000);
    expect(lastState(a, m)?.state).toBe('failed');
    cut();
    const { id: again } = a.engine.handlers['chat:retry']({ messageId: m ?? '' });
    expect(a.message(again)).toMatchObject({ text: 'again', peerId: b.id, direction: 'out' });
    expect(again).not.toBe(m);
    await clock.advance(10);
    expect(lastState(a, again)?.state).toBe('delivered');
    // Only failed messages can be retried; anything else is not found.
    const retry = (messageId: string) => () => a.engine.handlers['chat:retry']({ messageId });
    expect(retry(again)).toThrow(ContractError);
    expect(retry(again)).toThrow(/no failed message/);
    expect(retry('no-such-id')).toThrow(ContractError);
    expect(await a.engine.request('chat:retry', { messageId: 'no-such-id' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    expect(b.received().map((x) => x.text)).toEqual(['again']);
  });

  it('a message refused because Pigeon was not running can be retried once it runs', async () => {
    const { clock, net } = lan();
    const a = createEngineNode(net, A, { nick: 'alice' });
    const b = await startEngine(net, B, { nick: 'bob' });
    const [m] = a.send([b.id], 'early');
    expect(lastState(a, m)).toEqual({ state: 'failed', code: 'not-started', params: {} });
    // Kept in the conversation, failed, so the person can send it again.
    expect(a.engine.handlers['chat:history']({ peerId: b.id }).messages.map((x) => x.text)).toEqual(
      ['early'],
    );
    await a.engine.start();
    await clock.advance(10);
    const { id } = a.engine.handlers['chat:retry']({ messageId: m ?? '' });
    await clock.advance(10);
    expect(lastState(a, id)?.state).toBe('delivered');
    expect(b.received().map((x) => x.text)).toEqual(['early']);
  });

  it('chat:broadcast reaches every online peer, in its own encoding, without acks', async () => {
    const { clock, net, a, b } = await pair();
    const feiq = await feiqOnline(net, clock);
    const { id } = a.engine.handlers['chat:broadcast']({ text: '大家好' });
    expect(a.message(id)).toMatchObject({
      peerId: BROADCAST_ID,
      broadcast: true,
      direction: 'out',
      text: '大家好',
    });
    expect(a.of('chat:message').find((e) => e.message.id === id)?.peer).toBeNull();
    await clock.advance(100);
    expect(b.received()).toMatchObject([{ text: '大家好', broadcast: true }]);
    expect(sent(net, B, Mode.RECVMSG)).toEqual([]);
    const toFeiq = feiq.inboxOf(Mode.SENDMSG);
    expect(toFeiq).toHaveLength(1);
    expect(hasOpt(toFeiq[0]?.packet.command ?? 0, Opt.BROADCASTOPT)).toBe(true);
    expect(hasOpt(toFeiq[0]?.packet.command ?? 0, Opt.UTF8OPT)).toBe(false);
    expect(Array.from(parseMessageBody(toFeiq[0]?.packet.extra ?? new Uint8Array()).text)).toEqual(
      Array.from(legacy('大家好', 'gbk')),
    );
  });

  it('says which peer a broadcast could not be written to (engine:error broadcast-encoding)', async () => {
    const { clock, net, a, b } = await pair();
    await feiqOnline(net, clock);
    a.engine.handlers['chat:broadcast']({ text: '好的👍' });
    await clock.advance(100);
    expect(a.of('engine:error')).toEqual([
      {
        code: 'broadcast-encoding',
        params: {
          peer: `飞秋用户 (${FEIQ_ADDR})`,
          encoding: 'GBK',
          character: JSON.stringify('👍'),
          codepoint: 'U+1F44D',
        },
      },
    ]);
    expect(b.received().map((x) => x.text)).toEqual(['好的👍']);
  });

  it('counts unread incoming messages per conversation until they are marked read', async () => {
    const { clock, a, b } = await pair();
    a.send([b.id], 'one');
    a.send([b.id], 'two');
    await clock.advance(10);
    expect(b.of('chat:unread')).toEqual([
      { peerId: a.id, unread: 1, total: 1 },
      { peerId: a.id, unread: 2, total: 2 },
    ]);
    expect(b.engine.handlers['chat:conversations']()).toMatchObject([
      { peerId: a.id, unread: 2, last: { text: 'two', direction: 'in' } },
    ]);
    expect(b.engine.handlers['chat:mark-read']({ peerId: a.id })).toBeNull();
    expect(b.of('chat:unread').at(-1)).toEqual({ peerId: a.id, unread: 0, total: 0 });
    expect(b.engine.handlers['chat:conversations']()[0]?.unread).toBe(0);
    // What we send is never unread.
    expect(a.of('chat:unread')).toEqual([]);
    expect(a.engine.handlers['chat:conversations']()).toMatchObject([
      { peerId: b.id, unread: 0, last: { text: 'two', direction: 'out' } },
    ]);
  });

  it('never reports a text with a NUL as delivered while the peer sees only the part before it', async () => {
    // NUL ends the text section on the wire: what follows would be read as an attachment list.
    const { clock, a, b } = await pair();
    const [m] = a.send([b.id], 'before\0after');
    await clock.advance(6000);
    const state = lastState(a, m)?.state;
    const shown = b.received().map((x) => x.text);
    if (state === 'failed') expect(shown).toEqual([]);
    else expect(shown[0]).toContain('after');
    // Pigeon refuses it at once, saying why; a broadcast too.
    expect(lastState(a, m)).toEqual({ state: 'failed', code: 'text-has-nul', params: {} });
    const { id } = a.engine.handlers['chat:broadcast']({ text: 'all\0of you' });
    expect(a.message(id)).toMatchObject({
      peerId: BROADCAST_ID,
      delivery: { state: 'failed', code: 'text-has-nul' },
    });
    await clock.advance(100);
    expect(b.received()).toEqual([]);
  });

  it('every event survives JSON (it crosses IPC and the CLI)', async () => {
    const { clock, a, b } = await pair();
    a.send([b.id], 'json');
    a.send(['10.0.0.99'], 'fail');
    await clock.advance(6000);
    await a.engine.stop();
    for (const e of [...a.events, ...b.events]) expect(JSON.parse(JSON.stringify(e))).toEqual(e);
  });

  it('a listener that throws does not stop the engine or the other listeners', async () => {
    const { clock, a, b } = await pair();
    b.engine.subscribe(() => {
      throw new Error('listener bug');
    });
    a.send([b.id], 'still here');
    await clock.advance(10);
    expect(b.received().map((m) => m.text)).toEqual(['still here']);
  });
});

// ---- receiving from other clients ------------------------------------------------------------

describe('receiving', () => {
  it('acks an iptux SENDMSG (golden 288) with RECVMSG <packetNo> and shows the UTF-8 text', async () => {
    const { clock, net } = lan();
    const a = await startEngine(net, A);
    const iptux = await iptuxOnline(net, clock);
    iptux.sendRaw(
      at(A),
      bytes(
        '1_iptux 0.8.3:8:root:lab-iptux:288:hello from iptux ',
        [0xe4, 0xbd, 0xa0, 0xe5, 0xa5, 0xbd],
        ' #2417',
        0,
      ),
    );
    await clock.flush();
    const acks = iptux.inboxOf(Mode.RECVMSG);
    expect(acks).toHaveLength(1);
    expect(latin1Text(trimTrailingNuls(acks[0]?.packet.extra ?? new Uint8Array()))).toBe('8');
    expect(a.received()).toMatchObject([
      { text: 'hello from iptux 你好 #2417', peerId: `${IPTUX_ADDR}:${PORT}` },
    ]);
    expect(a.received()[0]?.from.client).toBe('iptux');
  });

  it('never acks RECVMSG, BROADCASTOPT or AUTORETOPT (but shows the latter two)', async () => {
    const { clock, net } = lan();
    const a = await startEngine(net, A);
    const ipmsg = await ScriptedPeer.start(net, IPMSG_ADDR, IPMSG);
    ipmsg.send(at(BCAST), makeCommand(Mode.BR_ENTRY, Opt.CAPUTF8OPT), 'taro\0\0');
    await clock.flush();
    const before = net.sentFrom(A).length;
    ipmsg.send(at(A), makeCommand(Mode.RECVMSG, Opt.SENDCHECKOPT), '12345\0');
    ipmsg.send(
      at(A),
      makeCommand(Mode.SENDMSG, Opt.SENDCHECKOPT, Opt.BROADCASTOPT, Opt.UTF8OPT),
      'to everyone\0',
    );
    ipmsg.send(
      at(A),
      makeCommand(Mode.SENDMSG, Opt.SENDCHECKOPT, Opt.AUTORETOPT, Opt.UTF8OPT),
      'I am away\0',
    );
    await clock.advance(5000);
    expect(net.sentFrom(A).slice(before)).toEqual([]);
    expect(a.received().map((m) => [m.text, m.broadcast])).toEqual([
      ['to everyone', true],
      ['I am away', false],
    ]);
  });

  it('strips controls from the names a peer announces (bidi stays, to be shown), keeps texts intact', async () => {
    const { clock, net } = lan();
    const a = await startEngine(net, A);
    const ipmsg = await ScriptedPeer.start(net, IPMSG_ADDR, IPMSG);
    ipmsg.send(
      at(BCAST),
      makeCommand(Mode.BR_ENTRY, Opt.CAPUTF8OPT),
      'mal\u202elory\x1b]0;pwned\x07\0ops\n12:00:00 + admin\0',
    );
    const text = 'see \x1b[2J\u009b2J\u202e\nline two';
    ipmsg.send(at(A), makeCommand(Mode.SENDMSG, Opt.SENDCHECKOPT, Opt.UTF8OPT), `${text}\0`);
    await clock.flush();
    expect(a.peers()[0]).toMatchObject({
      nick: 'mal\u202elory]0;pwned',
      group: 'ops12:00:00 + admin',
    });
    expect(a.of('peers:online')[0]?.nick).toBe('mal\u202elory]0;pwned');
    expect(a.received()[0]?.text).toBe(text);
  });

  it('does not ack a SENDMSG that did not ask (no SENDCHECKOPT), but shows it', async () => {
    const { clock, net } = lan();
    const a = await startEngine(net, A);
    const iptux = await iptuxOnline(net, clock);
    iptux.send(at(A), Mode.SENDMSG, 'fire and forget\0');
    await clock.flush();
    expect(iptux.inboxOf(Mode.RECVMSG)).toEqual([]);
    expect(a.received().map((m) => m.text)).toEqual(['fire and forget']);
  });

  it('acks and shows a SENDMSG from a host that never announced itself, and introduces itself', async () => {
    const { clock, net } = lan();
    const a = await startEngine(net, A);
    const stranger = '10.0.0.50';
    net.inject(
      bytes('1:1700000000:ghost:GHOST-PC:288:boo\0'),
      { address: stranger, port: PORT },
      at(A),
    );
    const listener = await ScriptedPeer.start(net, stranger, IPMSG);
    await clock.flush();
    const ack = listener.inboxOf(Mode.RECVMSG);
    expect(ack).toHaveLength(1);
    expect(latin1Text(trimTrailingNuls(ack[0]?.packet.extra ?? new Uint8Array()))).toBe(
      '1700000000',
    );
    const msgs = a.received();
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatchObject({ text: 'boo', peerId: `${stranger}:${PORT}` });
    expect(msgs[0]?.from).toMatchObject({ announced: false, user: 'ghost', host: 'GHOST-PC' });
    expect(listener.inboxOf(Mode.BR_ENTRY)).toHaveLength(1);
  });

  it('does not introduce itself to a NOADDLISTOPT sender', async () => {
    const { clock, net } = lan();
    await startEngine(net, A);
    const stranger = await ScriptedPeer.start(net, '10.0.0.51', IPMSG);
    stranger.send(
      at(A),
      makeCommand(Mode.SENDMSG, Opt.SENDCHECKOPT, Opt.NOADDLISTOPT),
      'one-shot\0',
    );
    await clock.flush();
    expect(stranger.inboxOf(Mode.RECVMSG)).toHaveLength(1);
    expect(stranger.inboxOf(Mode.BR_ENTRY)).toEqual([]);
  });

  it('an IPMsg retry padded with 64 NULs is acked again and shown once', async () => {
    const { clock, net } = lan();
    const a = await startEngine(net, A);
    const ipmsg = await ScriptedPeer.start(net, IPMSG_ADDR, IPMSG);
    const cmd = makeCommand(Mode.SENDMSG, Opt.SENDCHECKOPT, Opt.UTF8OPT);
    ipmsg.send(at(A), cmd, 'こんにちは\0', 777);
    ipmsg.send(at(A), cmd, bytes('こんにちは\0', new Uint8Array(64)), 777);
    await clock.flush();
    expect(ipmsg.inboxOf(Mode.RECVMSG)).toHaveLength(2);
    expect(a.received().map((m) => m.text)).toEqual(['こんにちは']);
  });

  it('normalises CRLF and lone CR on receive', async () => {
    const { clock, net } = lan();
    const a = await startEngine(net, A);
    const ipmsg = await ScriptedPeer.start(net, IPMSG_ADDR, IPMSG);
    ipmsg.send(at(A), makeCommand(Mode.SENDMSG, Opt.UTF8OPT), 'one\r\ntwo\rthree\n\0');
    await clock.flush();
    expect(a.received()[0]?.text).toBe('one\ntwo\nthree\n');
  });

  it("dedupe forgets a peer's numbers when it sends a new BR_ENTRY (a restarted iptux counts from 1)", async () => {
    const { clock, net } = lan();
    const a = await startEngine(net, A);
    const iptux = await iptuxOnline(net, clock);
    iptux.send(at(A), 288, 'before restart\0', 5);
    iptux.send(at(A), 288, 'before restart\0', 5); // a retransmission: shown once
    await clock.flush();
    expect(a.received().map((m) => m.text)).toEqual(['before restart']);
    iptux.send(at(BCAST), 257, 'iptux-peer\0lab\0icon-tux.png\0utf-8\0', 1);
    iptux.send(at(A), 288, 'after restart\0', 5);
    await clock.flush();
    expect(a.received().map((m) => m.text)).toEqual(['before restart', 'after restart']);
    expect(iptux.inboxOf(Mode.RECVMSG)).toHaveLength(3);
  });

  it("a retransmission that crosses the sender's BR_ENTRY refresh is still shown once", async () => {
    // The sender's first ack got lost; before its retry it re-broadcast BR_ENTRY (refresh, or
    // Pigeon's own start-up repeat). Its packet numbers went UP: this is not a restart.
    const { clock, net } = lan();
    const a = await startEngine(net, A);
    const ipmsg = await ScriptedPeer.start(net, IPMSG_ADDR, IPMSG);
    const entry = makeCommand(Mode.BR_ENTRY, Opt.CAPUTF8OPT);
    ipmsg.send(at(BCAST), entry, 'taro\0\0', 1000);
    ipmsg.send(
      at(A),
      makeCommand(Mode.SENDMSG, Opt.SENDCHECKOPT, Opt.UTF8OPT),
      'only once\0',
      1001,
    );
    await clock.advance(500);
    ipmsg.send(at(BCAST), entry, 'taro\0\0', 1002);
    await clock.advance(500);
    ipmsg.send(
      at(A),
      makeCommand(Mode.SENDMSG, Opt.SENDCHECKOPT, Opt.UTF8OPT),
      'only once\0',
      1001,
    );
    await clock.flush();
    expect(ipmsg.inboxOf(Mode.RECVMSG)).toHaveLength(2);
    expect(a.received().map((m) => m.text)).toEqual(['only once']);
  });

  it('keeps the exact bytes of an undecodable message (invalid GBK from FeiQ)', async () => {
    const { clock, net } = lan();
    const a = await startEngine(net, A);
    const feiq = await feiqOnline(net, clock);
    const body = new Uint8Array([0xc4, 0xe3, 0xff, 0x81, 0x20, 0x41]);
    feiq.send(at(A), 288, bytes(body, 0));
    await clock.flush();
    const m = a.received();
    expect(m).toHaveLength(1);
    expect(m[0]?.text).toBe('');
    expect(m[0]?.undecodable).toEqual({ rawBase64: toBase64(body), encoding: 'gb18030' });
    expect(
      Buffer.from(m[0]?.undecodable?.rawBase64 ?? '', 'base64').equals(Buffer.from(body)),
    ).toBe(true);
    expect(feiq.inboxOf(Mode.RECVMSG)).toHaveLength(1); // still acked
  });

  it('keeps the exact bytes of invalid UTF-8 sent with UTF8OPT', async () => {
    const { clock, net } = lan();
    const a = await startEngine(net, A);
    const ipmsg = await ScriptedPeer.start(net, IPMSG_ADDR, IPMSG);
    const body = new Uint8Array([0x61, 0xc0, 0x80, 0xed, 0xa0, 0x80]);
    ipmsg.send(at(A), makeCommand(Mode.SENDMSG, Opt.UTF8OPT), bytes(body, 0));
    await clock.flush();
    expect(a.received()[0]?.undecodable).toEqual({
      rawBase64: toBase64(body),
      encoding: 'utf-8',
    });
  });

  it('reads a legacy CP932 IPMsg message when configured for CP932', async () => {
    const { clock, net } = lan();
    const a = await startEngine(net, A, { legacyEncoding: 'cp932' });
    const ipmsg = await ScriptedPeer.start(net, IPMSG_ADDR, IPMSG);
    ipmsg.send(at(BCAST), Mode.BR_ENTRY, bytes(legacy('太郎', 'cp932'), 0, 0));
    ipmsg.send(at(A), 288, bytes(legacy('会議は3時から', 'cp932'), 0));
    await clock.flush();
    expect(a.peers()[0]).toMatchObject({ nick: '太郎', encoding: 'cp932', client: 'ipmsg' });
    expect(a.received()[0]?.text).toBe('会議は3時から');
  });

  it('answers GETINFO, GETABSENCEINFO, READMSG|READCHECKOPT and FeiQ OPEN_YOU, and ignores noise', async () => {
    const { clock, net } = lan();
    const a = await startEngine(net, A);
    const ipmsg = await ScriptedPeer.start(net, IPMSG_ADDR, IPMSG);
    ipmsg.send(at(A), Mode.GETINFO, '\0');
    ipmsg.send(at(A), Mode.GETABSENCEINFO, '\0');
    const readNo = ipmsg.send(at(A), makeCommand(Mode.READMSG, Opt.READCHECKOPT), '4242\0');
    ipmsg.send(at(A), Mode.READMSG, '4243\0'); // no READCHECKOPT: no answer
    ipmsg.send(at(A), Mode.FEIQ_OPEN_YOU, '\0');
    for (const mode of [
      Mode.FEIQ_INPUTING,
      Mode.FEIQ_INPUT_END,
      Mode.FEIQ_KNOCK,
      Mode.IPTUX_SENDICON,
      0x9a,
    ]) {
      ipmsg.send(at(A), mode, '\0junk');
    }
    await clock.flush();
    expect(
      utf8(trimTrailingNuls(ipmsg.inboxOf(Mode.SENDINFO)[0]?.packet.extra ?? new Uint8Array())),
    ).toMatch(/^Pigeon /);
    expect(ipmsg.inboxOf(Mode.SENDABSENCEINFO)).toHaveLength(1);
    const ans = ipmsg.inboxOf(Mode.ANSREADMSG);
    expect(ans).toHaveLength(1);
    expect(latin1Text(trimTrailingNuls(ans[0]?.packet.extra ?? new Uint8Array()))).toBe(
      String(readNo),
    );
    expect(ipmsg.inboxOf(Mode.FEIQ_RESP_YOU)).toHaveLength(1);
    expect(ipmsg.inbox()).toHaveLength(4);
    expect(a.received()).toEqual([]);
    expect(a.of('engine:error')).toEqual([]);
  });
});

// ---- dialects ------------------------------------------------------------------------------

describe('talking to iptux', () => {
  it('sends UTF-8 with SENDCHECKOPT (UTF8OPT is harmless), and the golden ack delivers it', async () => {
    const { clock, net } = lan();
    const a = await startEngine(net, A);
    const iptux = await iptuxOnline(net, clock);
    const [m] = a.send([`${IPTUX_ADDR}:${PORT}`], '你好 iptux');
    await clock.flush();
    const got = iptux.inboxOf(Mode.SENDMSG);
    expect(got).toHaveLength(1);
    const p = got[0]?.packet;
    expect(p?.command).toBe(makeCommand(Mode.SENDMSG, Opt.SENDCHECKOPT, Opt.UTF8OPT));
    expect(utf8(p?.extra ?? new Uint8Array())).toBe('你好 iptux\0');
    iptux.send(at(A), 289, `${p?.packetNo}\0`, 7);
    await clock.flush();
    expect(lastState(a, m)?.state).toBe('sent');
    await clock.advance(ACK_SETTLE_MS);
    expect(lastState(a, m)).toMatchObject({ state: 'delivered', at: clock.now() - ACK_SETTLE_MS });
  });

  it('writes GB18030 without UTF8OPT to an iptux that declares gb18030', async () => {
    const { clock, net } = lan();
    const a = await startEngine(net, A);
    const iptux = await ScriptedPeer.start(net, IPTUX_ADDR, IPTUX);
    iptux.send(
      at(BCAST),
      257,
      bytes(legacy('老王', 'gb18030'), 0, 'lab', 0, 'icon-tux.png', 0, 'gb18030', 0),
    );
    await clock.flush();
    expect(a.peers()[0]).toMatchObject({
      nick: '老王',
      encoding: 'gb18030',
      client: 'iptux',
    });
    a.send([IPTUX_ADDR], '你好😀');
    await clock.flush();
    const p = iptux.inboxOf(Mode.SENDMSG)[0]?.packet;
    expect(hasOpt(p?.command ?? 0, Opt.UTF8OPT)).toBe(false);
    expect(
      Buffer.from(p?.extra ?? []).equals(
        Buffer.concat([iconv.encode('你好😀', 'gb18030'), Buffer.from([0])]),
      ),
    ).toBe(true);
  });

  it('splits a long message into in-order parts, each within the datagram limit, no Pigeon marker', async () => {
    const { clock, net } = lan();
    const a = await startEngine(net, A);
    const iptux = await iptuxOnline(net, clock);
    iptux.autoAck();
    const text = Array.from(
      { length: 300 },
      (_, i) => `第${i}行：鸽子传书 pigeon post line ${i}`,
    ).join('\n');
    const [m] = a.send([IPTUX_ADDR], text);
    await clock.advance(100);
    const parts = iptux.inboxOf(Mode.SENDMSG);
    expect(parts.length).toBeGreaterThan(5);
    const numbers = parts.map((r) => r.packet.packetNo);
    expect([...numbers].sort((x, y) => x - y)).toEqual(numbers);
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const r of parts) {
      expect(r.bytes.length).toBeLessThanOrEqual(1400);
      const body = parseMessageBody(r.packet.extra);
      expect(body.part).toBeUndefined();
      expect(body.attachments.length).toBe(0);
    }
    expect(parts.map((r) => utf8(parseMessageBody(r.packet.extra).text)).join('')).toBe(text);
    await clock.advance(ACK_SETTLE_MS);
    expect(a.deliveryStates(m ?? '')).toEqual(['queued', 'sent', 'delivered']);
  });

  it('a long message fails as a whole, naming the part, when a part is never acked', async () => {
    const { clock, net } = lan();
    const a = await startEngine(net, A);
    const iptux = await iptuxOnline(net, clock);
    const stop = iptux.autoAck();
    net.use((d) => {
      const p = packetOf(d);
      if (p && modeOf(p.command) === Mode.SENDMSG && iptux.inboxOf(Mode.SENDMSG).length >= 2)
        stop();
      return undefined;
    });
    const [m] = a.send([IPTUX_ADDR], 'x'.repeat(5000));
    await clock.advance(10_000);
    const s = lastState(a, m);
    expect(s).toMatchObject({ state: 'failed', code: 'no-ack' });
    // Which part failed is told in params (the text names the peer, the attempts, the fix).
    const { part, parts } = s?.state === 'failed' ? s.params : {};
    expect(part).toEqual(expect.any(Number));
    expect(parts).toEqual(expect.any(Number));
    expect(Number(part)).toBeGreaterThanOrEqual(2);
    expect(Number(part)).toBeLessThanOrEqual(Number(parts));
  });
});

describe('talking to FeiQ', () => {
  it('learns FeiQ from its GBK BR_ENTRY and answers in GBK without UTF8OPT', async () => {
    const { clock, net } = lan();
    const a = await startEngine(net, A, { nick: '小鸽', group: '研发' });
    const feiq = await feiqOnline(net, clock);
    expect(a.peers()[0]).toMatchObject({
      nick: '飞秋用户',
      group: '销售部',
      client: 'feiq',
      encoding: 'gbk',
      capabilities: { files: true },
    });
    const ans = feiq.inboxOf(Mode.ANSENTRY);
    expect(ans).toHaveLength(1);
    expect(hasOpt(ans[0]?.packet.command ?? 0, Opt.UTF8OPT)).toBe(false);
    // nick\0group\0 wholly in GBK: FeiQ converts the whole entry, a UTF-8 section would spoil it.
    const extra = ans[0]?.packet.extra ?? new Uint8Array();
    expect(Buffer.from(extra).equals(iconv.encode('小鸽\0研发\0', 'gbk'))).toBe(true);
    // FeiQ ignores BR_ABSENCE: no GBK BR_ABSENCE is sent to it.
    expect(feiq.inboxOf(Mode.BR_ABSENCE)).toHaveLength(0);
  });

  it('sends GBK text without UTF8OPT', async () => {
    const { clock, net } = lan();
    const a = await startEngine(net, A);
    const feiq = await feiqOnline(net, clock);
    feiq.autoAck();
    const [m] = a.send([FEIQ_ADDR], '下午开会');
    await clock.flush();
    const p = feiq.inboxOf(Mode.SENDMSG)[0]?.packet;
    expect(p?.command).toBe(makeCommand(Mode.SENDMSG, Opt.SENDCHECKOPT));
    expect(
      Buffer.from(p?.extra ?? []).equals(
        Buffer.concat([iconv.encode('下午开会', 'gbk'), Buffer.from([0])]),
      ),
    ).toBe(true);
    await clock.advance(ACK_SETTLE_MS);
    expect(lastState(a, m)?.state).toBe('delivered');
  });

  it('refuses an emoji for FeiQ with code encoding, before sending anything', async () => {
    const { clock, net } = lan();
    const a = await startEngine(net, A);
    const feiq = await feiqOnline(net, clock);
    const [m] = a.send([FEIQ_ADDR], '好的👍');
    await clock.flush();
    // Told failed in its chat:message, with no chat:delivery after it.
    const s = lastState(a, m);
    expect(s).toEqual({
      state: 'failed',
      code: 'encoding',
      params: {
        peer: `飞秋用户 (${FEIQ_ADDR})`,
        encoding: 'GBK',
        character: JSON.stringify('👍'),
        codepoint: 'U+1F44D',
      },
    });
    expect(s?.state === 'failed' && outcomeText(s, 'en')).toMatch(/GBK.*U\+1F44D/);
    expect(a.of('chat:delivery').filter((u) => u.messageId === (m ?? ''))).toEqual([]);
    // It stays in the conversation, failed (so it can be retried).
    expect(
      a.engine.handlers['chat:history']({ peerId: `${FEIQ_ADDR}:${PORT}` }).messages.map(
        (x) => x.delivery,
      ),
    ).toEqual([s]);
    const { id: again } = a.engine.handlers['chat:retry']({ messageId: m ?? '' });
    expect(lastState(a, again)).toEqual(s);
    expect(feiq.inboxOf(Mode.SENDMSG)).toEqual([]);
  });

  it('shows FeiQ text without the font tail and with an image placeholder', async () => {
    const { clock, net } = lan();
    const a = await startEngine(net, A);
    const feiq = await feiqOnline(net, clock);
    feiq.send(
      at(A),
      288,
      bytes(
        legacy(
          '看图/~#>{8F3A}1699<B~好看吗{/font;-16 0 0 0 400 0 0 0 134 0 0 2 32 微软雅黑 8404992;}',
          'gbk',
        ),
        0,
      ),
    );
    await clock.flush();
    expect(a.received()[0]?.text).toBe('看图[图片 image]好看吗');
    expect(feiq.inboxOf(Mode.RECVMSG)).toHaveLength(1);
  });

  it('shows the raw UTF-8 FeiQ sends for what GBK lacks, and GBK that looks like UTF-8 as GBK', async () => {
    const { clock, net } = lan();
    const a = await startEngine(net, A);
    const feiq = await feiqOnline(net, clock);
    feiq.send(at(A), 288, bytes(new TextEncoder().encode('完成✓了'), 0));
    feiq.send(at(A), 288, bytes(new TextEncoder().encode('👍'), 0));
    feiq.send(at(A), 288, bytes(legacy('谢谢', 'gbk'), 0));
    feiq.send(at(A), 288, bytes(legacy('一', 'gbk'), 0));
    await clock.flush();
    const m = a.received();
    expect(m.map((x) => x.text)).toEqual(['完成✓了', '👍', '谢谢', '一']);
    expect(m.every((x) => x.undecodable === undefined)).toBe(true);
  });
});

// ---- long messages between Pigeons, reordering ------------------------------------------------

describe('long messages and an unreliable network', () => {
  const long =
    Array.from({ length: 800 }, (_, i) => `${i}: 长消息测试 long message test 😀`).join('\n') +
    '\n'.repeat(3) +
    '尾'.repeat(3000);
  /** The first `n` code points (never half a surrogate pair). */
  const prefix = (n: number) => Array.from(long).slice(0, n).join('');

  it('splits a long message under the datagram limit and reassembles it into ONE message', async () => {
    const { clock, net, a, b } = await pair();
    const [m] = a.send([b.id], long);
    await clock.advance(1000);
    const parts = sent(net, A, Mode.SENDMSG);
    expect(parts.length).toBeGreaterThan(20);
    for (const { d, p } of parts) {
      expect(d.bytes.length).toBeLessThanOrEqual(1400);
      expect(parseMessageBody(p.extra).part).toBeDefined();
    }
    const got = b.received();
    expect(got).toHaveLength(1);
    expect(got[0]?.text).toBe(long);
    expect(a.deliveryStates(m ?? '')).toEqual(['queued', 'sent', 'delivered']);
  });

  it('honours a smaller maxDatagram', async () => {
    const { clock, net } = lan();
    const a = await startEngine(net, A, {}, { maxDatagram: 512 });
    const b = await startEngine(net, B, {}, { maxDatagram: 512 });
    await clock.advance(10);
    a.send([b.id], prefix(6000));
    await clock.advance(1000);
    for (const { d } of sent(net, A, Mode.SENDMSG)) expect(d.bytes.length).toBeLessThanOrEqual(512);
    expect(b.received().map((x) => x.text)).toEqual([prefix(6000)]);
  });

  it('delivers everything once and in order despite delays, reordering and duplicates', async () => {
    const { clock, net, a, b } = await pair();
    net.use(randomDelay({ seed: 1234, maxMs: 1600, duplicateRate: 0.3 }));
    const texts = Array.from({ length: 12 }, (_, i) =>
      i === 6 ? prefix(9000) : `msg ${i} ${'·'.repeat(i * 50)}`,
    );
    const ids = texts.map((t) => a.send([b.id], t)[0] ?? '');
    const fromB = ['reply 1', 'reply 2', 'reply 3'].map((t) => b.send([a.id], t)[0] ?? '');
    await clock.advance(120_000);
    expect(b.received().map((m) => m.text)).toEqual(texts);
    expect(a.received().map((m) => m.text)).toEqual(['reply 1', 'reply 2', 'reply 3']);
    for (const id of ids) expect(lastState(a, id)?.state).toBe('delivered');
    for (const id of fromB) expect(lastState(b, id)?.state).toBe('delivered');
    // The chaos was real: some datagrams did overtake others.
    expect(net.stats.scheduled).toBeGreaterThan(net.log.length);
  });

  it('survives random loss: each message is either delivered (shown once, in order) or failed', async () => {
    const { clock, net, a, b } = await pair();
    net.use(randomDelay({ seed: 99, maxMs: 400, dropRate: 0.35, duplicateRate: 0.1 }));
    const texts = Array.from({ length: 20 }, (_, i) => `lossy ${i}`);
    const ids = texts.map((t) => a.send([b.id], t)[0] ?? '');
    await clock.advance(300_000);
    const states = ids.map((id) => lastState(a, id)?.state);
    expect(states.every((s) => s === 'delivered' || s === 'failed')).toBe(true);
    const shown = b.received().map((m) => m.text);
    expect(new Set(shown).size).toBe(shown.length);
    // Shown in send order; everything delivered was shown.
    expect(shown).toEqual(texts.filter((t) => shown.includes(t)));
    texts.forEach((t, i) => {
      if (states[i] === 'delivered') expect(shown).toContain(t);
    });
    expect(states.filter((s) => s === 'delivered').length).toBeGreaterThan(10);
  });
});

// ---- hostile input -------------------------------------------------------------------------

describe('hostile input', () => {
  it('20,000 random malformed datagrams leave the engine answering a real peer', async () => {
    const { clock, net, a, b } = await pair();
    net.recording = false;
    a.socket.recording = false;
    const rand = mulberry32(2024);
    const int = (n: number) => Math.floor(rand() * n);
    const pick = <T>(xs: readonly T[]) => xs[int(xs.length)] as T;
    const modes = Object.values(Mode);
    const randomBytes = (n: number) => Uint8Array.from({ length: n }, () => int(256));
    for (let i = 0; i < 20_000; i++) {
      let datagram: Uint8Array;
      switch (i % 4) {
        case 0:
          datagram = randomBytes(int(300));
          break;
        case 1: {
          const fields = [
            pick(['1', '2', '', '1_iptux 0.8.3', '1_lbt6_0#1#001122334455', 'x']),
            pick(['1', '', 'abc', '99999999999999999', String(int(1e9))]),
            pick(['u', '', 'x'.repeat(300)]),
            pick(['h', '']),
            pick([String(int(2 ** 33)), '', '-1', '288', '4294967296']),
          ];
          datagram = bytes(fields.slice(0, int(6)).join(':'), ':', randomBytes(int(100)));
          break;
        }
        case 2:
          // Well-formed headers, any mode and options, garbage extras (these may create peers).
          datagram = bytes(
            `${pick(['1', '1_iptux 0.8.3', '1_lbt6_0#1#001122334455', '1_pigeon 0.1.0'])}:${int(2 ** 31)}:u${int(9)}:h:${(pick(modes) | (int(2 ** 24) << 8)) >>> 0}:`,
            randomBytes(int(200)),
          );
          break;
        default:
          // Plausible presence and messages with junk names, from forged senders.
          datagram = bytes(
            `1:${int(2 ** 31)}:u:h:${pick([1, 2, 3, 4, 32, 33, 288, 289])}:`,
            randomBytes(int(40)),
            0,
            randomBytes(int(40)),
          );
      }
      const from = {
        address: `172.16.${int(4)}.${1 + int(250)}`,
        port: pick([2425, 2425, 1024 + int(60000)]),
      };
      net.inject(datagram, from, at(A));
      if (i % 2000 === 1999) await clock.flush();
    }
    await clock.advance(100_000);
    expect(a.of('engine:error')).toEqual([]);
    expect(a.engine.stats().received).toBeGreaterThan(20_000);
    expect(a.engine.stats().malformed).toBeGreaterThan(5_000);
    // Still talks to the real peer, both ways.
    net.recording = true;
    const [m] = a.send([b.id], 'still alive');
    b.send([a.id], 'me too');
    await clock.advance(100);
    expect(lastState(a, m)?.state).toBe('delivered');
    expect(b.received().at(-1)?.text).toBe('still alive');
    expect(a.received().at(-1)?.text).toBe('me too');
    expect(a.peers().length).toBeLessThanOrEqual(4 * 250 * 3 + 1);
  });

  it('keeps the peer table bounded when forged senders flood it', async () => {
    const { clock, net, a, b } = await pair();
    net.recording = false;
    const N = 21_000;
    for (let i = 0; i < N; i++) {
      const address = `10.${100 + (i >> 16)}.${(i >> 8) & 0xff}.${i & 0xff}`;
      net.inject(bytes(`1:${i + 1}:forged:host:1:forged-${i}\0\0`), { address, port: PORT }, at(A));
      if (i % 1000 === 999) await clock.flush();
    }
    await clock.flush();
    const peers = a.peers();
    expect(peers.length).toBeLessThanOrEqual(20_000);
    expect(peers.length).toBeGreaterThan(10_000);
    net.recording = true;
    const [m] = a.send([b.id], 'after the flood');
    // The flood may have pushed b out of the table: then it is a host a knows nothing of, whose
    // ack is judged after ACK_SETTLE_MS.
    await clock.advance(100 + ACK_SETTLE_MS);
    expect(lastState(a, m)?.state).toBe('delivered');
  }, 60_000);
});

// ---- JSON-friendly snapshots ----------------------------------------------------------------

describe('snapshots', () => {
  it('peers() and settings() return copies the caller cannot corrupt', async () => {
    const { a, b } = await pair();
    const p = a.peers()[0];
    if (!p) throw new Error('no peer');
    p.nick = 'mutated';
    p.capabilities.utf8 = false;
    expect(a.peers()[0]).toMatchObject({ nick: 'bob', capabilities: { utf8: true } });
    const s = a.engine.settings();
    s.broadcast.push('1.2.3.4');
    expect(a.engine.settings().broadcast).toEqual(['10.0.0.255']);
    expect(b.engine.local()).toEqual({ address: '0.0.0.0', port: PORT });
  });

  it('refuses to start with invalid settings, and reports a busy port', async () => {
    const { net } = lan();
    const bad = createEngineNode(net, A, { nick: '' });
    await expect(bad.engine.start()).rejects.toMatchObject({ code: 'invalid-settings' });
    await startEngine(net, A);
    const second = createEngineNode(net, A);
    await expect(second.engine.start()).rejects.toMatchObject({ code: 'port-in-use' });
  });
});
