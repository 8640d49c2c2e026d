import type { AppSettings, Handlers } from '../../../shared/contract';
import { diagnosticsBundle } from '../../../shared/diagnostics/bundle';
import type { ProbeRecord } from '../../../shared/diagnostics/echo-stats';
import { decideVerdicts, type DoctorEvidence } from '../../../shared/diagnostics/verdicts';
import type { DoctorReport, EchoMode, EchoResult, Peer } from '../../../shared/model';
import { cidr, coveredBy, inSubnet } from '../../../shared/protocol/address';
import { statsOf } from './fake-echo';
import { delay, hash, mulberry32, type FakeLan } from './fake-network';

/**
 * The doctor, the interfaces report and the diagnostics bundle for the in-memory fake API. The
 * checks are simulated on the demo's LAN (fake-network.ts); the verdicts and the bundle come from
 * the engine's own code (shared/diagnostics), so the demo says exactly what the app would.
 */
export type DoctorHandlers = Pick<Handlers, 'diag:doctor' | 'diag:interfaces' | 'diag:bundle'>;

interface FakeDoctorDeps {
  peers: () => ReadonlyMap<string, Peer>;
  settings: () => AppSettings;
  lan: FakeLan;
  echoRuns: () => EchoResult[];
}

/** As many doctor reports as the engine keeps for the diagnostics bundle. */
const KEEP_DOCTOR = 10;

export function createFakeDoctor({
  peers,
  settings,
  lan,
  echoRuns,
}: FakeDoctorDeps): DoctorHandlers {
  const doctorReports: DoctorReport[] = [];

  const doctor = async (to: string): Promise<DoctorReport> => {
    const started = Date.now();
    const target = lan.split(to, 'pigeon');
    const { address, port } = target;
    const peer = lan.peerAt(address);
    const link = lan.linkTo(address);
    const interfaces = lan.interfaces();
    const route = lan.routeTo(address);
    const matches = interfaces
      .filter((i) => !i.internal && inSubnet(address, i.address, i.prefix))
      .map((i) => ({ interface: i.name, subnet: i.subnet }));
    const guessPrefix =
      route.iface && route.iface.prefix >= 16 && route.iface.prefix <= 30 ? route.iface.prefix : 24;
    const subnet: DoctorReport['subnet'] = {
      same: matches.length > 0,
      matches,
      guess: cidr(address, guessPrefix),
      inUnicastHosts: settings().unicastHosts.some((h) => coveredBy(address, h)),
    };
    await delay(2600);
    const rand = mulberry32(hash(address));
    const rtts = Array.from({ length: 4 }, () => lan.sample(link, rand));
    const answered = link.answers.ipmsg;
    const mode: EchoMode = peer?.client === 'pigeon' || !peer ? 'pigeon' : 'ipmsg';
    // Plain IP Messenger drops every other ping in the demo, so its check comes out lossy.
    const probes: ProbeRecord[] = rtts.map((rtt, seq) =>
      answered && !(peer?.client === 'ipmsg' && seq % 2 === 1)
        ? { seq, rttMs: rtt }
        : { seq, lost: true },
    );
    const forward = { mode, stats: statsOf(probes, 0, 0) };
    // The demo's firewalls: iptux hosts drop TCP 2425, and ours drops the probes Bob sends back.
    const tcpBlocked = peer?.client === 'iptux';
    const inboundBlocked = peer?.nick === 'Bob Smith';
    const reverse =
      mode === 'pigeon' && answered
        ? { requested: 4, granted: 4, received: inboundBlocked ? 0 : 4, duplicates: 0, loss: 0 }
        : null;
    const evidence: DoctorEvidence = {
      address,
      port,
      portConflict: undefined,
      route: { sourceAddress: route.sourceAddress, interface: route.interface },
      subnet,
      theyReachUs: answered || (reverse?.received ?? 0) > 0,
      broadcast: {
        tried: true,
        mode: mode === 'pigeon' ? 'pigeon' : 'ipmsg',
        reached: answered && subnet.same,
      },
      forward,
      reverse,
      tcp: !answered || tcpBlocked ? 'timeout' : 'open',
      linkLayer: !subnet.same
        ? 'unknown'
        : answered || (peer && !peer.online)
          ? 'present'
          : 'absent',
    };
    const report: DoctorReport = {
      target: {
        ...target,
        ...(peer ? { peerId: peer.id, nick: peer.nick, client: peer.client } : {}),
      },
      at: started,
      durationMs: Date.now() - started,
      local: {
        bind: settings().bind,
        port: settings().port,
        portInUse: false,
        route: evidence.route,
        interfaces,
      },
      subnet,
      lastSeen: peer
        ? { at: peer.lastSeen, agoMs: started - peer.lastSeen, packets: 12, mode: 'ANSENTRY' }
        : { at: null, agoMs: null, packets: 0, mode: null },
      heardDuring: answered ? 1 : 0,
      broadcast: evidence.broadcast,
      forward,
      reverse,
      tcp: { port, state: evidence.tcp, ms: evidence.tcp === 'open' ? 1 : 1500 },
      linkLayer: evidence.linkLayer,
      verdicts: decideVerdicts(evidence, interfaces),
    };
    doctorReports.push(report);
    if (doctorReports.length > KEEP_DOCTOR) doctorReports.shift();
    return report;
  };

  const bundle = (redact: boolean): string => {
    const s = settings();
    return diagnosticsBundle(
      {
        version: '0.1.0-demo',
        platform: 'browser demo',
        node: 'none',
        at: Date.now(),
        settings: {
          nick: s.nick,
          group: s.group,
          user: s.user,
          host: s.host,
          bind: s.bind,
          port: s.port,
          broadcast: s.broadcast,
          unicastHosts: s.unicastHosts,
          legacyEncoding: 'gb18030',
          dataDir: '(in memory)',
          downloadDir: '(in memory)',
          answerEcho: true,
          away: s.away,
          awayMessage: s.awayMessage,
        },
        interfaces: lan.interfacesReport(),
        stats: {},
        peers: [...peers().values()],
        traffic: [],
        echoRuns: echoRuns(),
        doctor: [...doctorReports],
      },
      { redact },
    );
  };

  return {
    'diag:doctor': ({ to }) => doctor(to),
    'diag:interfaces': () => lan.interfacesReport(),
    'diag:bundle': ({ redact }) => ({ text: bundle(redact === true) }),
  };
}
