import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canUseNamespaces, createLan, openUdp, type Lan, type UdpEndpoint } from './netns-lan';

const can = canUseNamespaces();
if (!can.ok) console.warn(`[netns-lan] skipped: ${can.reason}`);

const PORT = 47_999;

function netnsList(): string[] {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n !== '');
}

describe.skipIf(!can.ok)(`netns LAN fixture${can.ok ? '' : ` (skipped: ${can.reason})`}`, () => {
  let lanRef: Lan | undefined;
  const lan = (): Lan => {
    if (!lanRef) throw new Error('LAN not created');
    return lanRef;
  };
  const endpoints: Partial<Record<'a' | 'b' | 'c', UdpEndpoint>> = {};
  const ep = (name: 'a' | 'b' | 'c'): UdpEndpoint => {
    const e = endpoints[name];
    if (!e) throw new Error(`no endpoint in ${name}`);
    return e;
  };

  beforeAll(async () => {
    lanRef = await createLan({ hosts: ['a', 'b', 'c'] });
    const [a, b, c] = await Promise.all([
      openUdp(lanRef, 'a', { port: PORT }),
      openUdp(lanRef, 'b', { port: PORT }),
      openUdp(lanRef, 'c', { port: PORT }),
    ]);
    Object.assign(endpoints, { a, b, c });
  });

  afterAll(async () => {
    await lanRef?.destroy();
  });

  it('builds one switch and three isolated IPv4-only hosts', async () => {
    const l = lan();
    expect(l.prefix).toMatch(/^pg[0-9a-z]{5}$/);
    expect(l.hosts.map((h) => [h.name, h.ns, h.ip])).toEqual([
      ['a', `${l.prefix}-a`, '198.18.0.10'],
      ['b', `${l.prefix}-b`, '198.18.0.11'],
      ['c', `${l.prefix}-c`, '198.18.0.12'],
    ]);
    expect(l.broadcast).toBe('198.18.0.255');
    const names = netnsList();
    for (const ns of [l.switchNs, ...l.hosts.map((h) => h.ns)]) expect(names).toContain(ns);

    // the switch: three veth ports on br0, no address apart from loopback
    const ports = JSON.parse(
      execFileSync('ip', ['-j', '-n', l.switchNs, 'link', 'show', 'master', 'br0'], {
        encoding: 'utf8',
      }),
    ) as { ifname: string }[];
    expect(ports.map((p) => p.ifname).sort()).toEqual(['sw-a', 'sw-b', 'sw-c']);
    expect(
      execFileSync('ip', ['-n', l.switchNs, '-4', 'addr', 'show', 'scope', 'global'], {
        encoding: 'utf8',
      }),
    ).toBe('');

    for (const h of l.hosts) {
      const links = JSON.parse(
        (await l.exec(h, 'ip', ['-j', 'link', 'show'], { check: true })).stdout,
      ) as { ifname: string }[];
      expect(links.map((x) => x.ifname).sort()).toEqual(['eth0', 'lo']);
      const addr = await l.exec(h, 'ip', ['-4', '-o', 'addr', 'show', 'dev', 'eth0']);
      expect(addr.stdout).toContain(`inet ${h.ip}/24 brd 198.18.0.255`);
      const routes = (await l.exec(h, 'ip', ['-4', 'route', 'show', 'table', 'all'])).stdout;
      expect(routes).not.toMatch(/^default/m);
      expect(routes).toMatch(/^255\.255\.255\.255 dev eth0/m);
      // route look-ups only (nothing is sent): the outside is unreachable
      expect((await l.exec(h, 'ip', ['route', 'get', '192.0.2.1'])).code).not.toBe(0);
      const v6 = await l.exec(h, 'cat', ['/proc/sys/net/ipv6/conf/all/disable_ipv6']);
      expect(v6.stdout.trim()).toBe('1');
    }
  });

  it('delivers subnet broadcast, limited broadcast and unicast', async () => {
    const l = lan();
    const a = ep('a');
    const aIp = l.host('a').ip;
    await a.send(l.broadcast, PORT, 'to-subnet-broadcast');
    await a.send('255.255.255.255', PORT, 'to-limited-broadcast');
    await a.send(l.host('b').ip, PORT, 'to-b');
    for (const name of ['b', 'c'] as const) {
      for (const text of ['to-subnet-broadcast', 'to-limited-broadcast']) {
        const d = await ep(name).waitFor((x) => x.data.toString() === text, 3000);
        expect(d.from).toBe(aIp);
        expect(d.port).toBe(PORT);
      }
    }
    expect((await ep('b').waitFor((x) => x.data.toString() === 'to-b', 3000)).from).toBe(aIp);
    await ep('c').settle(200);
    expect(ep('c').received.some((x) => x.data.toString() === 'to-b')).toBe(false);
  });

  it('drops about half of 400 datagrams with 50 % input loss, none after clearLoss', async () => {
    const l = lan();
    const a = ep('a');
    const b = ep('b');
    const bIp = l.host('b').ip;
    await l.addInputLoss('b', 50, { udpPort: PORT });
    const tag = (i: number, phase: string) => `${phase}-${i}`;
    for (let i = 0; i < 400; i++) await a.send(bIp, PORT, tag(i, 'loss'));
    await b.settle(300);
    const got = b.received.filter((d) => d.data.toString().startsWith('loss-')).length;
    // binomial(400, 0.5): sd 10, so 140..260 is +-6 sd
    expect(got).toBeGreaterThanOrEqual(140);
    expect(got).toBeLessThanOrEqual(260);

    await l.clearLoss('b');
    await l.clearLoss('b'); // idempotent
    for (let i = 0; i < 50; i++) await a.send(bIp, PORT, tag(i, 'clear'));
    await b.settle(300);
    expect(b.received.filter((d) => d.data.toString().startsWith('clear-')).length).toBe(50);
  });

  it('blockInput blocks only the named direction and source', async () => {
    const l = lan();
    const [aIp, bIp, cIp] = [l.host('a').ip, l.host('b').ip, l.host('c').ip];
    await l.blockInput('b', aIp, 'udp', PORT);

    await ep('a').send(bIp, PORT, 'a-to-b-blocked');
    await ep('c').send(bIp, PORT, 'c-to-b');
    await ep('b').send(aIp, PORT, 'b-to-a');
    expect((await ep('a').waitFor((d) => d.data.toString() === 'b-to-a', 3000)).from).toBe(bIp);
    expect((await ep('b').waitFor((d) => d.data.toString() === 'c-to-b', 3000)).from).toBe(cIp);
    await ep('b').settle(300);
    expect(ep('b').received.some((d) => d.data.toString() === 'a-to-b-blocked')).toBe(false);

    await l.unblock('b');
    await l.unblock('b'); // idempotent
    await ep('a').send(bIp, PORT, 'a-to-b-open');
    expect((await ep('b').waitFor((d) => d.data.toString() === 'a-to-b-open', 3000)).from).toBe(
      aIp,
    );
  });

  it('destroy kills what it spawned, removes every namespace, and is idempotent', async () => {
    const l = lan();
    const sleeper = l.spawn('c', 'sleep', ['300']);
    const spawned = new Promise<void>((resolve) => sleeper.once('spawn', () => resolve()));
    await spawned;
    const ours = [l.switchNs, ...l.hosts.map((h) => h.ns)];

    await Promise.all([l.destroy(), l.destroy()]);
    await l.destroy();

    expect(l.destroyed).toBe(true);
    expect(sleeper.exitCode !== null || sleeper.signalCode !== null).toBe(true);
    const left = netnsList();
    for (const ns of ours) expect(left).not.toContain(ns);
    expect(left.filter((n) => n.startsWith(`${l.prefix}-`))).toEqual([]);
    await expect(l.exec('a', 'true')).rejects.toThrow(/destroyed/);
    expect(() => l.spawn('a', 'true')).toThrow(/destroyed/);
  });
});
