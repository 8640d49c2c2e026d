import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { canUseNamespaces, createLan, type Lan } from '../../../e2e/lab/netns-lan';
import type { DoctorReport } from '../../../shared/model';
import {
  buildCli,
  resultOf,
  runPigeon,
  servePigeon,
  spawnPython,
  waitForUdpPort,
} from '../echo/testing/cli-in-netns';
import { HOLD_UDP_PORT } from '../echo/testing/python-udp';

/**
 * `pigeon doctor` in namespaces, against firewalls made with nftables: each test builds its own
 * small LAN, so no rule or process leaks into the next.
 */
const can = canUseNamespaces();

function verdicts(r: DoctorReport): string[] {
  return r.verdicts.map((v) => v.code);
}

function nft(lan: Lan, host: string, lines: string[]): Promise<unknown> {
  return lan.exec(host, 'nft', ['-f', '-'], { check: true, input: `${lines.join('\n')}\n` });
}

/** `pigeon doctor <target> --json` run on a: the report it answered with. */
async function doctorReport(lan: Lan, target: string, flags: string[] = []): Promise<DoctorReport> {
  const args = ['doctor', target, ...flags, '--broadcast', lan.broadcast, '--json'];
  return resultOf(await runPigeon(lan, 'a', args), 'diag:doctor');
}

describe.skipIf(!can.ok)('pigeon doctor in network namespaces', () => {
  let lan: Lan | undefined;

  beforeAll(async () => {
    await buildCli();
  });

  afterEach(async () => {
    await lan?.destroy();
    lan = undefined;
  });

  it('all is well: a plain sentence, exit 0', async () => {
    lan = await createLan({ hosts: ['a', 'b'] });
    await servePigeon(lan, 'b', ['--broadcast', lan.broadcast]);
    const r = await runPigeon(lan, 'a', ['doctor', lan.host('b').ip, '--broadcast', lan.broadcast]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${lan.host('b').ip} answers: Pigeon can reach it and hear from it`);
    const zh = await runPigeon(lan, 'a', [
      'doctor',
      lan.host('b').ip,
      '--lang',
      'zh-CN',
      '--listen',
      '0',
      '--broadcast',
      lan.broadcast,
    ]);
    expect(zh.stdout).toContain('有应答');
  });

  it("a one-way block: b's firewall drops what a sends, and a is told so", async () => {
    lan = await createLan({ hosts: ['a', 'b'] });
    const { ip: aIp } = lan.host('a');
    const { ip: bIp } = lan.host('b');
    await lan.blockInput('b', aIp);
    // a listens first; b starts meanwhile, and its start-up entry reaches a
    const doctor = runPigeon(lan, 'a', [
      'doctor',
      bIp,
      '--listen',
      '3',
      '--broadcast',
      lan.broadcast,
      '--json',
    ]);
    await new Promise((r) => setTimeout(r, 1200));
    await servePigeon(lan, 'b', ['--broadcast', lan.broadcast]);
    const res = await doctor;
    const report = resultOf(res, 'diag:doctor');
    console.log(
      `[doctor] one-way block: ${JSON.stringify({ verdicts: verdicts(report), lastSeen: report.lastSeen, forward: report.forward?.stats.received })}`,
    );
    expect(verdicts(report)[0]).toBe('their-inbound-blocked');
    expect(report.verdicts[0]?.text.en).toContain(
      `${bIp}'s packets reach you, but yours do not reach it`,
    );
    expect(report.lastSeen.at).not.toBeNull();
    expect(report.forward?.stats.received).toBe(0);
    expect(res.code).toBe(1);
  });

  it('the other way round: a stateful firewall on a lets answers in, nothing unsolicited', async () => {
    lan = await createLan({ hosts: ['a', 'b'] });
    await servePigeon(lan, 'b', ['--broadcast', lan.broadcast]);
    await nft(lan, 'a', [
      'table inet pigeon_state {',
      '  chain input {',
      '    type filter hook input priority 0; policy accept;',
      '    udp dport 2425 ct state new counter drop',
      '  }',
      '}',
    ]);
    const report = await doctorReport(lan, lan.host('b').ip);
    console.log(
      `[doctor] stateful firewall on a: ${JSON.stringify({ verdicts: verdicts(report), forward: report.forward?.stats.received, reverse: report.reverse })}`,
    );
    expect(verdicts(report)[0]).toBe('our-inbound-blocked');
    expect(report.forward?.stats.received).toBeGreaterThan(0);
    expect(report.reverse).toMatchObject({ received: 0 });
    expect(report.verdicts[0]?.text.en).toContain(
      'you only hear people right after you write to them',
    );
  });

  it('a different subnet is named, with the fix', async () => {
    lan = await createLan({ hosts: ['a', 'c'] });
    // c moves to 198.18.1.0/24 on the same wire; each side routes the other subnet on-link.
    // Only directed broadcasts are used (a router would not pass 255.255.255.255 either).
    await lan.exec('c', 'ip', ['addr', 'flush', 'dev', 'eth0'], { check: true });
    await lan.exec(
      'c',
      'ip',
      ['addr', 'add', '198.18.1.12/24', 'brd', '198.18.1.255', 'dev', 'eth0'],
      { check: true },
    );
    await lan.exec('c', 'ip', ['route', 'add', '198.18.0.0/24', 'dev', 'eth0'], { check: true });
    await lan.exec('a', 'ip', ['route', 'add', '198.18.1.0/24', 'dev', 'eth0'], { check: true });
    await servePigeon(lan, 'c', ['--broadcast', '198.18.1.255']);
    const report = await doctorReport(lan, '198.18.1.12');
    console.log(
      `[doctor] different subnet: ${JSON.stringify({ verdicts: verdicts(report), subnet: report.subnet, broadcast: report.broadcast })}`,
    );
    expect(verdicts(report)).toEqual(['different-subnet']);
    expect(report.verdicts[0]?.text.en).toBe(
      '198.18.1.12 is on a different subnet (198.18.1.0/24), so broadcasts do not reach it, although it answers directly: add 198.18.1.0/24 to the unicast hosts?',
    );
    expect(report.verdicts[0]?.text['zh-CN']).toContain('198.18.1.0/24');
  });

  it('TCP 2425 blocked while UDP works: files will fail', async () => {
    lan = await createLan({ hosts: ['a', 'b'] });
    await servePigeon(lan, 'b', ['--broadcast', lan.broadcast]);
    await lan.blockInput('b', lan.host('a').ip, 'tcp', 2425);
    const report = await doctorReport(lan, lan.host('b').ip);
    expect(report.tcp.state).toBe('timeout');
    // Same subnet, and the broadcast check is opt-in: the report says it was not made.
    expect(verdicts(report)).toEqual(['tcp-blocked', 'broadcast-not-checked']);
  });

  it('port 2425 used by another program', async () => {
    lan = await createLan({ hosts: ['a', 'b'] });
    await servePigeon(lan, 'b', ['--broadcast', lan.broadcast]);
    spawnPython(lan, 'a', HOLD_UDP_PORT, ['2425']);
    await waitForUdpPort(lan, 'a', 2425);
    const r = await runPigeon(lan, 'a', [
      'doctor',
      lan.host('b').ip,
      '--broadcast',
      lan.broadcast,
      '--json',
    ]);
    const report = resultOf(r, 'diag:doctor');
    expect(r.stderr).toContain('UDP port 2425 is in use by another program');
    expect(report.local.portInUse).toBe(true);
    expect(report.target.port).toBe(2425);
    expect(verdicts(report)[0]).toBe('port-in-use');
    expect(report.verdicts[0]?.text.en).toContain('Port 2425 is used by another program');
    // Pigeon answers echo to any port: the rest of the check still works
    expect(report.forward?.stats.received).toBeGreaterThan(0);
  });

  it('nothing listens there', async () => {
    lan = await createLan({ hosts: ['a', 'b'] });
    const report = await doctorReport(lan, lan.host('b').ip, ['--listen', '0']);
    expect(report.tcp.state).toBe('refused');
    expect(verdicts(report)).toEqual(['not-running']);
    // The verdict's own sentence, not another family's text for the same code.
    expect(report.verdicts[0]?.text.en).toContain(
      `${lan.host('b').ip} is up, but nothing listens on port 2425`,
    );
    expect(report.linkLayer).toBe('present');
  });

  it('the bundle, redacted', async () => {
    lan = await createLan({ hosts: ['a', 'b'] });
    await servePigeon(lan, 'b', ['--broadcast', lan.broadcast]);
    const r = await runPigeon(lan, 'a', [
      'doctor',
      lan.host('b').ip,
      '--bundle',
      '--redact',
      '--listen',
      '0',
      '--broadcast',
      lan.broadcast,
    ]);
    const bundle = r.stdout.slice(r.stdout.indexOf('Pigeon diagnostics bundle'));
    expect(bundle).toContain('== Interfaces ==');
    expect(bundle).toContain('== Doctor (1) ==');
    expect(bundle).not.toContain('198.18.0');
    // With --json the same bundle comes as the diag:bundle answer, after the diag:doctor one.
    const json = await runPigeon(lan, 'a', [
      'doctor',
      lan.host('b').ip,
      '--bundle',
      '--redact',
      '--json',
      '--listen',
      '0',
      '--broadcast',
      lan.broadcast,
    ]);
    expect(resultOf(json, 'diag:doctor').verdicts.length).toBeGreaterThan(0);
    const { text } = resultOf(json, 'diag:bundle');
    expect(text).toContain('Pigeon diagnostics bundle');
    expect(text).toContain('== Doctor (1) ==');
    expect(text).not.toContain('198.18.0');
  });
});
