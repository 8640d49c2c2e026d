import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRunIptux, startIptux, type Iptux } from '../../../e2e/lab/iptux';
import { createLan, type Lan } from '../../../e2e/lab/netns-lan';
import { buildCli, echoDone, resultOf, runPigeon } from './testing/cli-in-netns';

/** The IPMsg ping and the doctor against the real iptux (Debian's 0.8.3), headless. */
const can = canRunIptux();

describe.skipIf(!can.ok)('echo and doctor against a real iptux', () => {
  let lan: Lan;
  let iptux: Iptux;

  beforeAll(async () => {
    [lan] = await Promise.all([createLan({ hosts: ['a', 'ix'] }), buildCli()]);
    iptux = await startIptux(lan, 'ix');
  });

  afterAll(async () => {
    await iptux?.stop();
    await lan?.destroy();
  });

  it('the IPMsg ping: a unicast entry and the ANSENTRY iptux answers', async () => {
    const r = await runPigeon(lan, 'a', [
      'echo',
      '--to',
      iptux.ip,
      '--mode',
      'ipmsg',
      '--count',
      '10',
      '--interval',
      '300',
      '--broadcast',
      lan.broadcast,
      '--json',
    ]);
    const { stats: s } = echoDone(r);
    console.log(`[echo figures] ipmsg ping to iptux: ${JSON.stringify(s)}`);
    expect(r.code).toBe(0);
    expect(s.sent).toBe(10);
    expect(s.received).toBe(10);
    expect(s.rttMs?.p50).toBeLessThan(50);
    // iptux saw our entries: its DEBUG log dumps every datagram it receives
    await iptux.waitForLog(/1_pigeon/);
  });

  it('pigeon echo gets nothing from iptux, and says which mode to use', async () => {
    const r = await runPigeon(lan, 'a', [
      'echo',
      '--to',
      iptux.ip,
      '--count',
      '2',
      '--interval',
      '100',
      '--timeout',
      '500',
      '--broadcast',
      lan.broadcast,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('runs iptux, which does not answer Pigeon echo: try --mode ipmsg');
  });

  it('the doctor checks iptux with the IPMsg ping, broadcast and TCP', async () => {
    const report = resultOf(
      await runPigeon(lan, 'a', [
        'doctor',
        iptux.ip,
        '--broadcast-check',
        '--broadcast',
        lan.broadcast,
        '--json',
      ]),
      'diag:doctor',
    );
    console.log(
      `[doctor] iptux: ${JSON.stringify({ verdicts: report.verdicts.map((v) => v.code), target: report.target, forward: report.forward, broadcast: report.broadcast, tcp: report.tcp })}`,
    );
    expect(report.target.client).toBe('iptux');
    expect(report.forward?.mode).toBe('ipmsg');
    expect(report.forward?.stats.received).toBeGreaterThan(0);
    expect(report.broadcast.reached).toBe(true);
    expect(report.tcp.state).toBe('open');
    expect(report.verdicts.map((v) => v.code)).toEqual(['ok']);
  });
});
