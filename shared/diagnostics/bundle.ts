import type {
  DoctorReport,
  EchoResult,
  EngineSettings,
  InterfacesReport,
  Peer,
  RefusalReport,
  SourceRefusals,
} from '../model';

/**
 * Everything a maintainer asks for when someone "cannot see" a colleague, as one plain-text
 * block to paste into an issue or a chat: versions, settings, interfaces, peers, recent packets,
 * echo runs and doctor reports. With `redact`, addresses and names are replaced by stable
 * placeholders (the same address always becomes the same placeholder, and addresses of one /24
 * share a prefix, so subnet mistakes stay visible). Pure, so the renderer's demo formats its
 * bundle with it too.
 */

/** One recent packet, as the engine's traffic log summarises it. */
export interface TrafficLine {
  at: number;
  address: string;
  port: number;
  mode: string;
  bytes: number;
}

export interface BundleInput {
  version: string;
  platform: string;
  node: string;
  at: number;
  settings: EngineSettings;
  interfaces: InterfacesReport;
  stats: Record<string, number>;
  peers: Peer[];
  traffic: TrafficLine[];
  echoRuns: EchoResult[];
  doctor: DoctorReport[];
  /** What the engine's guards turned away (absent in the demo). */
  refusals?: RefusalReport;
}

export function diagnosticsBundle(input: BundleInput, options: { redact?: boolean } = {}): string {
  const s = input.settings;
  const lines: string[] = [];
  const section = (title: string) => lines.push('', `== ${title} ==`);
  lines.push(
    'Pigeon diagnostics bundle',
    `version ${input.version}, node ${input.node}, ${input.platform}, ${new Date(input.at).toISOString()}`,
  );

  section('Settings');
  lines.push(
    `nick ${s.nick}  group ${s.group || '-'}  user ${s.user}  host ${s.host}`,
    `bind ${s.bind}:${s.port}  answer echo ${s.answerEcho ? 'yes' : 'no'}  legacy encoding ${s.legacyEncoding}`,
    `broadcast targets ${input.interfaces.broadcastTargets.join(', ') || '-'}${s.broadcast.length ? '' : ' (defaults)'}`,
    `unicast hosts ${s.unicastHosts.join(', ') || '-'}`,
  );

  section('Interfaces');
  for (const i of input.interfaces.interfaces) {
    lines.push(
      `${i.name.padEnd(10)} ${i.address}/${i.prefix}  mask ${i.netmask}  brd ${i.broadcast}  mtu ${i.mtu ?? '?'}` +
        `${i.internal ? '  internal' : ''}${i.announced ? '  announced' : ''}${i.listening ? '  listening' : ''}`,
    );
  }

  section('Engine');
  lines.push(
    Object.entries(input.stats)
      .map(([k, v]) => `${k} ${v}`)
      .join('  '),
  );

  if (input.refusals) {
    const r = input.refusals;
    section('Refused (flood limits and guards)');
    lines.push(
      Object.entries(r.totals)
        .map(([k, v]) => `${k} ${v}`)
        .join('  '),
    );
    for (const s of r.sources)
      lines.push(`${s.address}  ${refusalLine(s)}  last ${ago(input.at, s.lastAt)}`);
  }

  section(`Peers (${input.peers.length})`);
  for (const p of input.peers) {
    lines.push(
      `${p.address}:${p.port}  ${p.client}  ${JSON.stringify(p.version)}  ${p.nick} [${p.group}]  ` +
        `${p.user}@${p.host}  ${p.encoding}  ${p.online ? 'online' : 'offline'}  ` +
        `last seen ${ago(input.at, p.lastSeen)}`,
    );
  }

  section(`Recent packets (${input.traffic.length})`);
  for (const t of input.traffic) {
    lines.push(
      `${new Date(t.at).toISOString().slice(11, 23)}  ${t.address}:${t.port}  ${t.mode}  ${t.bytes} B`,
    );
  }

  section(`Echo runs (${input.echoRuns.length})`);
  for (const r of input.echoRuns) {
    const rtt = r.stats.rttMs;
    lines.push(
      `${r.mode} ${r.target.address}:${r.target.port}  ${r.state}  sent ${r.stats.sent}  ` +
        `received ${r.stats.received}  loss ${(r.stats.loss * 100).toFixed(1)}%  ` +
        (rtt ? `rtt ${rtt.min}/${rtt.p50}/${rtt.p95}/${rtt.max} ms  ` : '') +
        (r.reverse ? `back ${r.reverse.received}/${r.reverse.granted ?? '?'}` : '') +
        (r.error ? `  error: ${r.error}` : ''),
    );
  }

  section(`Doctor (${input.doctor.length})`);
  for (const d of input.doctor) lines.push(...doctorText(d), '');

  const text = `${lines.join('\n').trimEnd()}\n`;
  if (!options.redact) return text;
  const names = [s.nick, s.group, s.user, s.host];
  for (const p of input.peers) names.push(p.nick, p.group, p.user, p.host);
  return redactText(text, names);
}

/**
 * The doctor's report as text lines, the verdicts last (one line each in a single language, two
 * with 'both'). The CLI's human output uses this too.
 */
export function doctorText(d: DoctorReport, lang: 'en' | 'zh-CN' | 'both' = 'both'): string[] {
  const f = d.forward;
  const rtt = f?.stats.rttMs;
  const lines = [
    `doctor ${d.target.address}:${d.target.port}${d.target.nick ? ` (${d.target.nick}, ${d.target.client ?? '?'})` : ''}`,
    `  local      bind ${d.local.bind}:${d.local.port}${d.local.portInUse ? '  (wanted port is in use by another program)' : ''}`,
    `  route      ${d.local.route.error ? `error: ${d.local.route.error}` : `via ${d.local.route.interface ?? '?'} from ${d.local.route.sourceAddress ?? '?'}`}`,
    `  subnet     ${d.subnet.same ? `same as ${d.subnet.matches.map((m) => `${m.interface} ${m.subnet}`).join(', ')}` : `different (${d.subnet.guess})`}${d.subnet.inUnicastHosts ? ', in unicast hosts' : ''}`,
    `  last seen  ${d.lastSeen.at === null ? 'never' : `${Math.round((d.lastSeen.agoMs ?? 0) / 1000)} s ago (${d.lastSeen.mode}, ${d.lastSeen.packets} packets)`}; heard during checks: ${d.heardDuring}`,
    `  broadcast  ${d.broadcast.tried ? `${d.broadcast.mode}: ${d.broadcast.reached ? 'reached' : 'not reached'}` : d.broadcast.skipped ? 'skipped (pigeon doctor --broadcast-check)' : 'not tried'}`,
    `  unicast    ${f ? `${f.mode}: ${f.stats.received}/${f.stats.sent} answered${rtt ? `, rtt ${rtt.p50} ms` : ''}` : 'not tried'}`,
    `  back       ${d.reverse ? `${d.reverse.received}/${d.reverse.granted ?? '?'} probes from ${d.target.address} arrived` : 'not tried (needs a Pigeon peer)'}`,
    `  tcp ${d.tcp.port}   ${d.tcp.state}${d.tcp.state === 'open' || d.tcp.state === 'refused' ? ` in ${d.tcp.ms} ms` : ''}`,
    `  link       ${d.linkLayer}`,
    ...(d.refused ? [`  refused    ${refusalLine(d.refused)} (by this Pigeon)`] : []),
  ];
  for (const v of d.verdicts) {
    lines.push(
      lang === 'both'
        ? `  [${v.severity}] ${v.text.en}\n  ${' '.repeat(v.severity.length + 2)} ${v.text['zh-CN']}`
        : `  [${v.severity}] ${v.text[lang]}`,
    );
  }
  return lines;
}

/**
 * Replace names (whole words only) and IPv4 addresses with placeholders. Masks, 0.0.0.0,
 * 255.255.255.255 and loopback addresses stay: they identify nobody and explain a lot.
 */
export function redactText(text: string, names: readonly string[]): string {
  let out = text;
  const unique = [...new Set(names.filter((n) => n && n.trim().length >= 2))].sort(
    (a, b) => b.length - a.length,
  );
  unique.forEach((name, i) => {
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`(?<![\\w-])${escaped}(?![\\w-])`, 'g'), `name-${i + 1}`);
  });
  const nets = new Map<string, number>();
  return out.replace(
    /\b(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\b/g,
    (whole, a: string, b: string, c: string, d: string) => {
      if (a === '255' || a === '127' || whole === '0.0.0.0' || Number(a) > 255) return whole;
      const key = `${a}.${b}.${c}`;
      let n = nets.get(key);
      if (n === undefined) {
        n = nets.size + 1;
        nets.set(key, n);
      }
      return `net${n}.${d}`;
    },
  );
}

/** "340 (intake-rate 338, answer-budget 2)" */
export function refusalLine(s: SourceRefusals): string {
  const parts = Object.entries(s.counts)
    .filter(([, n]) => (n ?? 0) > 0)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
    .map(([k, n]) => `${k} ${n}`);
  return `${s.total} (${parts.join(', ')})`;
}

function ago(now: number, at: number): string {
  const s = Math.max(0, Math.round((now - at) / 1000));
  return s < 120 ? `${s} s ago` : `${Math.round(s / 60)} min ago`;
}
