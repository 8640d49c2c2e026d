import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canUseNamespaces, createLan, openUdp, type Lan } from '../../../e2e/lab/netns-lan';
import { createEngine } from '../engine';
import { UdpSocket } from '../io/udp-socket';
import { runEcho } from '../run-echo';
import { defaultSettings } from '../settings/settings';
import {
  buildCli,
  echoDone,
  eventsOf,
  jsonLines,
  resultOf,
  runPigeon,
  servePigeon,
  spawnPigeon,
  spawnPython,
  waitForUdpPort,
  type PigeonProcess,
} from './testing/cli-in-netns';
import { DelaySocket } from './testing/delay-socket';
import { DELAY_RELAY, NAIVE_ECHO_SERVER } from './testing/python-udp';

/**
 * Echo over real sockets. Loss is injected with nftables on the receiving side's input hook
 * (numgen random), delay and jitter with a Python relay (raw mode) or the engine's injectable
 * socket (pigeon mode, on loopback). Measured loss must match the injected loss within four
 * binomial standard deviations, sqrt(p(1-p)/n): a false failure about once in 16000 runs.
 */
const can = canUseNamespaces();

const tolerance = (p: number, n: number) => 4 * Math.sqrt((p * (1 - p)) / n);

function report(what: string, figures: Record<string, unknown>): void {
  console.log(`[echo figures] ${what}: ${JSON.stringify(figures)}`);
}

describe.skipIf(!can.ok)('echo in network namespaces', () => {
  let lan: Lan;
  let b: { ip: string };
  let c: { ip: string };
  let serveB: PigeonProcess;

  beforeAll(async () => {
    [lan] = await Promise.all([createLan({ hosts: ['a', 'b', 'c'] }), buildCli()]);
    b = lan.host('b');
    c = lan.host('c');
    serveB = await servePigeon(lan, 'b', ['--broadcast', lan.broadcast]);
    await servePigeon(lan, 'c', ['--broadcast', lan.broadcast]);
  });

  afterAll(async () => {
    await lan?.destroy();
  });

  it('pigeon echo: measured loss matches 20 % dropped on the receiver', async () => {
    await lan.addInputLoss('b', 20, { udpPort: 2425 });
    try {
      const n = 1000;
      const r = await runPigeon(lan, 'a', [
        'echo',
        '--to',
        b.ip,
        '--count',
        String(n),
        '--interval',
        '2',
        '--timeout',
        '1000',
        '--broadcast',
        lan.broadcast,
        '--json',
      ]);
      const { stats: s, runId } = echoDone(r);
      report('pigeon, 20% input loss at b', {
        n,
        loss: s.loss,
        tolerance: tolerance(0.2, n),
        rtt_ms: s.rttMs,
      });
      expect(r.code).toBe(0);
      expect(s.sent).toBe(n);
      expect(Math.abs(s.loss - 0.2)).toBeLessThanOrEqual(tolerance(0.2, n));
      expect(s.duplicates).toBe(0);
      // The JSON lines are this run's echo:started, echo:progress and echo:done events, nothing
      // else; the progress events carry every probe's outcome once.
      const channels = jsonLines(r).map((l) => ('event' in l ? l.event : l.channel));
      expect(new Set(channels)).toEqual(new Set(['echo:started', 'echo:progress', 'echo:done']));
      expect(eventsOf(r, 'echo:started')).toEqual([
        expect.objectContaining({ runId, mode: 'pigeon', count: n }),
      ]);
      const progress = eventsOf(r, 'echo:progress');
      expect(progress.every((p) => p.runId === runId)).toBe(true);
      const decided = progress.flatMap((p) => p.probes).filter((p) => p.kind !== 'late');
      expect(decided.filter((p) => p.kind === 'reply')).toHaveLength(s.received);
      expect(decided.filter((p) => p.kind === 'lost')).toHaveLength(s.lost);
    } finally {
      await lan.clearLoss('b');
    }
    expect(serveB.child.exitCode).toBeNull();
  });

  it('loss on both sides compounds, and probing back measures the way back alone', async () => {
    await lan.addInputLoss('a', 10, { udpPort: 2425 });
    await lan.addInputLoss('b', 10, { udpPort: 2425 });
    try {
      const n = 1000;
      const back = 100;
      const r = await runPigeon(lan, 'a', [
        'echo',
        '--to',
        b.ip,
        '--count',
        String(n),
        '--interval',
        '2',
        '--timeout',
        '1000',
        '--back',
        String(back),
        '--broadcast',
        lan.broadcast,
        '--json',
      ]);
      const { stats: s, reverse } = echoDone(r);
      const expected = 1 - 0.9 * 0.9;
      report('pigeon, 10% input loss at a and b', {
        n,
        loss: s.loss,
        expected,
        tolerance: tolerance(expected, n),
        reverse,
        reverse_tolerance: tolerance(0.1, back),
      });
      expect(Math.abs(s.loss - expected)).toBeLessThanOrEqual(tolerance(expected, n));
      expect(reverse?.granted).toBe(back);
      // the probes sent back cross only a's input: 10 % lost
      expect(Math.abs((reverse?.loss ?? 1) - 0.1)).toBeLessThanOrEqual(tolerance(0.1, back));
    } finally {
      await lan.clearLoss('a');
      await lan.clearLoss('b');
    }
  });

  it('echo --json prints only its own echo:* events, even when someone turns up meanwhile', async () => {
    // A visitor in c announces itself again and again (a new nick each time) while a measures
    // b: a's engine hears peers arrive and change, which are not the run's to print.
    const visitor = await openUdp(lan, 'c', { port: 40_002 });
    let running = true;
    const run = runPigeon(lan, 'a', [
      'echo',
      '--to',
      b.ip,
      '--count',
      '30',
      '--interval',
      '50',
      '--broadcast',
      lan.broadcast,
      '--json',
    ]).finally(() => (running = false));
    try {
      for (let i = 0; running; i++) {
        const entry = `1:${90_000 + i}:visitor:vhost:1:visitor ${i}\0lab\0`;
        await visitor.send(lan.host('a').ip, 2425, entry).catch(() => undefined);
        await new Promise((r) => setTimeout(r, 100));
      }
      const r = await run;
      // A one-shot echo tells only its target about itself (README: each command's presence),
      // so the visitor's entries get no ANSENTRY (mode 3) from a...
      const mode = (d: { data: Buffer }) => Number(d.data.toString('latin1').split(':')[4]) & 0xff;
      expect(visitor.received.filter((d) => mode(d) === 3)).toEqual([]);
      // ...and the stream is only the run: started, progress, done.
      const channels = jsonLines(r).map((l) => ('event' in l ? l.event : l.channel));
      expect(new Set(channels)).toEqual(new Set(['echo:started', 'echo:progress', 'echo:done']));
      expect(echoDone(r).stats).toMatchObject({ sent: 30, received: 30 });
    } finally {
      await visitor.close();
    }
  });

  it('raw mode: a naive Python echo server survives the default probe, and loss is measured', async () => {
    spawnPython(lan, 'b', NAIVE_ECHO_SERVER, ['7007']);
    await waitForUdpPort(lan, 'b', 7007);
    const plain = echoDone(
      await runPigeon(lan, 'a', [
        'echo',
        '--mode',
        'raw',
        '--to',
        `${b.ip}:7007`,
        '--count',
        '5',
        '--interval',
        '20',
        '--json',
      ]),
    );
    expect(plain.stats).toMatchObject({ sent: 5, received: 5, altered: 0, loss: 0 });
    await lan.addInputLoss('b', 10, { udpPort: 7007 });
    try {
      const n = 1000;
      const { stats: s } = echoDone(
        await runPigeon(lan, 'a', [
          'echo',
          '--mode',
          'raw',
          '--to',
          `${b.ip}:7007`,
          '--count',
          String(n),
          '--interval',
          '2',
          '--timeout',
          '1000',
          '--json',
        ]),
      );
      report('raw, 10% input loss at the echo server', {
        n,
        loss: s.loss,
        tolerance: tolerance(0.1, n),
      });
      expect(Math.abs(s.loss - 0.1)).toBeLessThanOrEqual(tolerance(0.1, n));
      expect(s.altered).toBe(0);
    } finally {
      await lan.clearLoss('b');
    }
  });

  it('raw mode: delay and jitter added by a relay show in the round trips', async () => {
    spawnPython(lan, 'b', NAIVE_ECHO_SERVER, ['7008']);
    spawnPython(lan, 'c', DELAY_RELAY, ['7100', b.ip, '7008', '10', '5']);
    await waitForUdpPort(lan, 'b', 7008);
    await waitForUdpPort(lan, 'c', 7100);
    const r = await runPigeon(lan, 'a', [
      'echo',
      '--mode',
      'raw',
      '--to',
      `${c.ip}:7100`,
      '--count',
      '200',
      '--interval',
      '20',
      '--json',
    ]);
    const { stats: s } = echoDone(r);
    report('raw through a relay adding 10 +- 5 ms each way', {
      rtt_ms: s.rttMs,
      jitter_ms: s.jitterMs,
      received: s.received,
    });
    expect(s.received).toBe(200);
    // two legs of U(5, 15) ms: RTT in [10, 30] plus the path; mean 20; jitter of the order of 5.
    // The upper bounds catch a delay counted twice (mean 40) while leaving room for a loaded
    // machine's late timers (seen: a mean of 24.7 with the CPUs busy).
    expect(s.rttMs?.min).toBeGreaterThanOrEqual(10);
    expect(s.rttMs?.avg).toBeGreaterThan(19);
    expect(s.rttMs?.avg).toBeLessThan(30);
    expect(s.rttMs?.p95).toBeLessThan(38);
    expect(s.jitterMs).toBeGreaterThan(2.5);
    expect(s.jitterMs).toBeLessThan(8);
  });

  it('size sweep: finds the MTU when fragments are dropped, and caps messages to that peer', async () => {
    await lan.exec('a', 'ip', ['link', 'set', 'eth0', 'mtu', '1200'], { check: true });
    await lan.exec('b', 'nft', ['-f', '-'], {
      check: true,
      input: [
        'table inet pigeon_frag {',
        '  chain pre {',
        '    type filter hook prerouting priority -500; policy accept;',
        '    ip frag-off & 0x3fff != 0 counter drop',
        '  }',
        '}',
        '',
      ].join('\n'),
    });
    try {
      const r = await runPigeon(lan, 'a', [
        'echo',
        '--to',
        b.ip,
        '--sweep',
        '--broadcast',
        lan.broadcast,
        '--json',
      ]);
      const s = resultOf(r, 'echo:sweep');
      // Each size tried was told as it was decided (echo:sweep-progress), as the answer lists.
      expect(eventsOf(r, 'echo:sweep-progress').map((e) => e.step)).toEqual(s.steps);
      report('sweep, a mtu 1200, fragments dropped at b', {
        largest: s.largestPassing,
        failing: s.smallestFailing,
        path: s.path,
        applied: s.appliedLimit,
        steps: s.steps.length,
      });
      expect(s).toMatchObject({
        largestPassing: 1172,
        smallestFailing: 1173,
        path: { interface: 'eth0', mtu: 1200, unfragmentedMax: 1172 },
        fragmented: false,
        appliedLimit: 1172,
      });
    } finally {
      await lan.exec('b', 'nft', ['delete', 'table', 'inet', 'pigeon_frag']);
      await lan.exec('a', 'ip', ['link', 'set', 'eth0', 'mtu', '1500']);
    }
    // without the filter, fragments pass: the largest size tried gets through, in fragments
    const s = resultOf(
      await runPigeon(lan, 'a', [
        'echo',
        '--to',
        b.ip,
        '--sweep',
        '--max',
        '4000',
        '--broadcast',
        lan.broadcast,
        '--json',
      ]),
      'echo:sweep',
    );
    expect(s).toMatchObject({
      largestPassing: 4000,
      smallestFailing: null,
      fragmented: true,
      appliedLimit: null,
    });
  });

  it('broadcast reach lists who answered, per interface', async () => {
    const r = await runPigeon(lan, 'a', [
      'echo',
      '--reach',
      '--broadcast',
      lan.broadcast,
      '--json',
    ]);
    const s = resultOf(r, 'echo:reach');
    const eth0 = s.interfaces.find((i) => i.name === 'eth0');
    expect(eth0?.responders.map((x) => x.address).sort()).toEqual([b.ip, c.ip].sort());
    expect(r.code).toBe(0);
  });

  it('ipmsg ping works against a Pigeon too (it answers every entry)', async () => {
    const { stats: s } = echoDone(
      await runPigeon(lan, 'a', [
        'echo',
        '--to',
        b.ip,
        '--mode',
        'ipmsg',
        '--count',
        '5',
        '--interval',
        '200',
        '--broadcast',
        lan.broadcast,
        '--json',
      ]),
    );
    expect(s).toMatchObject({ sent: 5, received: 5, duplicates: 0 });
  });

  it('`pigeon echo-server` is what the raw mode measures', async () => {
    const server = await spawnPigeon(lan, 'b', ['echo-server', '--port', '7010'], { data: false });
    await waitForUdpPort(lan, 'b', 7010);
    const { stats: s } = echoDone(
      await runPigeon(lan, 'a', [
        'echo',
        '--mode',
        'raw',
        '--to',
        `${b.ip}:7010`,
        '--count',
        '50',
        '--interval',
        '5',
        '--size',
        '1400',
        '--json',
      ]),
    );
    expect(s).toMatchObject({ sent: 50, received: 50, altered: 0 });
    server.child.kill('SIGINT');
    await new Promise((r) => server.child.once('exit', r));
    expect(server.stderr()).toContain('50 received, 50 echoed');
  });

  it('exits 1 when nothing comes back', async () => {
    const r = await runPigeon(lan, 'a', [
      'echo',
      '--mode',
      'raw',
      '--to',
      `${b.ip}:9999`,
      '--count',
      '2',
      '--interval',
      '50',
      '--timeout',
      '300',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('2 sent, 0 received, 100.0% loss');
  });
});

describe('pigeon echo with delay from the engine’s injectable socket (loopback)', () => {
  it('shows the delay and the jitter in the round trips', async () => {
    const port = 42_431;
    const slow = () => new DelaySocket(new UdpSocket(), () => 10 + Math.random() * 10);
    const make = (address: string, peer: string) =>
      createEngine(
        defaultSettings({
          nick: address,
          bind: address,
          port,
          broadcast: [peer],
          dataDir: '/nonexistent',
          user: 't',
          host: address,
        }),
        { socket: slow(), tcp: false, entryRepeatMs: 0 },
      );
    const x = make('127.0.0.21', '127.0.0.22');
    const y = make('127.0.0.22', '127.0.0.21');
    await x.start();
    await y.start();
    try {
      const r = await runEcho(x, { to: '127.0.0.22', count: 100, intervalMs: 20 });
      report('pigeon on loopback, both sides send after U(10, 20) ms', {
        rtt: r.stats.rttMs,
        jitter: r.stats.jitterMs,
      });
      expect(r.stats.received).toBe(100);
      // two legs of U(10, 20): RTT in [20, 40], mean 30. Node's timers count whole
      // milliseconds of loop time, so setTimeout(10.9) may fire after 9.4 ms of
      // performance.now(): each leg can come up to 1.6 ms short.
      expect(r.stats.rttMs?.min).toBeGreaterThanOrEqual(20 - 2 * 1.6);
      expect(r.stats.rttMs?.avg).toBeGreaterThan(28);
      // A delay counted twice would give a mean of 60; a loaded machine's late timers add a
      // few ms (seen: 36.1 with the CPUs busy).
      expect(r.stats.rttMs?.avg).toBeLessThan(42);
      expect(r.stats.jitterMs).toBeGreaterThan(2.5);
    } finally {
      await x.stop();
      await y.stop();
    }
  });
});
