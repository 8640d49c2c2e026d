import { describe, expect, it } from 'vitest';
import { Mode, Opt, hasOpt, makeCommand, modeOf } from '../../../shared/protocol';
import { FakeClock } from '../testing/fake-clock';
import { FakeNetwork, dropWhere, modeIs, packetOf } from '../testing/fake-network';
import { startEngine } from '../testing/engine-harness';
import { IPTUX, ScriptedPeer } from '../testing/scripted-peer';
import { READMSG_RETRIES, READMSG_RETRY_MS } from './sealed';

/**
 * Sealed messages as IP Messenger has them: SECRETOPT|READCHECKOPT out, READMSG back when the
 * recipient opens it (repeated until ANSREADMSG), "opened" on the sender's side.
 */

const A = '10.0.0.1';
const B = '10.0.0.2';

async function pair() {
  const clock = new FakeClock();
  const net = new FakeNetwork(clock);
  const a = await startEngine(net, A, { nick: 'alice' });
  const b = await startEngine(net, B, { nick: 'bob' });
  return { clock, net, a, b };
}

const sent = (net: FakeNetwork, from: string) =>
  net.sentFrom(from).flatMap((d) => packetOf(d) ?? []);

const sendSealed = (node: Awaited<ReturnType<typeof startEngine>>, to: string, text: string) =>
  must(node.engine.handlers['chat:send']({ to: [to], text, sealed: true }).ids[0]);

describe('sealed messages between two Pigeons', () => {
  it('arrive with their text withheld, open on request, and show opened to the sender', async () => {
    const { clock, net, a, b } = await pair();
    const id = sendSealed(a, b.id, 'the secret');
    await clock.flush();
    // On the wire: SENDMSG|SENDCHECKOPT|SECRETOPT|READCHECKOPT.
    const wire = sent(net, A).find((p) => modeOf(p.command) === Mode.SENDMSG);
    expect(hasOpt(must(wire).command, Opt.SECRETOPT | Opt.READCHECKOPT | Opt.SENDCHECKOPT)).toBe(
      true,
    );
    expect(a.message(id)?.sealed).toEqual({ openedAt: null });
    expect(a.message(id)?.delivery?.state).toBe('delivered');

    // Bob sees a sealed message, without its text, in the event, the history and the summary.
    const [got] = b.received();
    expect(got).toMatchObject({ text: '', sealed: { openedAt: null } });
    expect(b.engine.handlers['chat:history']({ peerId: a.id }).messages[0]?.text).toBe('');
    expect(b.engine.handlers['chat:conversations']()[0]?.last?.text).toBe('');

    await clock.advance(5000);
    const opened = b.engine.handlers['chat:open-sealed']({ messageId: must(got).id });
    expect(opened.text).toBe('the secret');
    expect(opened.sealed?.openedAt).toBeTypeOf('number');
    expect(b.of('chat:opened')).toEqual([
      {
        messageId: must(got).id,
        peerId: a.id,
        openedAt: opened.sealed?.openedAt,
        text: 'the secret',
      },
    ]);
    expect(b.engine.handlers['chat:history']({ peerId: a.id }).messages[0]?.text).toBe(
      'the secret',
    );
    await clock.flush();

    // Alice hears of it once; her ANSREADMSG stops Bob's repeats.
    expect(a.of('chat:opened')).toEqual([
      { messageId: id, peerId: b.id, openedAt: expect.any(Number) as number },
    ]);
    await clock.advance(READMSG_RETRY_MS * (READMSG_RETRIES + 2));
    const reads = sent(net, B).filter((p) => modeOf(p.command) === Mode.READMSG);
    expect(reads).toHaveLength(1);
    expect(hasOpt(must(reads[0]).command, Opt.READCHECKOPT)).toBe(true);
    // Opening twice is refused: there is nothing left to open.
    expect(() => b.engine.handlers['chat:open-sealed']({ messageId: must(got).id })).toThrow(
      /no sealed message/,
    );
  });

  it('an unopened one is neither found by its words nor exported; opened, it is, and stays so', async () => {
    const { clock, a, b } = await pair();
    sendSealed(a, b.id, 'quarterly secret 季度密报');
    await clock.flush();
    const [got] = b.received();
    const search = (text: string) =>
      b.engine.handlers['history:search']({ text }).map((h) => h.message.id);
    const exported = () =>
      b.engine.handlers['history:export']({ peerId: a.id, format: 'text' }).text;
    expect(search('quarterly')).toEqual([]);
    expect(search('密报')).toEqual([]);
    expect(exported()).not.toContain('secret');
    b.engine.handlers['chat:open-sealed']({ messageId: must(got).id });
    expect(search('quarterly')).toEqual([must(got).id]);
    expect(search('密报')).toEqual([must(got).id]);
    expect(exported()).toContain('quarterly secret');
    // The history keeps it opened: a page read from the store shows the text.
    expect(b.engine.handlers['chat:history']({ peerId: a.id }).messages[0]?.sealed).toEqual({
      openedAt: expect.any(Number) as number,
    });
  });

  it('repeats READMSG every 750 ms, 12 times in all, while no ANSREADMSG comes', async () => {
    const { clock, net, a, b } = await pair();
    sendSealed(a, b.id, 'x');
    await clock.flush();
    net.use(dropWhere(modeIs(Mode.ANSREADMSG)));
    b.engine.handlers['chat:open-sealed']({ messageId: must(b.received()[0]).id });
    await clock.advance(READMSG_RETRY_MS * (READMSG_RETRIES + 5));
    const reads = sent(net, B).filter((p) => modeOf(p.command) === Mode.READMSG);
    expect(reads).toHaveLength(READMSG_RETRIES);
    // Alice marked it opened once, whatever the repeats.
    expect(a.of('chat:opened')).toHaveLength(1);
  });

  it('a READMSG from anywhere but the recipient does not mark ours opened', async () => {
    const { clock, net, a, b } = await pair();
    const id = sendSealed(a, b.id, 'x');
    await clock.flush();
    const no = must(sent(net, A).find((p) => modeOf(p.command) === Mode.SENDMSG)).packetNo;
    const forger = await ScriptedPeer.start(net, '10.0.0.66', IPTUX);
    forger.send({ address: A, port: 2425 }, Mode.READMSG, `${no}\0`);
    // Nor a READMSG from the recipient naming a number we never sent it.
    net.inject(
      forger.datagram(Mode.READMSG, `${no + 999}\0`, 5),
      { address: B, port: 2425 },
      {
        address: A,
        port: 2425,
      },
    );
    await clock.flush();
    expect(a.of('chat:opened')).toEqual([]);
    expect(a.message(id)?.sealed).toEqual({ openedAt: null });
  });

  it('to iptux: the sealed bits go out as IP Messenger sends them; iptux never says opened', async () => {
    const clock = new FakeClock();
    const net = new FakeNetwork(clock);
    const a = await startEngine(net, A, { nick: 'alice' });
    const iptux = await ScriptedPeer.start(net, '10.0.0.10', IPTUX);
    iptux.autoAck();
    iptux.send({ address: A, port: 2425 }, 257, 'tux\0lab\0icon\0utf-8\0');
    await clock.flush();
    const id = sendSealed(a, '10.0.0.10:2425', '悄悄话');
    await clock.advance(10_000);
    const msg = must(iptux.inboxOf(Mode.SENDMSG)[0]).packet;
    expect(hasOpt(msg.command, Opt.SENDCHECKOPT | Opt.SECRETOPT | Opt.READCHECKOPT)).toBe(true);
    expect(hasOpt(msg.command, Opt.AUTORETOPT)).toBe(false);
    expect(a.message(id)).toMatchObject({
      sealed: { openedAt: null },
      delivery: { state: 'delivered' },
    });
  });

  it('a sealed message from IP Messenger without READCHECKOPT gets a plain READMSG, once', async () => {
    const clock = new FakeClock();
    const net = new FakeNetwork(clock);
    const a = await startEngine(net, A, { nick: 'alice' });
    const ipmsg = await ScriptedPeer.start(net, '10.0.0.30', IPTUX);
    const no = ipmsg.send(
      { address: A, port: 2425 },
      makeCommand(Mode.SENDMSG, Opt.SENDCHECKOPT, Opt.SECRETOPT),
      'sealed only\0',
    );
    await clock.flush();
    const [got] = a.received();
    expect(got).toMatchObject({ text: '', sealed: { openedAt: null } });
    a.engine.handlers['chat:open-sealed']({ messageId: must(got).id });
    await clock.advance(READMSG_RETRY_MS * 4);
    const reads = ipmsg.inboxOf(Mode.READMSG).map((r) => r.packet);
    expect(reads).toHaveLength(1);
    expect(hasOpt(must(reads[0]).command, Opt.READCHECKOPT)).toBe(false);
    expect(new TextDecoder().decode(must(reads[0]).extra).replace(/\0.*$/, '')).toBe(String(no));
  });
});

/** The value a test expects to be there (a clear failure when it is not). */
function must<T>(value: T | undefined | null): T {
  if (value === undefined || value === null) throw new Error('expected a value');
  return value;
}
