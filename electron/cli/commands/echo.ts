import { eventLine, resultLine, type ContractEvent } from '../../../shared/contract';
import type {
  EchoMode,
  EchoProbeOutcome,
  EchoResult,
  ReachResult,
  SweepResult,
} from '../../../shared/model';
import { parseHostPort } from '../../../shared/protocol';
import { createEngine, type Engine } from '../../engine/engine';
import { RAW_ECHO_DEFAULT_PORT } from '../../engine/echo/echo-request';
import { parseArgs, UsageError, type FlagSpecs } from '../args';
import { networkFlags, settingsFromFlags, type NetworkFlags } from '../network-flags';
import { paint, printError, printJson } from '../output';
import { engineLink, openEngineLink, valueOf, type OpenedLink } from '../engine-link';
import { startProbeEngine } from '../probe-engine';
import { sleep } from '../run-engine';
import { terminalField as field } from '../terminal-text';

export const echoFlags = {
  ...networkFlags,
  to: { type: 'string', arg: 'HOST[:PORT]', describe: 'who to probe (port: 2425, raw mode 7)' },
  mode: {
    type: 'string',
    arg: 'pigeon|ipmsg|raw',
    describe: 'pigeon echo (default), an IPMsg entry and its answer, or a raw UDP echo server',
  },
  count: { type: 'number', arg: 'N', describe: 'probes to send (default 5)' },
  interval: { type: 'number', arg: 'MS', describe: 'between probes (default 1000)' },
  size: { type: 'number', arg: 'BYTES', describe: 'UDP payload of each probe (default 64)' },
  timeout: { type: 'number', arg: 'MS', describe: 'a probe unanswered this long is lost (2000)' },
  back: {
    type: 'number',
    arg: 'N',
    describe: 'pigeon mode: ask the peer to send N probes back (tests the other direction)',
  },
  sweep: {
    type: 'boolean',
    describe: 'find the largest payload that gets through (pigeon or raw mode)',
  },
  max: { type: 'number', arg: 'BYTES', describe: 'largest size a sweep tries (default 8192)' },
  reach: {
    type: 'boolean',
    describe: 'broadcast a probe and list who answered, per interface (no --to)',
  },
  json: {
    type: 'boolean',
    describe:
      "JSON lines: the run's echo:started, echo:progress and echo:done (last, with the stats); --sweep and --reach print their answer",
  },
} as const satisfies FlagSpecs;

export const echoHelp = {
  usage:
    'pigeon echo --to HOST[:PORT] [--mode pigeon|ipmsg|raw] [--count N] [--interval MS] [--size BYTES] [--json]',
  summary:
    'measure loss and round trips to a peer or a UDP echo server; exit 0 when anything came back',
  examples: [
    'pigeon echo --to 192.168.1.20',
    'pigeon echo --to 192.168.1.30 --mode ipmsg --count 10      # iptux, IPMsg, FeiQ',
    'pigeon echo --to 192.168.1.20 --back 10                    # both directions',
    'pigeon echo --to 10.0.0.5:7 --mode raw --interval 10 --count 1000 --json',
    'pigeon echo --to 192.168.1.20 --sweep',
    'pigeon echo --reach',
  ],
};

type Flags = ReturnType<typeof parseArgs<typeof echoFlags>>['flags'];

export async function echo(argv: string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, echoFlags);
  if (positional.length)
    throw new UsageError(`unexpected argument ${JSON.stringify(positional[0])}`);
  const mode = (flags.mode ?? 'pigeon') as EchoMode;
  if (mode !== 'pigeon' && mode !== 'ipmsg' && mode !== 'raw') {
    throw new UsageError('--mode must be pigeon, ipmsg or raw');
  }
  if (flags.reach) return reach(flags, mode);
  if (!flags.to) throw new UsageError('say who to probe: --to HOST[:PORT] (or --reach)');
  const parsed = parseHostPort(
    flags.to,
    mode === 'raw' ? RAW_ECHO_DEFAULT_PORT : (flags.port ?? 2425),
  );
  if (!parsed.ok)
    throw new UsageError(`--to ${JSON.stringify(flags.to)} is not an IPv4 address (or HOST:PORT)`);
  const target = { value: { address: parsed.address, port: parsed.port } };
  if (flags.back !== undefined && mode !== 'pigeon') {
    throw new UsageError('--back needs a Pigeon peer (--mode pigeon)');
  }
  if (flags.sweep) return sweep(flags, mode, `${target.value.address}:${target.value.port}`);

  const request = {
    to: `${target.value.address}:${target.value.port}`,
    mode,
    ...(flags.count !== undefined ? { count: flags.count } : {}),
    ...(flags.interval !== undefined ? { intervalMs: flags.interval } : {}),
    ...(flags.size !== undefined ? { size: flags.size } : {}),
    ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout } : {}),
    ...(flags.back !== undefined ? { probeBack: flags.back } : {}),
  };
  const live = new LivePrinter(flags.json === true, target.value.address);
  // The raw mode needs no engine of ours on the LAN: an engine that is never started runs it
  // (it binds a socket of its own per run); the other modes probe from a started one, whose
  // presence goes to the target alone, or through the engine running on the data directory.
  const opened = await probeLink(flags, mode, [request.to]);
  const { link } = opened;
  let result: EchoResult;
  try {
    // Let the answers to our start-up entry pass first (an IPMsg ping counts ANSENTRYs).
    if (opened.started) await sleep(mode === 'ipmsg' ? 500 : 50);
    let runId = '';
    let finish: (r: EchoResult) => void = () => undefined;
    const done = new Promise<EchoResult>((resolve) => (finish = resolve));
    const early: ContractEvent[] = [];
    const onRun = (e: ContractEvent) => {
      if (
        e.channel !== 'echo:started' &&
        e.channel !== 'echo:progress' &&
        e.channel !== 'echo:done'
      )
        return;
      if (e.payload.runId !== runId) return;
      live.event(e);
      if (e.channel === 'echo:done') finish(e.payload);
    };
    // Only this run's echo:* events (another window's run may be going on meanwhile): those
    // before the answer that names the run wait for it.
    const off = link.subscribe((e) => (runId ? onRun(e) : early.push(e)));
    const r = await link.request('echo:start', request);
    if (!r.ok) {
      off();
      throw new UsageError(r.error.message);
    }
    runId = r.value.runId;
    live.header(request.to, mode, request.count ?? 5, request.intervalMs ?? 1000, request.size);
    for (const e of early.splice(0)) onRun(e);
    result = await withInterrupt(done, () => void link.request('echo:stop', { runId }));
    off();
    const peer = valueOf(await link.request('peers:list', null)).find(
      (p) => p.address === target.value.address,
    );
    if (mode === 'pigeon' && result.stats.received === 0 && peer && peer.client !== 'pigeon') {
      printError(
        `${target.value.address} runs ${peer.client}, which does not answer Pigeon echo: try --mode ipmsg`,
      );
    }
  } finally {
    await opened.close();
  }
  live.summary(result);
  if (result.state === 'failed') {
    printError(result.error ?? 'echo failed');
    return 1;
  }
  return result.stats.received > 0 || (result.reverse?.received ?? 0) > 0 ? 0 : 1;
}

/** Ctrl-C ends the run early and still prints the summary, as ping does. */
async function withInterrupt<T>(done: Promise<T>, cancel: () => void): Promise<T> {
  const onSignal = () => cancel();
  process.once('SIGINT', onSignal);
  try {
    return await done;
  } finally {
    process.off('SIGINT', onSignal);
  }
}

class LivePrinter {
  constructor(
    private readonly json: boolean,
    private readonly address: string,
  ) {}

  header(to: string, mode: EchoMode, count: number, interval: number, size?: number): void {
    if (this.json) return;
    const what =
      mode === 'pigeon' ? 'Pigeon echo' : mode === 'ipmsg' ? 'IPMsg entry ping' : 'raw UDP echo';
    console.log(
      `ECHO ${to} (${what}), ${mode === 'ipmsg' ? 'entry packets' : `${size ?? 64} bytes`}, ${count} probe${count === 1 ? '' : 's'} every ${interval} ms`,
    );
  }

  /** Events of this run only (the caller filters): JSON lines, or ping-like lines. */
  event(e: ContractEvent): void {
    if (this.json) {
      printJson(eventLine(e));
      return;
    }
    if (e.channel === 'echo:progress') for (const p of e.payload.probes) this.probe(p);
  }

  private probe(p: EchoProbeOutcome): void {
    switch (p.kind) {
      case 'reply':
        console.log(
          `${p.bytes} bytes from ${this.address}: seq=${p.seq} time=${p.rttMs} ms${p.altered ? paint(' (altered)', 'yellow') : ''}`,
        );
        break;
      case 'duplicate':
        console.log(`seq=${p.seq} ${paint('duplicate', 'yellow')} time=${p.rttMs} ms`);
        break;
      case 'late':
        console.log(`seq=${p.seq} ${paint('late', 'yellow')} time=${p.rttMs} ms`);
        break;
      case 'lost':
        console.log(`seq=${p.seq} ${paint('lost', 'red')}`);
        break;
      case 'error':
        console.log(`seq=${p.seq} ${paint('not sent', 'red')}: ${p.reason}`);
        break;
      case 'reverse':
        console.log(`${p.bytes} bytes back from ${this.address}: seq=${p.seq}`);
        break;
    }
  }

  summary(r: EchoResult): void {
    const s = r.stats;
    // In JSON the echo:done line already said it all.
    if (this.json) return;
    const rtt = s.rttMs;
    console.log(`--- ${r.target.address}:${r.target.port} echo statistics ---`);
    console.log(
      `${s.sent} sent, ${s.received} received, ${(s.loss * 100).toFixed(1)}% loss, ` +
        `${s.duplicates} duplicates, ${s.reordered} reordered` +
        (s.late ? `, ${s.late} late` : '') +
        (s.errors ? `, ${s.errors} not sent` : '') +
        (s.altered ? `, ${s.altered} altered` : '') +
        `, ${Math.round(r.durationMs)} ms`,
    );
    if (rtt) {
      console.log(
        `rtt min/avg/p50/p95/max = ${rtt.min}/${rtt.avg}/${rtt.p50}/${rtt.p95}/${rtt.max} ms, jitter ${s.jitterMs ?? 0} ms`,
      );
    }
    if (r.reverse) {
      const b = r.reverse;
      console.log(
        b.granted === null
          ? `back: ${r.target.address} did not answer the probe-back request (an older Pigeon?)`
          : b.granted === 0
            ? `back: ${r.target.address} refused to probe back (rate limit)`
            : `back: ${b.received} of ${b.granted} probes from ${r.target.address} arrived` +
              (b.loss !== null ? ` (${(b.loss * 100).toFixed(1)}% loss)` : ''),
      );
    }
  }
}

async function sweep(flags: Flags, mode: EchoMode, to: string): Promise<number> {
  if (mode === 'ipmsg') throw new UsageError('--sweep needs --mode pigeon or raw');
  const request = {
    to,
    mode,
    ...(flags.size !== undefined ? { min: flags.size } : {}),
    ...(flags.max !== undefined ? { max: flags.max } : {}),
    ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout } : {}),
  };
  const opened = await probeLink(flags, mode, [to]);
  let result: SweepResult;
  try {
    if (opened.started) await sleep(50);
    const off = opened.link.subscribe((e) => {
      if (e.channel !== 'echo:sweep-progress') return;
      if (flags.json) return printJson(eventLine(e));
      const { size, passed, rttMs } = e.payload.step;
      console.log(
        `${String(size).padStart(6)} bytes  ${passed ? paint('ok', 'green') : paint('lost', 'red')}${rttMs !== undefined ? `  ${rttMs} ms` : ''}`,
      );
    });
    result = valueOf(await opened.link.request('echo:sweep', { ...request, mode }));
    off();
  } finally {
    await opened.close();
  }
  if (flags.json) printJson(resultLine('echo:sweep', { ok: true, value: result }));
  else console.log(describeSweep(result));
  if (result.state === 'failed') {
    printError(result.error ?? 'sweep failed');
    return 1;
  }
  return result.largestPassing !== null ? 0 : 1;
}

/**
 * The engine a probe runs from. The raw mode needs none on the LAN: an engine that is never
 * started runs it (a socket of its own per run). The others go through the engine running on the
 * data directory, or start one whose presence goes to `presence` (the target, or the LAN).
 */
async function probeLink(
  flags: Flags,
  mode: EchoMode,
  presence: string[] | 'lan',
): Promise<OpenedLink & { started: boolean }> {
  if (mode === 'raw') {
    const engine = idleEngine(flags);
    return { link: engineLink(engine), remote: false, started: false, close: () => engine.stop() };
  }
  const opened = await openEngineLink(
    flags,
    async () =>
      (
        await startProbeEngine(flags, {
          portFallback: mode === 'pigeon',
          presence: presence === 'lan' ? 'lan' : { only: presence },
        })
      ).engine,
  );
  return { ...opened, started: !opened.remote };
}

/** An engine that is never started: the raw echo mode and its sweep need no IPMsg socket. */
function idleEngine(flags: NetworkFlags): Engine {
  return createEngine(settingsFromFlags(flags).settings, { tcp: false });
}

export function describeSweep(r: SweepResult): string {
  const lines: string[] = [];
  const p = r.path;
  lines.push(
    `path: ${p.interface ?? '?'} (from ${p.sourceAddress ?? '?'}), MTU ${p.mtu ?? '?'}` +
      (p.unfragmentedMax !== null ? `: up to ${p.unfragmentedMax} bytes fit one packet` : ''),
  );
  if (r.largestPassing === null) {
    lines.push(`nothing got through, not even ${r.smallestFailing ?? '?'} bytes`);
  } else {
    lines.push(
      `largest payload that got through: ${r.largestPassing} bytes` +
        (r.fragmented === true
          ? ' (it needed IP fragments, and they pass)'
          : r.fragmented === false
            ? ' (no fragments needed)'
            : '') +
        (r.smallestFailing !== null
          ? `; ${r.smallestFailing} bytes did not`
          : '; nothing larger was tried'),
    );
  }
  if (r.appliedLimit !== null) {
    lines.push(
      `Pigeon now keeps messages to ${r.target.address} under ${r.appliedLimit} bytes per datagram`,
    );
  }
  return lines.join('\n');
}

async function reach(flags: Flags, mode: EchoMode): Promise<number> {
  if (mode === 'raw') throw new UsageError('--reach needs --mode pigeon or ipmsg');
  // Discovering is this run's job: its presence goes to the whole LAN.
  const opened = await probeLink(flags, mode, 'lan');
  let result: ReachResult;
  try {
    if (opened.started) await sleep(mode === 'ipmsg' ? 500 : 50);
    result = valueOf(
      await opened.link.request('echo:reach', {
        mode,
        ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout } : {}),
      }),
    );
  } finally {
    await opened.close();
  }
  if (flags.json) {
    printJson(resultLine('echo:reach', { ok: true, value: result }));
  } else {
    console.log(
      `broadcast to ${result.targets.map((t) => t.target).join(', ') || '(no targets)'}:`,
    );
    for (const i of result.interfaces) {
      console.log(
        `${i.name} ${i.subnet}${i.announced ? '' : ' (not announced on)'}: ${i.responders.length} answered`,
      );
      for (const r of i.responders)
        console.log(
          `  ${r.address}:${r.port}  ${field(r.nick ?? '')} ${r.client ? `(${r.client})` : ''}  ${r.rttMs} ms`,
        );
    }
    for (const r of result.elsewhere)
      console.log(`elsewhere: ${r.address}:${r.port} ${r.rttMs} ms`);
  }
  if (result.state === 'failed') {
    printError(result.error ?? 'reach failed');
    return 1;
  }
  const n = result.interfaces.reduce((k, i) => k + i.responders.length, result.elsewhere.length);
  return n > 0 ? 0 : 1;
}
