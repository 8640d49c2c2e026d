import { resultLine } from '../../../shared/contract';
import type { DoctorReport, InterfacesReport } from '../../../shared/model';
import { parseHostPort } from '../../../shared/protocol';
import { doctorText } from '../../../shared/diagnostics/bundle';
import { interfacesReport } from '../../engine/io/interfaces-report';
import { defaultBroadcastTargets } from '../../engine/io/network-interfaces';
import { parseArgs, UsageError, type FlagSpecs } from '../args';
import { cliLanguage } from '../language';
import { networkFlags, settingsFromFlags } from '../network-flags';
import { paint, printError, printJson, table } from '../output';
import { openEngineLink, valueOf } from '../engine-link';
import { startProbeEngine } from '../probe-engine';
import { sleep } from '../run-engine';
import { terminalField as field } from '../terminal-text';

export const doctorFlags = {
  ...networkFlags,
  json: {
    type: 'boolean',
    describe: 'print the diag:doctor answer (and diag:bundle) as JSON lines',
  },
  listen: {
    type: 'number',
    arg: 'SECONDS',
    describe: 'listen this long before probing, to hear peers announce themselves (default 1)',
  },
  count: { type: 'number', arg: 'N', describe: 'echo probes per check (default 4)' },
  timeout: { type: 'number', arg: 'MS', describe: 'per probe (default 1000)' },
  'broadcast-check': {
    type: 'boolean',
    describe:
      'also check that broadcasts reach ADDR: announces you to everyone on the LAN (entry, then goodbye)',
  },
  'no-broadcast': {
    type: 'boolean',
    describe: 'no broadcast check (the default since --broadcast-check; kept for scripts)',
  },
  lang: {
    type: 'string',
    arg: 'en|zh-CN',
    describe: 'language of the verdict (default from LANG)',
  },
  bundle: { type: 'boolean', describe: 'print the whole diagnostics bundle after the check' },
  redact: { type: 'boolean', describe: 'with --bundle: replace addresses and names' },
  interfaces: {
    type: 'boolean',
    describe: 'list the interfaces (addresses, masks, MTU, where Pigeon announces) and stop',
  },
} as const satisfies FlagSpecs;

export const doctorHelp = {
  usage:
    'pigeon doctor ADDR[:PORT] [--json] [--listen SECONDS] [--broadcast-check] [--bundle [--redact]] | pigeon doctor --interfaces',
  summary: "why can't I see someone? checks one address and says what is wrong, with the fix",
  examples: [
    'pigeon doctor 192.168.1.20',
    'pigeon doctor 10.0.2.7 --json',
    'pigeon doctor 192.168.1.20 --listen 10      # restart Pigeon over there meanwhile',
    'pigeon doctor 192.168.1.20 --broadcast-check # do broadcasts reach it? (tells the LAN)',
    'pigeon doctor 192.168.1.20 --bundle --redact',
    'pigeon doctor --interfaces',
  ],
};

export async function doctor(argv: string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, doctorFlags);
  if (flags.interfaces && positional.length === 0) return interfaces(flags);
  if (positional.length !== 1)
    throw new UsageError('say which address to check: pigeon doctor ADDR');
  const to = positional[0] ?? '';
  const target = parseHostPort(to, 2425);
  if (!target.ok)
    throw new UsageError(`${JSON.stringify(to)} is not an IPv4 address (or ADDR:PORT)`);
  const listen = flags.listen ?? 1;
  if (!(listen >= 0 && listen <= 600)) throw new UsageError('--listen must be 0..600 seconds');
  if (flags.lang !== undefined && flags.lang !== 'en' && flags.lang !== 'zh-CN')
    throw new UsageError('--lang must be en or zh-CN');
  const lang = cliLanguage(flags.lang);
  if (flags['broadcast-check'] && flags['no-broadcast'])
    throw new UsageError('--broadcast-check and --no-broadcast contradict each other');
  const broadcastCheck = flags['broadcast-check'] === true;

  // Our presence goes to the target alone (see PresenceMode); a running engine is already there.
  // The broadcast check asks the whole LAN, in ipmsg mode with our entry: then the LAN hears our
  // entry and, when we are done, our goodbye ('lan'), never an entry left standing.
  const { link, remote, close } = await openEngineLink(
    flags,
    async () =>
      (
        await startProbeEngine(flags, {
          portFallback: true,
          presence: broadcastCheck ? 'lan' : { only: [`${target.address}:${target.port}`] },
        })
      ).engine,
  );
  let report: DoctorReport;
  let bundle = '';
  try {
    // A running engine has been listening all along; an explicit --listen is still honoured.
    const wait = remote && flags.listen === undefined ? 0 : listen;
    if (!flags.json && wait > 1) console.error(`listening for ${wait} s first...`);
    await sleep(wait * 1000);
    report = valueOf(
      await link.request('diag:doctor', {
        to: positional[0]?.includes(':') ? to : target.address,
        ...(flags.count !== undefined ? { count: flags.count } : {}),
        ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout } : {}),
        ...(broadcastCheck ? {} : { skipBroadcast: true }),
      }),
    );
    if (flags.bundle)
      bundle = valueOf(await link.request('diag:bundle', { redact: flags.redact === true })).text;
  } finally {
    await close();
  }
  if (flags.json) {
    printJson(resultLine('diag:doctor', { ok: true, value: report }));
    if (bundle) printJson(resultLine('diag:bundle', { ok: true, value: { text: bundle } }));
  } else if (report.error) {
    printError(report.error);
  } else {
    // Each line is one line (the target's nick is a peer's, and may hold anything).
    for (const line of doctorText(report, lang).slice(0, -report.verdicts.length))
      console.log(field(line));
    const [main, ...more] = report.verdicts;
    if (main) {
      const colour =
        main.severity === 'ok' ? 'green' : main.severity === 'problem' ? 'red' : 'yellow';
      console.log('');
      console.log(paint(field(main.text[lang]), colour));
    }
    for (const v of more) console.log(`${paint('also:', 'dim')} ${field(v.text[lang])}`);
  }
  // The bundle's lines are the engine's; what they quote of peers must not act on the terminal.
  if (bundle && !flags.json) console.log(`\n${bundle.split('\n').map(field).join('\n')}`);
  return report.verdicts[0]?.code === 'ok' ? 0 : 1;
}

/** Interfaces as Pigeon sees them; no engine, nothing sent. */
function interfaces(flags: Parameters<typeof settingsFromFlags>[0] & { json?: boolean }): number {
  const { settings } = settingsFromFlags(flags);
  const report: InterfacesReport = interfacesReport({
    bind: settings.bind,
    port: settings.port,
    broadcastTargets: settings.broadcast.length ? settings.broadcast : defaultBroadcastTargets(),
    unicastHosts: settings.unicastHosts,
    now: Date.now(),
  });
  if (flags.json) {
    printJson(resultLine('diag:interfaces', { ok: true, value: report }));
    return 0;
  }
  console.log(
    table(
      ['NAME', 'ADDRESS', 'MASK', 'BROADCAST', 'MTU', 'PIGEON'],
      report.interfaces.map((i) => [
        i.name,
        `${i.address}/${i.prefix}`,
        i.netmask,
        i.broadcast,
        String(i.mtu ?? '?'),
        [
          i.listening ? 'listens' : '',
          i.announced ? 'announces' : '',
          i.internal ? '(loopback)' : '',
        ]
          .filter(Boolean)
          .join(', '),
      ]),
    ),
  );
  console.log(`\nbroadcast targets: ${report.broadcastTargets.join(', ')}`);
  if (report.unicastHosts.length) console.log(`unicast hosts: ${report.unicastHosts.join(', ')}`);
  return 0;
}
