import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRunIptux, startIptux, type Iptux } from './iptux';
import { createLan, openUdp, type Lan, type UdpDatagram, type UdpEndpoint } from './netns-lan';

const can = canRunIptux();
if (!can.ok) console.warn(`[iptux] skipped: ${can.reason}`);

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const IPMSG_PORT = 2425;
const BR_ENTRY = 0x01;
const BR_EXIT = 0x02;
const ANSENTRY = 0x03;
const SENDMSG = 0x20;
const RECVMSG = 0x21;
const SENDCHECKOPT = 0x100;

interface Packet {
  version: string;
  packetNo: string;
  user: string;
  host: string;
  command: number;
  extra: Buffer;
}

/** version:packetNo:user:host:command:extra (the extra may hold ':' and NULs). */
function parse(d: UdpDatagram): Packet | undefined {
  const fields: string[] = [];
  let start = 0;
  for (let i = 0; i < 5; i++) {
    const colon = d.data.indexOf(0x3a, start);
    if (colon < 0) return undefined;
    fields.push(d.data.subarray(start, colon).toString('utf8'));
    start = colon + 1;
  }
  const [version = '', packetNo = '', user = '', host = '', command = ''] = fields;
  if (!/^\d+$/.test(command)) return undefined;
  return { version, packetNo, user, host, command: Number(command), extra: d.data.subarray(start) };
}

describe.skipIf(!can.ok)(
  `real iptux in a netns LAN${can.ok ? '' : ` (skipped: ${can.reason})`}`,
  () => {
    let lanRef: Lan | undefined;
    let iptuxRef: Iptux | undefined;
    let peerRef: UdpEndpoint | undefined;
    const lan = (): Lan => lanRef ?? expect.unreachable('no LAN');
    const iptux = (): Iptux => iptuxRef ?? expect.unreachable('iptux did not start');
    const peer = (): UdpEndpoint => peerRef ?? expect.unreachable('no peer socket');
    let ourPacketNo = 1000;

    beforeAll(async () => {
      lanRef = await createLan({ hosts: ['iptux', 'a'] });
      const l = lanRef;
      const iptuxIp = l.host('iptux').ip;
      // a minimal IPMsg peer in host a, on 2425 (iptux always answers to port 2425): it answers
      // BR_ENTRY with ANSENTRY (so iptux lists it as a pal) and acks SENDMSG with RECVMSG
      peerRef = await openUdp(l, 'a', { port: IPMSG_PORT });
      const p = peerRef;
      p.onDatagram((d) => {
        const pkt = parse(d);
        if (!pkt || d.from !== iptuxIp) return;
        const mode = pkt.command & 0xff;
        const head = `1:${ourPacketNo++}:tester:host-a:`;
        if (mode === BR_ENTRY) {
          void p
            .send(d.from, IPMSG_PORT, `${head}${ANSENTRY}:peer-a\0lab\0`)
            .catch(() => undefined);
        } else if (mode === SENDMSG && pkt.command & SENDCHECKOPT) {
          void p.send(d.from, IPMSG_PORT, `${head}${RECVMSG}:${pkt.packetNo}\0`).catch(() => {});
        }
      });
      iptuxRef = await startIptux(l, 'iptux', { nick: 'iptux-peer', group: 'lab' });
    });

    afterAll(async () => {
      await iptuxRef?.stop();
      await lanRef?.destroy();
    });

    it('owns 2425/udp and 2425/tcp in its namespace', async () => {
      const ix = iptux();
      expect(ix.ip).toBe(lan().host('iptux').ip);
      const udp = await lan().exec('iptux', 'ss', ['-H', '-uanp', 'sport = :2425']);
      const tcp = await lan().exec('iptux', 'ss', ['-H', '-tlnp', 'sport = :2425']);
      expect(udp.stdout).toContain(`0.0.0.0:2425`);
      expect(udp.stdout).toContain(`pid=${ix.pid},`);
      expect(tcp.stdout).toContain(`pid=${ix.pid},`);
    });

    it('broadcasts BR_ENTRY on start-up', async () => {
      const ix = iptux();
      const d = await peer().waitFor(
        (x) => x.from === ix.ip && x.data.toString('latin1').startsWith('1_iptux '),
        10_000,
      );
      const pkt = parse(d);
      expect(pkt?.version).toMatch(/^1_iptux \d/);
      expect(pkt?.command).toBe(257); // BR_ENTRY | ABSENCEOPT
      expect(pkt?.host).toBe('iptux'); // its own UTS namespace
      expect(pkt?.extra.toString('utf8')).toBe('iptux-peer\0lab\0icon-tux.png\0utf-8\0');
      // iptux's own DEBUG log: the same entry went to the limited and the subnet broadcast
      const entries = ix.udpLog().filter((x) => x.dir === 'sent' && x.command === 257);
      expect(entries.map((x) => x.peer).sort()).toEqual(['198.18.0.255', '255.255.255.255']);
      expect(entries[0]?.bytes.equals(d.data)).toBe(true);
    });

    it('lists our peer and renders (screenshot)', async () => {
      const ix = iptux();
      const aIp = lan().host('a').ip;
      await ix.waitForDatagram(
        (x) => x.dir === 'received' && x.peer === aIp && (x.command & 0xff) === ANSENTRY,
      );
      // the "Pals Online" counter is refreshed by a timer, a moment after the list itself
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const png = await ix.screenshot(`${ARTIFACTS}iptux-started.png`);
      const bytes = readFileSync(png);
      expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
      expect(bytes.length).toBeGreaterThan(5000);
      const wins = await ix.windows();
      expect(wins.some((w) => w.name === 'Iptux')).toBe(true);
    });

    it('chatSend types UTF-8 (Chinese included) and iptux sends it', async () => {
      const ix = iptux();
      const aIp = lan().host('a').ip;
      const text = 'hello from iptux 你好';
      await ix.chatSend(aIp, text);
      const d = await peer().waitFor(
        (x) => x.from === ix.ip && ((parse(x)?.command ?? 0) & 0xff) === SENDMSG,
        10_000,
      );
      const pkt = parse(d);
      expect(pkt?.command).toBe(SENDMSG | SENDCHECKOPT);
      expect(pkt?.extra.toString('utf8')).toBe(`${text}\0`);
      // the received side of iptux's log: our RECVMSG ack, parsed back from its C-string dump
      const ack = await ix.waitForDatagram((x) => x.dir === 'received' && x.command === RECVMSG);
      expect(ack.bytes.toString('utf8')).toMatch(new RegExp(`:${RECVMSG}:${pkt?.packetNo}\0$`));
      await ix.screenshot(`${ARTIFACTS}iptux-chat.png`);
      expect(ix.chatLog()).toContain(`[STRING]${text}`);
    });

    it('stop() quits gracefully over D-Bus, so iptux sends BR_EXIT', async () => {
      const ix = iptux();
      const { graceful } = await ix.stop();
      expect(graceful).toBe(true);
      expect(ix.running).toBe(false);
      const d = await peer().waitFor(
        (x) => x.from === ix.ip && ((parse(x)?.command ?? 0) & 0xff) === BR_EXIT,
        5000,
      );
      expect(parse(d)?.command).toBe(0x10002); // BR_EXIT | DIALUPOPT
      expect(ix.logText()).toContain('BR_EXIT');
    });
  },
);
