import { describe, expect, it } from 'vitest';
import { errorToInfo, type Result } from '../../shared/contract';
import { outcomeText } from '../../shared/model/texts';
import { startDiagnosedEngine } from './echo/testing/diagnostics-node';
import { StartError } from './start-error';
import { createEngineNode } from './testing/engine-harness';
import { FakeClock } from './testing/fake-clock';
import { FakeNetwork } from './testing/fake-network';

/**
 * A bad request (or a setting) is answered with what is wrong as an outcome, for the UI's
 * language, beside the English message the CLI prints: the JSON keeps its `error`/`message`.
 */
/** What a host would send back: the handler's value, or its error as the envelope carries it. */
function answer(call: () => unknown): Result<unknown> {
  try {
    return { ok: true, value: call() };
  } catch (error) {
    return { ok: false, error: errorToInfo(error) };
  }
}

async function engine() {
  const net = new FakeNetwork(new FakeClock());
  return startDiagnosedEngine(net, '10.0.0.1');
}

describe('problems with requests, as outcomes', () => {
  // The contract's own checks catch most of these first; in-process callers (the CLI, the
  // benchmarks) call the handlers, and the handlers check again.
  it('echo:start: the contract error carries the problem', async () => {
    const a = await engine();
    const r = answer(() => a.engine.handlers['echo:start']({ to: '10.0.0.2', count: 1e9 }));
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'invalid-request',
        message: expect.stringMatching(/^count must be a whole number from 1 to \d+$/),
        problems: [{ code: 'count-out-of-range', params: { max: expect.any(Number) } }],
      },
    });
    if (r.ok || !r.error.problems?.[0]) throw new Error('no problem');
    expect(outcomeText(r.error.problems[0], 'zh-CN')).toMatch(/^次数必须是 1 到 \d+ 之间的整数$/);
  });

  it('an echo run, a sweep, a reach and the doctor say why they failed', async () => {
    const a = await engine();
    const echo = await a.engine.handlers['echo:sweep']({ to: 'nowhere' });
    expect(echo).toMatchObject({
      state: 'failed',
      error: '"nowhere" is not an IPv4 address (or ADDRESS:PORT)',
      problem: { code: 'target-invalid', params: { to: '"nowhere"' } },
    });
    const sweep = await a.engine.handlers['echo:sweep']({ to: '10.0.0.2', tries: 99 });
    expect(sweep.problem?.code).toBe('sweep-tries');
    const doctor = await a.engine.handlers['diag:doctor']({ to: '10.0.0.2:0' });
    expect(doctor).toMatchObject({
      verdicts: [],
      error: '"10.0.0.2:0": the port is not 1..65535',
      problem: { code: 'target-port-invalid' },
    });
    await a.engine.stop();
    const reach = await a.engine.handlers['echo:reach']({});
    expect(reach).toMatchObject({
      state: 'failed',
      error: 'Pigeon is not running',
      problem: { code: 'engine-not-running', params: {} },
    });
    if (!reach.problem) throw new Error('no problem');
    expect(outcomeText(reach.problem, 'zh-CN')).toBe('Pigeon 没有在运行');
  });

  it('settings:update: every invalid setting, in order', async () => {
    const a = await engine();
    const r = answer(() =>
      a.engine.handlers['settings:update']({ nick: '', group: 'g'.repeat(65) }),
    );
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'invalid-request',
        message: 'nick is empty: choose a name others will see; group is longer than 64 characters',
        problems: [
          { code: 'nick-empty', params: {} },
          { code: 'group-too-long', params: { max: 64 } },
        ],
      },
    });
  });

  it('an engine with invalid settings does not start: the first problem, and all in English', async () => {
    const net = new FakeNetwork(new FakeClock());
    const node = createEngineNode(net, '10.0.0.1', { nick: ' ', port: 0 });
    const error = await node.engine.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StartError);
    const e = error as StartError;
    expect(e.outcome).toEqual({
      code: 'invalid-settings',
      params: { problem: 'nick-empty', count: 2 },
    });
    expect(outcomeText(e.outcome, 'zh-CN')).toBe('设置无效：昵称为空：请选择一个别人能看到的名字');
    expect(e.message).toBe(
      'The settings are not valid: nick is empty: choose a name others will see; ' +
        'port 0 is not between 1 and 65535',
    );
  });
});
