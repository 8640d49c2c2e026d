import { describe, expect, it } from 'vitest';
import { Mode, Opt } from '../../../shared/protocol';
import { startDiagnosedEngine } from '../echo/testing/diagnostics-node';
import { FakeClock } from '../testing/fake-clock';
import { FakeNetwork } from '../testing/fake-network';
import { bytes } from '../testing/scripted-peer';
import { RefusalLog } from './refusal-log';

describe('RefusalLog', () => {
  it('counts each refusal in all and per source, and reports the sources with the most', () => {
    let now = 1000;
    const log = new RefusalLog(() => now);
    for (let i = 0; i < 5; i++) log.note('intake-rate', '10.0.0.5');
    now = 2000;
    log.note('answer-budget', '10.0.0.5');
    log.note('impossible-source', '10.0.0.255');
    log.note('probe-back', '10.0.0.9');
    log.note('probe-back', '10.0.0.9');
    expect(log.from('10.0.0.5')).toEqual({
      address: '10.0.0.5',
      total: 6,
      counts: { 'intake-rate': 5, 'answer-budget': 1 },
      firstAt: 1000,
      lastAt: 2000,
    });
    expect(log.from('10.0.0.6')).toBeNull();
    const r = log.report(2);
    expect(r.totals).toMatchObject({
      'intake-rate': 5,
      'answer-budget': 1,
      'impossible-source': 1,
      'probe-back': 2,
      'reply-guard': 0,
    });
    expect(r.sources.map((s) => [s.address, s.total])).toEqual([
      ['10.0.0.5', 6],
      ['10.0.0.9', 2],
    ]);
    // Copies: the caller cannot change the log.
    (r.sources[0] as { total: number }).total = 0;
    expect(log.from('10.0.0.5')?.total).toBe(6);
  });

  it('remembers a bounded number of sources, the least recent going first; totals keep counting', () => {
    const log = new RefusalLog(() => 0, 3);
    for (const a of ['a', 'b', 'c']) log.note('intake-rate', a);
    log.note('intake-rate', 'a'); // a is the most recent now
    log.note('intake-rate', 'd'); // b goes
    expect(['a', 'b', 'c', 'd'].map((x) => log.from(x)?.total ?? 0)).toEqual([2, 0, 1, 1]);
    expect(log.report().totals['intake-rate']).toBe(5);
  });
});

describe('refusals in the diagnostics bundle and the doctor', () => {
  const A = '10.0.0.1';
  const BOB = '10.0.0.5';
  const at = (address: string) => ({ address, port: 2425 });

  it('"why can\'t I see bob?": the messages this Pigeon dropped from him over its rate limit', async () => {
    const net = new FakeNetwork(new FakeClock());
    const a = await startDiagnosedEngine(
      net,
      A,
      {},
      {},
      // A small per-source budget: 4 messages of about 1 KiB at once, then 1 a second.
      { intake: { perSource: { burst: 4 * 1024, perSecond: 1024 } } },
    );
    await startDiagnosedEngine(net, BOB, { nick: 'bob' });
    await net.clock.advance(1000);
    const text = 'x'.repeat(500);
    for (let i = 0; i < 40; i++) {
      net.inject(
        bytes(`1:${5000 + i}:bob:h:${Mode.SENDMSG | Opt.SENDCHECKOPT}:${text}\0`),
        at(BOB),
        at(A),
      );
    }
    // A forged packet from the broadcast address, and a stranger asking too many answers.
    net.inject(bytes(`1:1:evil:h:${Mode.BR_ENTRY}:evil\0\0`), at('10.0.0.255'), at(A));
    for (let i = 0; i < 20; i++)
      net.inject(bytes(`1:${100 + i}:x:h:${Mode.BR_ENTRY}:x\0\0`), at('10.0.0.7'), at(A));
    await net.clock.advance(100);
    const dropped = a.engine.stats().refused;
    expect(dropped).toBeGreaterThan(30);

    const p = a.engine.handlers['diag:doctor']({ to: BOB, skipBroadcast: true });
    await net.clock.advance(30_000);
    const report = await p;
    expect(report.refused).toMatchObject({ address: BOB, counts: { 'intake-rate': dropped } });
    const finding = report.verdicts.find((v) => v.code === 'we-dropped-messages');
    expect(finding?.severity).toBe('warning');
    expect(finding?.text.en).toContain(`turned away ${dropped} messages from ${BOB}`);
    expect(finding?.text['zh-CN']).toContain(`${dropped} 条消息`);
    // Bob answers, but this Pigeon dropped his messages: no 'ok'.
    expect(report.verdicts.map((v) => v.code)).toEqual([
      'we-dropped-messages',
      'broadcast-not-checked',
    ]);

    const bundle = a.engine.handlers['diag:bundle']({}).text;
    expect(bundle).toContain('== Refused (flood limits and guards) ==');
    expect(bundle).toContain(`${BOB}  ${dropped} (intake-rate ${dropped})`);
    expect(bundle).toMatch(/impossible-source 1\b/);
    expect(bundle).toContain('10.0.0.255  1 (impossible-source 1)');
    // Presence answers 8 entries at once from one source, then 1 a second.
    expect(bundle).toMatch(/10\.0\.0\.7 {2}1[12] \(answer-budget 1[12]\)/);
    // The doctor's own lines say it too.
    expect(bundle).toContain(`  refused    ${dropped} (intake-rate ${dropped}) (by this Pigeon)`);
  });

  it('a colleague nothing was refused from gets no such line or finding', async () => {
    const net = new FakeNetwork(new FakeClock());
    const a = await startDiagnosedEngine(net, A);
    await startDiagnosedEngine(net, BOB, { nick: 'bob' });
    const p = a.engine.handlers['diag:doctor']({ to: BOB, skipBroadcast: true });
    await net.clock.advance(30_000);
    const report = await p;
    expect(report.refused).toBeNull();
    expect(report.verdicts.map((v) => v.code)).toEqual(['ok', 'broadcast-not-checked']);
    expect(a.engine.handlers['diag:bundle']({}).text).not.toContain('  refused  ');
  });
});
