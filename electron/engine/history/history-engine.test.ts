import { describe, expect, it } from 'vitest';
import { Mode, Opt, makeCommand } from '../../../shared/protocol';
import { FakeClock } from '../testing/fake-clock';
import { FakeNetwork, packetOf } from '../testing/fake-network';
import { startEngine } from '../testing/engine-harness';
import { IPTUX, ScriptedPeer } from '../testing/scripted-peer';
import { tempDirsRemovedAfterEach } from '../testing/temp-dirs';

const ME = '10.0.0.1';
const IPTUX_ADDR = '10.0.0.10';
const PORT = 2425;
const SEND = makeCommand(Mode.SENDMSG, Opt.SENDCHECKOPT, Opt.UTF8OPT);

const tempDir = tempDirsRemovedAfterEach('pigeon-history-engine-');

async function setup(dataDir: string, budgetBytes?: number) {
  const clock = new FakeClock();
  const net = new FakeNetwork(clock);
  const me = await startEngine(
    net,
    ME,
    { nick: 'me', dataDir },
    { history: { where: 'disk', ...(budgetBytes ? { limits: { budgetBytes } } : {}) } },
  );
  const iptux = await ScriptedPeer.start(net, IPTUX_ADDR, IPTUX);
  return { clock, net, me, iptux };
}

const acksFor = (peer: ScriptedPeer, packetNo: number) =>
  peer
    .inboxOf(Mode.RECVMSG)
    .filter((r) => new TextDecoder().decode(r.packet.extra).replace(/\0+$/, '') === `${packetNo}`);

describe('history in the engine', () => {
  it('commits a message before acking it, and keeps it across a restart', async () => {
    const dir = tempDir();
    const { clock, me, iptux } = await setup(dir);
    const no = iptux.send({ address: ME, port: PORT }, SEND, '明天开会\0');
    await clock.flush();
    expect(acksFor(iptux, no)).toHaveLength(1);
    const peerId = `${IPTUX_ADDR}:${PORT}`;
    const stored = me.engine.history.page({ peerId, limit: 10 })?.messages.map((m) => m.text);
    expect(stored).toEqual(['明天开会']);
    // Whom we talked with is remembered too, even a host that never announced itself.
    expect(me.engine.history.peer(peerId)).toMatchObject({ user: 'root', announced: false });
    await me.engine.stop();

    const again = await setup(dir);
    const page = again.me.engine.handlers['chat:history']({ peerId });
    expect(page.messages.map((m) => m.text)).toEqual(['明天开会']);
    expect(again.me.engine.handlers['history:search']({ text: '开会' })).toMatchObject([
      { conversation: { peerId }, ranges: [[2, 4]] },
    ]);
  });

  it('sends the ack once the message is committed, before the event and the unread count', async () => {
    const dir = tempDir();
    const { clock, net, me, iptux } = await setup(dir);
    const peerId = `${IPTUX_ADDR}:${PORT}`;
    const seen: { channel: string; acks: number; stored: number }[] = [];
    let no = -1;
    me.engine.subscribe((e) => {
      if (e.channel !== 'chat:message' && e.channel !== 'chat:unread') return;
      const acks = net.sentFrom(ME).filter((d) => {
        const p = packetOf(d);
        return (
          p !== undefined &&
          (p.command & 0xff) === Mode.RECVMSG &&
          new TextDecoder().decode(p.extra).replace(/\0+$/, '') === `${no}`
        );
      });
      const stored = me.engine.history.page({ peerId, limit: 10 })?.messages.length ?? 0;
      seen.push({ channel: e.channel, acks: acks.length, stored });
    });
    no = iptux.send({ address: ME, port: PORT }, SEND, 'acked first\0');
    await clock.flush();
    expect(seen).toEqual([
      { channel: 'chat:message', acks: 1, stored: 1 },
      { channel: 'chat:unread', acks: 1, stored: 1 },
    ]);
    await me.engine.stop();
  });

  it('a sender retrying after our restart gets its ack and no second copy', async () => {
    const dir = tempDir();
    const first = await setup(dir);
    const no = first.iptux.send({ address: ME, port: PORT }, SEND, 'only once\0');
    await first.clock.flush();
    // Crash-like: no goodbye, no checkpoint; what was committed is what the next run reads.
    const second = await setup(dir);
    second.iptux.send({ address: ME, port: PORT }, SEND, 'only once\0', no);
    await second.clock.flush();
    expect(acksFor(second.iptux, no)).toHaveLength(1);
    expect(second.me.received()).toEqual([]);
    const peerId = `${IPTUX_ADDR}:${PORT}`;
    expect(second.me.engine.history.page({ peerId, limit: 10 })?.messages).toHaveLength(1);
    await first.me.engine.stop();
    await second.me.engine.stop();
  });

  it('does not ack what it cannot keep: only pinned messages left in a full budget', async () => {
    const dir = tempDir();
    const { clock, me, iptux } = await setup(dir, 2_000);
    const to = { address: ME, port: PORT };
    const first = iptux.send(to, SEND, 'x'.repeat(400) + '\0');
    await clock.flush();
    expect(acksFor(iptux, first)).toHaveLength(1);
    const [kept] = me.received();
    me.engine.handlers['history:pin']({ messageId: kept?.id ?? '', pinned: true });
    // Every window hears of it, not only the one that asked.
    expect(me.of('history:pinned')).toEqual([
      { peerId: `${IPTUX_ADDR}:${PORT}`, messageId: kept?.id, pinned: true },
    ]);
    const second = iptux.send(to, SEND, 'y'.repeat(400) + '\0');
    await clock.flush();
    expect(acksFor(iptux, second)).toEqual([]);
    expect(me.of('engine:error').map((e) => e.code)).toContain('history-full');
    // Unpinned, the next try of the same message evicts the old one and is taken in once.
    me.engine.handlers['history:pin']({ messageId: kept?.id ?? '', pinned: false });
    iptux.send(to, SEND, 'y'.repeat(400) + '\0', second);
    await clock.flush();
    expect(acksFor(iptux, second)).toHaveLength(1);
    expect(me.received().map((m) => m.text[0])).toEqual(['x', 'y']);
    await me.engine.stop();
  });

  it('deletes a conversation from the cache, the history and the index', async () => {
    const dir = tempDir();
    const { clock, me, iptux } = await setup(dir);
    iptux.send({ address: ME, port: PORT }, SEND, 'secret plan\0');
    await clock.flush();
    const peerId = `${IPTUX_ADDR}:${PORT}`;
    expect(me.engine.handlers['history:delete']({ peerId })).toEqual({ deleted: 1 });
    expect(me.engine.handlers['chat:history']({ peerId }).messages).toEqual([]);
    expect(me.engine.handlers['history:search']({ text: 'secret' })).toEqual([]);
    expect(me.engine.handlers['chat:conversations']()).toEqual([]);
    await me.engine.stop();
  });

  it('tells every window what was deleted (history:deleted), and the unread counts that change', async () => {
    const dir = tempDir();
    const { clock, me, iptux } = await setup(dir);
    for (const text of ['one', 'two', 'three', 'four']) {
      iptux.send({ address: ME, port: PORT }, SEND, `${text}\0`);
      await clock.flush();
    }
    const peerId = `${IPTUX_ADDR}:${PORT}`;
    const ids = me.received().map((m) => m.id);
    expect(me.of('chat:unread').at(-1)).toEqual({ peerId, unread: 4, total: 4 });
    me.engine.handlers['chat:mark-read']({ peerId });
    iptux.send({ address: ME, port: PORT }, SEND, 'five\0');
    await clock.flush();
    expect(me.of('chat:unread').at(-1)).toEqual({ peerId, unread: 1, total: 1 });
    const deletedEvents = () => me.of('history:deleted');
    const unreadEvents = () => me.of('chat:unread').length;

    // Read already: the event, and the unread count stays.
    let before = unreadEvents();
    const del = (req: Parameters<(typeof me.engine.handlers)['history:delete']>[0]) =>
      me.engine.handlers['history:delete'](req);
    expect(del({ messageId: ids[1] ?? '' })).toEqual({ deleted: 1 });
    expect(deletedEvents().at(-1)).toEqual({ scope: 'message', peerId, messageIds: [ids[1]] });
    expect(unreadEvents()).toBe(before);
    // Still unread: the count comes down with it.
    const five = me.received().at(-1)?.id ?? '';
    expect(del({ messageId: five })).toEqual({ deleted: 1 });
    expect(me.of('chat:unread').at(-1)).toEqual({ peerId, unread: 0, total: 0 });
    // Unknown: nothing deleted, nothing told.
    before = deletedEvents().length;
    expect(del({ messageId: 'no-such' })).toEqual({ deleted: 0 });
    expect(deletedEvents()).toHaveLength(before);

    iptux.send({ address: ME, port: PORT }, SEND, 'six\0');
    await clock.flush();
    expect(del({ peerId })).toEqual({ deleted: 4 });
    expect(deletedEvents().at(-1)).toEqual({ scope: 'conversation', peerId });
    expect(me.of('chat:unread').at(-1)).toEqual({ peerId, unread: 0, total: 0 });

    iptux.send({ address: ME, port: PORT }, SEND, 'seven\0');
    await clock.flush();
    expect(await del({ all: true })).toEqual({ deleted: 1 });
    expect(deletedEvents().at(-1)).toEqual({ scope: 'all' });
    expect(me.of('chat:unread').at(-1)).toEqual({ peerId, unread: 0, total: 0 });
    expect(me.engine.handlers['chat:conversations']()).toEqual([]);
    await me.engine.stop();
  });

  it('exports a conversation as HTML with the peer text escaped', async () => {
    const dir = tempDir();
    const { clock, me, iptux } = await setup(dir);
    iptux.send({ address: ME, port: PORT }, SEND, '<img src=x onerror=alert(1)>\0');
    await clock.flush();
    const peerId = `${IPTUX_ADDR}:${PORT}`;
    const html = me.engine.handlers['history:export']({ peerId, format: 'html' }).text;
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
    const json = JSON.parse(me.engine.handlers['history:export']({ peerId, format: 'json' }).text);
    expect(json).toMatchObject([{ text: '<img src=x onerror=alert(1)>', direction: 'in' }]);
    const text = me.engine.handlers['history:export']({ peerId, format: 'text' }).text;
    expect(text).toMatch(
      /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] .+: <img src=x onerror=alert\(1\)>$/m,
    );
    await me.engine.stop();
  });

  it('names a conversation by what the history remembers until its peer announces itself again', async () => {
    const dir = tempDir();
    const { clock, me, iptux } = await setup(dir);
    const ENTRY = makeCommand(Mode.BR_ENTRY, Opt.CAPUTF8OPT);
    iptux.send({ address: ME, port: PORT }, ENTRY, '阿明\0研发部\0');
    iptux.send({ address: ME, port: PORT }, SEND, '明天开会\0');
    await clock.flush();
    const peerId = `${IPTUX_ADDR}:${PORT}`;
    // Heard from since the start: the live table names it, the summary carries nothing more.
    expect(me.engine.handlers['chat:conversations']()[0]?.remembered).toBeUndefined();
    await me.engine.stop();

    const again = await setup(dir);
    const [summary] = again.me.engine.handlers['chat:conversations']();
    expect(summary?.remembered).toMatchObject({
      id: peerId,
      address: IPTUX_ADDR,
      port: PORT,
      nick: '阿明',
      group: '研发部',
      client: 'iptux',
      online: false,
      announced: false,
    });
    // Only a name: the live table (what is sent to and answered) does not have it.
    expect(again.me.engine.handlers['peers:list']()).toEqual([]);
    again.iptux.send({ address: ME, port: PORT }, ENTRY, '阿明\0研发部\0');
    await again.clock.flush();
    expect(again.me.engine.handlers['chat:conversations']()[0]?.remembered).toBeUndefined();
    expect(again.me.engine.handlers['peers:list']()[0]).toMatchObject({
      nick: '阿明',
      online: true,
    });
    await again.me.engine.stop();
  });
});
