import { randomBytes } from 'node:crypto';
import type {
  ChatMessage,
  DeliveryState,
  EngineEvent,
  EngineSettings,
  IncomingMessage,
  Peer,
  WireEncoding,
} from '../../shared/model';
import {
  Mode,
  Opt,
  buildEntryExtra,
  buildMessageBody,
  cleanFeiqText,
  clientFromVersion,
  decodeLenient,
  decodeText,
  displayNames,
  hasOpt,
  makeCommand,
  modeOf,
  normaliseLineBreaks,
  parseDatagram,
  parseEntryExtra,
  parseAnsweredPacketNo,
  parseMessageBody,
  pigeonVersionField,
  receiveEncoding,
  sendEncoding,
  splitForWire,
  toBase64,
  utf8Bytes,
  type WirePacket,
} from '../../shared/protocol';
import { systemClock, type Clock } from './clock';
import { Conversations } from './conversations';
import { Dedupe } from './dedupe';
import { DeliveryQueue, type OutgoingItem } from './delivery-queue';
import { EngineDiagnostics, type DiagnosticsOptions } from './diagnostics/engine-diagnostics';
import type { EchoStart } from './echo/echo-service';
import type { EngineApi, SendRequest } from './engine-api';
import { defaultBroadcastTargets, expandHosts, isIpv4 } from './network-interfaces';
import { PacketNumbers } from './packet-numbers';
import { PartAssembler } from './part-assembler';
import { PeerTable } from './peer-table';
import { validateSettings } from './settings';
import { StartError, explainBindError } from './start-error';
import { TcpService } from './tcp-service';
import { UdpTransport, type Datagram, type DatagramTransport } from './transport';
import { PIGEON_VERSION } from './version';
import { Wire } from './wire';
import type {
  DoctorReport,
  DoctorRequest,
  EchoRequest,
  EchoResult,
  InterfacesReport,
  ReachRequest,
  ReachResult,
  SweepRequest,
  SweepResult,
} from '../../shared/model';

/** Knobs for tests and benchmarks; the app uses the defaults. */
export interface EngineOptions {
  transport?: DatagramTransport;
  clock?: Clock;
  /** Resend interval and count (IPMsg and iptux: 1 s, 4 retries). */
  retryMs?: number;
  maxRetries?: number;
  /** Largest datagram we send; one Ethernet MTU minus IP/UDP headers keeps us unfragmented. */
  maxDatagram?: number;
  /** Repeat the start-up BR_ENTRY after this long (IPMsg repeats it once); 0 disables. */
  entryRepeatMs?: number;
  /**
   * After a refresh, peers that announced themselves but have not answered within this long
   * are shown offline (IPMsg has no heartbeat: a colleague who shut the lid without a BR_EXIT
   * would otherwise stay "online" for ever). IP Messenger waits up to 4095 ms before it
   * answers an entry when it knows 300 hosts or more, so the default leaves room for that.
   * 0 disables.
   */
  presenceCheckMs?: number;
  /** Skip the TCP listener (benchmarks running hundreds of engines). */
  tcp?: boolean;
  /** Echo and diagnostics knobs: fake sockets, interfaces and probes for tests. */
  diagnostics?: DiagnosticsOptions;
}

export const SAFE_DATAGRAM = 1400;
/** How long a peer has to answer a refresh before it is shown offline (see refresh). */
export const PRESENCE_CHECK_MS = 6000;
/** Presence packets sent per event-loop turn (see announce). */
const ANNOUNCE_BATCH = 32;

/** Counters for diagnostics: what arrived and what was rejected. */
export interface EngineStats {
  received: number;
  malformed: number;
  own: number;
  sent: number;
  sendErrors: number;
}

export function createEngine(settings: EngineSettings, options: EngineOptions = {}): Engine {
  return new Engine(settings, options);
}

export class Engine implements EngineApi {
  private readonly clock: Clock;
  private readonly transport: DatagramTransport;
  private readonly wire: Wire;
  private readonly peersTable = new PeerTable();
  private readonly dedupe = new Dedupe();
  private readonly conversations = new Conversations();
  private readonly assembler = new PartAssembler();
  private readonly queue: DeliveryQueue;
  private readonly tcp: TcpService | undefined;
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  private readonly answeredEntries = new Dedupe(4, 4096);
  private readonly timers = new Set<unknown>();
  private readonly counters = { received: 0, malformed: 0, own: 0 };
  private readonly maxDatagram: number;
  /** Our header's size with a 10-digit packet number and command: what a message body leaves. */
  private readonly headerBytes: number;
  /** Per-address caps learned by size sweeps (only ever below maxDatagram). */
  private readonly peerMaxDatagram = new Map<string, number>();
  private readonly diag: EngineDiagnostics;
  private running = false;
  /**
   * Addresses our own packets can come back from (the bind address and every interface's).
   * With the exact-bytes check in Wire this makes identity the instance: two engines with the
   * same names started in the same second still hear each other from their distinct addresses.
   */
  private localAddresses = new Set<string>();
  private messageSeq = 0;
  private readonly instance = randomBytes(3).toString('hex');
  /** Peers shown offline because they did not answer a refresh (not because they said BR_EXIT). */
  private readonly silent = new WeakSet<Peer>();
  /** For each refresh still waiting: the peers not heard from since it went out. */
  private readonly awaitingAnswer: Set<Peer>[] = [];

  constructor(
    private current: EngineSettings,
    private readonly options: EngineOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.transport = options.transport ?? new UdpTransport();
    this.maxDatagram = options.maxDatagram ?? SAFE_DATAGRAM;
    this.headerBytes =
      pigeonVersionField(PIGEON_VERSION).length +
      current.user.length +
      current.host.length +
      10 +
      10 +
      5;
    this.wire = new Wire(this.transport, new PacketNumbers(() => this.clock.now()), {
      version: pigeonVersionField(PIGEON_VERSION),
      user: current.user,
      host: current.host,
    });
    this.queue = new DeliveryQueue({
      clock: this.clock,
      wire: this.wire,
      retryMs: options.retryMs ?? 1000,
      maxRetries: options.maxRetries ?? 4,
      onState: (item, state) => this.onDeliveryState(item, state),
    });
    this.tcp = options.tcp === false ? undefined : new TcpService();
    this.diag = new EngineDiagnostics(
      {
        clock: this.clock,
        now: options.clock ? () => this.clock.now() : () => performance.now(),
        wire: this.wire,
        settings: () => this.current,
        isRunning: () => this.running,
        local: () => this.transport.local(),
        buildEntry: () =>
          this.wire.build(
            makeCommand(Mode.BR_ENTRY, this.statusOptions()),
            this.entryExtra('utf-8'),
          ).bytes,
        broadcastTargets: () => this.broadcastTargets(),
        findPeer: (address, port) => this.peersTable.findByAddress(address, port),
        peers: () => this.peers(),
        emit: (e) => this.emit(e),
        setPeerMaxDatagram: (address, bytes) => this.setPeerMaxDatagram(address, bytes),
        refresh: () => this.refresh(),
        stats: () => ({ ...this.stats() }),
      },
      options.diagnostics,
    );
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  async start(): Promise<void> {
    if (this.running) return;
    const problems = validateSettings(this.current);
    if (problems.length) throw new StartError('invalid-settings', problems.join('; '));
    const { bind, port } = this.current;
    this.transport.onDatagram((d) => this.receive(d));
    try {
      await this.transport.bind(bind, port);
    } catch (err) {
      throw explainBindError(err, 'UDP', bind, port);
    }
    try {
      await this.tcp?.listen(bind, this.transport.local().port);
    } catch (err) {
      await this.transport.close();
      throw err;
    }
    this.running = true;
    this.diag.start();
    const local = this.transport.local();
    this.localAddresses = new Set(this.transport.localAddresses());
    this.emit({
      type: 'ready',
      bind: local.address,
      port: local.port,
      nick: this.current.nick,
      group: this.current.group,
      user: this.current.user,
      host: this.current.host,
      broadcast: this.broadcastTargets(),
    });
    this.refresh();
    const repeat = this.options.entryRepeatMs ?? 3000;
    if (repeat > 0) this.later(repeat, () => this.announce(Mode.BR_ENTRY));
    this.later(15_000, () => this.sweep());
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.diag.stop();
    for (const t of this.timers) this.clock.clearTimeout(t);
    this.timers.clear();
    this.awaitingAnswer.length = 0;
    this.queue.failAll('stopped', 'Pigeon stopped before the message was acknowledged');
    await this.announce(Mode.BR_EXIT, this.peersTable.online());
    await this.tcp?.close();
    await this.transport.close();
    this.emit({ type: 'stopped' });
  }

  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  settings(): EngineSettings {
    return {
      ...this.current,
      broadcast: [...this.current.broadcast],
      unicastHosts: [...this.current.unicastHosts],
    };
  }

  updateSettings(patch: Partial<Pick<EngineSettings, 'nick' | 'group'>>): void {
    const next = { ...this.current, ...patch };
    const problems = validateSettings(next);
    if (problems.length) throw new StartError('invalid-settings', problems.join('; '));
    this.current = next;
    if (this.running) void this.announce(Mode.BR_ABSENCE);
  }

  stats(): EngineStats {
    return { ...this.counters, sent: this.wire.stats.sent, sendErrors: this.wire.stats.sendErrors };
  }

  local(): { address: string; port: number } {
    return this.transport.local();
  }

  peers(): Peer[] {
    return this.peersTable.list().map(clonePeer);
  }

  /**
   * Ask everyone to answer (BR_ENTRY). Every IPMsg client answers an entry (iptux at once,
   * IP Messenger within about 4 s), so a peer that announced itself and stays silent for
   * presenceCheckMs is shown offline; any packet from it later brings it back.
   */
  refresh(): void {
    const wait = this.options.presenceCheckMs ?? PRESENCE_CHECK_MS;
    if (wait > 0 && this.running) {
      // Who must answer: peers that announced themselves (they are sure to answer an entry).
      // Each packet heard from one takes it off; a set, not timestamps, so that a wall clock
      // set back in the meantime cannot make an answer look old.
      const unanswered = new Set(this.peersTable.online().filter((p) => p.announced));
      this.awaitingAnswer.push(unanswered);
      this.later(wait, () => this.markSilentPeersOffline(unanswered));
    }
    void this.announce(Mode.BR_ENTRY);
  }

  private markSilentPeersOffline(unanswered: Set<Peer>): void {
    const i = this.awaitingAnswer.indexOf(unanswered);
    if (i >= 0) this.awaitingAnswer.splice(i, 1);
    for (const peer of unanswered) {
      if (this.peersTable.setOnline(peer.id, false) !== 'offline') continue;
      this.silent.add(peer);
      this.emitPeerChange(peer, 'offline');
    }
  }

  /** A packet from a known peer: it is there. One that went silent is back. */
  private heardFrom(peer: Peer): void {
    this.peersTable.touch(peer, this.clock.now());
    for (const unanswered of this.awaitingAnswer) unanswered.delete(peer);
    if (!peer.online && this.silent.delete(peer)) {
      this.emitPeerChange(peer, this.peersTable.setOnline(peer.id, true));
    }
  }

  announceTo(address: string, port = this.current.port): void {
    if (!isIpv4(address) || !this.running) return;
    void this.sendEntry(Mode.BR_ENTRY, address, port, undefined, Opt.DIALUPOPT);
  }

  // ---- presence ------------------------------------------------------------------------------

  broadcastTargets(): string[] {
    return this.current.broadcast.length ? [...this.current.broadcast] : defaultBroadcastTargets();
  }

  private unicastTargets(): string[] {
    const out: string[] = [];
    for (const spec of this.current.unicastHosts) {
      const r = expandHosts(spec);
      if (r.ok) out.push(...r.addresses);
    }
    return out;
  }

  private capabilities(): string[] {
    const caps = ['parts'];
    if (this.current.answerEcho) caps.push('echo');
    return caps;
  }

  /** Our status bits for entry packets. Only what is implemented: no files, no encryption yet. */
  private statusOptions(): number {
    return Opt.CAPUTF8OPT;
  }

  private entryExtra(encoding: WireEncoding): Uint8Array {
    return buildEntryExtra({
      nick: this.current.nick,
      group: this.current.group,
      user: this.current.user,
      host: this.current.host,
      encoding,
      capabilities: this.capabilities(),
    });
  }

  /**
   * Broadcast a presence packet (UTF-8 names, CAPUTF8OPT, never UTF8OPT on BR_*), unicast it with
   * DIALUPOPT to the configured hosts and to peers that asked for unicast presence, plus `extra`.
   */
  private async announce(mode: number, extraPeers: Peer[] = []): Promise<void> {
    const port = this.current.port;
    const { bytes } = this.wire.build(
      makeCommand(mode, this.statusOptions()),
      this.entryExtra('utf-8'),
    );
    const jobs: (() => Promise<unknown>)[] = [];
    for (const target of this.broadcastTargets()) {
      jobs.push(() => this.wire.sendBytes(bytes, target, port));
    }
    const unicast = new Map<string, [string, number]>();
    for (const a of this.unicastTargets()) unicast.set(`${a}:${port}`, [a, port]);
    for (const p of this.peersTable.online())
      if (p.capabilities.dialup) unicast.set(p.id, [p.address, p.port]);
    for (const p of extraPeers) unicast.set(p.id, [p.address, p.port]);
    if (unicast.size) {
      const dial = this.wire.build(
        makeCommand(mode, this.statusOptions(), Opt.DIALUPOPT),
        this.entryExtra('utf-8'),
      ).bytes;
      for (const [a, p] of unicast.values()) jobs.push(() => this.wire.sendBytes(dial, a, p));
    }
    // FeiQ reads names as GBK: tell each FeiQ peer our names in its own encoding.
    if (mode !== Mode.BR_EXIT) {
      for (const p of this.peersTable.online()) {
        if (p.client === 'feiq')
          jobs.push(() => this.sendEntry(Mode.BR_ABSENCE, p.address, p.port, p));
      }
    }
    // Every target answers an entry at once (iptux does not wait): sending to hundreds of
    // hosts in one burst brings hundreds of answers at once, more than a socket buffer holds.
    // Batches with a turn of the event loop between them let us read the answers as they come.
    for (let i = 0; i < jobs.length; i += ANNOUNCE_BATCH) {
      if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      await Promise.all(jobs.slice(i, i + ANNOUNCE_BATCH).map((job) => job()));
    }
  }

  /** One unicast presence packet in the peer's encoding. */
  private async sendEntry(
    mode: number,
    address: string,
    port: number,
    peer?: Peer,
    extraOpt = 0,
  ): Promise<void> {
    const how = peer ? this.writingTo(peer) : { encoding: 'utf-8' as const, utf8Opt: false };
    // UTF8OPT is for unicast answers only; BR_* packets never carry it.
    const utf8Opt = how.utf8Opt && mode === Mode.ANSENTRY ? Opt.UTF8OPT : 0;
    await this.wire.send(
      makeCommand(mode, this.statusOptions(), utf8Opt, extraOpt),
      this.entryExtra(how.encoding),
      address,
      port,
    );
  }

  private onEntry(p: WirePacket, d: Datagram): void {
    const mode = modeOf(p.command);
    const existing = this.peersTable.findByAddress(d.address, d.port);
    const encoding = receiveEncoding({
      version: p.version,
      command: p.command,
      body: p.extra,
      known: existing?.encoding,
      legacy: this.current.legacyEncoding,
    });
    const info = parseEntryExtra(p.extra, encoding);
    const names = displayNames(info);
    const client = clientFromVersion(p.version);
    const peerEncoding: WireEncoding =
      client === 'iptux'
        ? (info.declaredEncoding ?? 'utf-8')
        : client === 'feiq'
          ? 'gbk'
          : client === 'pigeon' || hasOpt(p.command, Opt.CAPUTF8OPT)
            ? 'utf-8'
            : encoding === 'utf-8'
              ? (existing?.encoding ?? this.current.legacyEncoding)
              : encoding;
    const isExit = mode === Mode.BR_EXIT;
    const { peer, change } = this.peersTable.upsert(
      d.address,
      d.port,
      {
        // BR_EXIT from iptux carries no names: keep the ones we know.
        nick: isExit ? undefined : names.nick,
        group: isExit ? undefined : names.group,
        user: info.ext.user ?? decodeLenient(p.user, encoding),
        host: info.ext.host ?? decodeLenient(p.host, encoding),
        client,
        version: p.version,
        encoding: peerEncoding,
        utf8: client === 'iptux' || client === 'pigeon' || hasOpt(p.command, Opt.CAPUTF8OPT),
        files: hasOpt(p.command, Opt.FILEATTACHOPT),
        echo: client === 'pigeon' && (info.ext.pigeon ?? []).includes('echo'),
        // Sticky until exit: a peer that asked once for unicast presence keeps getting it.
        dialup: !isExit && hasOpt(p.command, Opt.DIALUPOPT) ? true : undefined,
        // iptux sets ABSENCEOPT on every entry although it has no away state.
        away: client === 'iptux' || isExit ? undefined : hasOpt(p.command, Opt.ABSENCEOPT),
        announced: true,
        online: !isExit,
      },
      this.clock.now(),
      this.current.legacyEncoding,
    );
    // Its own word (an entry, or BR_EXIT) settles whether it is online.
    this.silent.delete(peer);
    for (const unanswered of this.awaitingAnswer) unanswered.delete(peer);
    if (mode === Mode.BR_ENTRY) {
      // A restarted peer counts its packet numbers from the start again.
      this.dedupe.resetIfRestarted(peer.id, p.packetNo);
      // The limited and the directed broadcast bring the same entry twice: answer once.
      if (this.answeredEntries.firstTime(peer.id, p.packetNo)) {
        void this.sendEntry(Mode.ANSENTRY, d.address, d.port, peer);
      }
    }
    if (change === 'online' && client === 'feiq')
      void this.sendEntry(Mode.BR_ABSENCE, d.address, d.port, peer);
    this.emitPeerChange(peer, change);
  }

  private emitPeerChange(peer: Peer, change: 'online' | 'changed' | 'offline' | 'none'): void {
    if (change === 'none') return;
    const type =
      change === 'online' ? 'peer-online' : change === 'offline' ? 'peer-offline' : 'peer-changed';
    this.emit({ type, peer: clonePeer(peer) });
  }

  /** Forget nothing, but release long-message parts that never completed. */
  private sweep(): void {
    for (const { peerId: id, text } of this.assembler.expire(this.clock.now())) {
      const peer = this.peersTable.get(id);
      if (peer) this.deliverIncoming(peer, text, false, undefined);
    }
    this.later(15_000, () => this.sweep());
  }

  // ---- receiving -----------------------------------------------------------------------------

  private receive(d: Datagram): void {
    this.counters.received++;
    try {
      const parsed = parseDatagram(d.bytes);
      if (!parsed.ok) {
        this.counters.malformed++;
        return;
      }
      const p = parsed.value;
      if (this.localAddresses.has(d.address) && this.wire.isOwn(p.packetNo, d.bytes)) {
        this.counters.own++;
        return;
      }
      this.diag.observe(p, d);
      this.dispatch(p, d);
    } catch (err) {
      this.handlerFailed(err);
    }
  }

  /** A bug in a handler must not take the socket down with it: count it and carry on. */
  private handlerFailed(err: unknown): void {
    this.counters.malformed++;
    this.emit({
      type: 'error',
      code: 'internal',
      message: `packet handling failed: ${String(err)}`,
    });
  }

  private dispatch(p: WirePacket, d: Datagram): void {
    const mode = modeOf(p.command);
    switch (mode) {
      case Mode.BR_ENTRY:
      case Mode.ANSENTRY:
      case Mode.BR_ABSENCE:
      case Mode.BR_EXIT:
        this.onEntry(p, d);
        return;
      case Mode.SENDMSG:
        this.onSendMsg(p, d);
        return;
      case Mode.RECVMSG: {
        const no = parseAnsweredPacketNo(p.extra);
        if (no >= 0) this.queue.ack(d.address, no);
        this.touch(d);
        return;
      }
      case Mode.READMSG:
        if (hasOpt(p.command, Opt.READCHECKOPT)) {
          this.wire.post(this.wire.buildReply(Mode.ANSREADMSG, p.packetNo), d.address, d.port);
        }
        return;
      case Mode.GETINFO:
        void this.wire.send(
          Mode.SENDINFO,
          utf8Bytes(`Pigeon ${PIGEON_VERSION}\0`),
          d.address,
          d.port,
        );
        return;
      case Mode.GETABSENCEINFO:
        void this.wire.send(
          Mode.SENDABSENCEINFO,
          utf8Bytes('Not absence mode\0'),
          d.address,
          d.port,
        );
        return;
      case Mode.FEIQ_OPEN_YOU:
        void this.wire.send(Mode.FEIQ_RESP_YOU, new Uint8Array([0]), d.address, d.port);
        return;
      case Mode.PIGEON_ECHO:
        // Answered when answerEcho is on; also probe-back requests and probes sent back to us.
        this.diag.echo.onProbe(p, d);
        return;
      case Mode.PIGEON_ECHO_REPLY:
        this.diag.echo.onReply(p, d);
        return;
      default:
        // Typing indicators, window shakes, FeiQ images, iptux icons...: understood as noise.
        this.touch(d);
    }
  }

  private touch(d: Datagram): void {
    const peer = this.peersTable.findByAddress(d.address, d.port);
    if (peer) this.heardFrom(peer);
  }

  private onSendMsg(p: WirePacket, d: Datagram): void {
    const broadcast = hasOpt(p.command, Opt.BROADCASTOPT);
    const autoReply = hasOpt(p.command, Opt.AUTORETOPT);
    // Ack every copy, duplicates too: our first ack may have been lost. Never ack broadcasts
    // or automatic replies (that is how message storms between two away-repliers start).
    if (hasOpt(p.command, Opt.SENDCHECKOPT) && !broadcast && !autoReply) {
      this.wire.post(this.wire.buildReply(Mode.RECVMSG, p.packetNo), d.address, d.port);
    }
    let peer = this.peersTable.findByAddress(d.address, d.port);
    if (!peer) {
      // A host that never announced itself: show its message anyway, as IPMsg does, and
      // introduce ourselves so it can answer (unless it asked not to be added).
      const client = clientFromVersion(p.version);
      const enc = receiveEncoding({
        version: p.version,
        command: p.command,
        body: p.extra,
        legacy: this.current.legacyEncoding,
      });
      const created = this.peersTable.upsert(
        d.address,
        d.port,
        {
          user: decodeLenient(p.user, enc),
          host: decodeLenient(p.host, enc),
          client,
          version: p.version,
          encoding: enc,
          utf8: hasOpt(p.command, Opt.UTF8OPT) || client === 'iptux' || client === 'pigeon',
          announced: false,
        },
        this.clock.now(),
        this.current.legacyEncoding,
      );
      peer = created.peer;
      this.emitPeerChange(peer, created.change);
      if (!hasOpt(p.command, Opt.NOADDLISTOPT))
        void this.sendEntry(Mode.BR_ENTRY, d.address, d.port, peer);
    } else {
      this.heardFrom(peer);
    }
    if (!this.dedupe.firstTime(peer.id, p.packetNo)) return;
    // The ack has already left (post() hands it to the socket at once): decoding the text
    // does not hold up the sender's round trip.
    this.readMessage(p, peer, broadcast);
  }

  private readMessage(p: WirePacket, peer: Peer, broadcast: boolean): void {
    const body = parseMessageBody(p.extra);
    const encoding = receiveEncoding({
      version: p.version,
      command: p.command,
      body: body.text,
      known: peer.encoding,
      legacy: this.current.legacyEncoding,
    });
    const decoded = decodeText(body.text, encoding);
    if (!decoded.ok) {
      this.deliverIncoming(peer, '', broadcast, { rawBase64: toBase64(body.text), encoding });
      return;
    }
    let text = normaliseLineBreaks(decoded.text);
    if (peer.client === 'feiq') text = cleanFeiqText(text);
    if (body.part && peer.client === 'pigeon') {
      const whole = this.assembler.add(peer.id, body.part, text, this.clock.now());
      if (whole === undefined) return;
      text = whole;
    }
    this.deliverIncoming(peer, text, broadcast, undefined);
  }

  private deliverIncoming(
    peer: Peer,
    text: string,
    broadcast: boolean,
    undecodable: IncomingMessage['undecodable'],
  ): void {
    const message: ChatMessage = {
      id: this.newMessageId(),
      peerId: peer.id,
      direction: 'in',
      text,
      at: this.clock.now(),
      broadcast,
      ...(undecodable ? { undecodable } : {}),
    };
    this.conversations.add(message);
    if (this.listeners.size === 0) return;
    this.emit({ type: 'message', ...message, direction: 'in', from: clonePeer(peer) });
  }

  // ---- sending -------------------------------------------------------------------------------

  send(request: SendRequest): ChatMessage[] {
    const text = normaliseLineBreaks(request.text);
    const out: ChatMessage[] = [];
    if (text.includes('\0')) {
      // NUL ends the text on the wire: the peer would see only the part before it.
      return request.to.map((to) =>
        this.failedImmediately(
          to,
          text,
          'invalid',
          'the text contains a NUL character, which IP Messenger cannot carry',
        ),
      );
    }
    const seen = new Set<string>();
    for (const to of request.to) {
      const peer = this.resolveRecipient(to);
      if (!peer) {
        out.push(
          this.failedImmediately(
            to,
            text,
            'invalid',
            `${JSON.stringify(to)} is not a peer or an IPv4 address`,
          ),
        );
        continue;
      }
      if (seen.has(peer.id)) continue;
      seen.add(peer.id);
      out.push(this.queueText(peer, text, false));
    }
    return out;
  }

  broadcastText(text: string): ChatMessage {
    const clean = normaliseLineBreaks(text);
    if (clean.includes('\0')) {
      return this.failedImmediately(
        '*',
        clean,
        'invalid',
        'the text contains a NUL character, which IP Messenger cannot carry',
      );
    }
    const message: ChatMessage = {
      id: this.newMessageId(),
      peerId: '*',
      direction: 'out',
      text: clean,
      at: this.clock.now(),
      broadcast: true,
      delivery: { state: 'sent', attempts: 1 },
    };
    this.conversations.add(message);
    // No acks for broadcasts. Unicast to each online peer in its own encoding, so FeiQ and
    // legacy IPMsg read it right (one broadcast datagram can only have one encoding).
    for (const peer of this.peersTable.online()) {
      const extras = this.encodeFor(peer, clean);
      if (!extras.ok) {
        // Nobody acks a broadcast, so say here who could not be written to and why.
        this.emit({
          type: 'error',
          code: 'broadcast-encoding',
          message: `broadcast not sent to ${peer.nick} (${peer.address}): ${extras.reason}`,
        });
        continue;
      }
      const cmd = makeCommand(Mode.SENDMSG, Opt.BROADCASTOPT, extras.utf8Opt ? Opt.UTF8OPT : 0);
      for (const extra of extras.extras) void this.wire.send(cmd, extra, peer.address, peer.port);
    }
    return { ...message };
  }

  retry(messageId: string): ChatMessage | undefined {
    const old = this.conversations.undelivered(messageId);
    if (!old || old.direction !== 'out' || old.delivery?.state !== 'failed') return undefined;
    const peer = this.peersTable.get(old.peerId) ?? this.resolveRecipient(old.peerId);
    if (!peer) return undefined;
    return this.queueText(peer, old.text, false);
  }

  conversation(id: string): ChatMessage[] {
    return this.conversations.list(id);
  }

  conversationList(): { peerId: string; last: ChatMessage }[] {
    return this.conversations.summaries();
  }

  private resolveRecipient(to: string): Peer | undefined {
    const byId = this.peersTable.get(to);
    if (byId) return byId;
    const m = /^([0-9.]+)(?::(\d{1,5}))?$/.exec(to.trim());
    if (!m || !isIpv4(m[1] ?? '')) return undefined;
    const address = m[1] ?? '';
    const port = m[2] ? Number(m[2]) : this.current.port;
    if (port < 1 || port > 65535) return undefined;
    const known = this.peersTable.findByAddress(address, port);
    if (known) return known;
    // Never heard of: write UTF-8 with UTF8OPT, which every current client reads.
    const created = this.peersTable.upsert(
      address,
      port,
      { utf8: true, encoding: 'utf-8', announced: false, online: false },
      this.clock.now(),
      this.current.legacyEncoding,
    );
    return created.peer;
  }

  private encodeFor(
    peer: Peer,
    text: string,
  ): { ok: true; extras: Uint8Array[]; utf8Opt: boolean } | { ok: false; reason: string } {
    const how = this.writingTo(peer);
    const budget = this.datagramLimit(peer.address) - this.headerBytes - 40;
    const split = splitForWire(text, how.encoding, budget);
    if (!split.ok)
      return {
        ok: false,
        reason: `cannot write to ${peer.nick} in ${how.encoding.toUpperCase()}: ${split.reason}`,
      };
    if (split.pieces.length === 1 || peer.client !== 'pigeon') {
      return {
        ok: true,
        extras: split.pieces.map((piece) => buildMessageBody(piece)),
        utf8Opt: how.utf8Opt,
      };
    }
    const id = `${this.instance}${(++this.messageSeq).toString(36)}`;
    const count = split.pieces.length;
    return {
      ok: true,
      extras: split.pieces.map((piece, index) => buildMessageBody(piece, { id, index, count })),
      utf8Opt: how.utf8Opt,
    };
  }

  /** How to write to this peer: its encoding, and whether to set UTF8OPT. */
  private writingTo(peer: Peer): { encoding: WireEncoding; utf8Opt: boolean } {
    return sendEncoding({
      client: peer.client,
      encoding: peer.encoding,
      utf8Capable: peer.capabilities.utf8,
    });
  }

  private queueText(peer: Peer, text: string, broadcast: boolean): ChatMessage {
    const message: ChatMessage = {
      id: this.newMessageId(),
      peerId: peer.id,
      direction: 'out',
      text,
      at: this.clock.now(),
      broadcast,
      delivery: { state: 'queued' },
    };
    this.conversations.add(message);
    if (!this.running) {
      this.setDelivery(message, peer.id, {
        state: 'failed',
        code: 'stopped',
        reason: 'Pigeon is not running',
      });
      return { ...message };
    }
    const encoded = this.encodeFor(peer, text);
    if (!encoded.ok) {
      this.setDelivery(message, peer.id, {
        state: 'failed',
        code: 'encoding',
        reason: encoded.reason,
      });
      return { ...message };
    }
    const item: OutgoingItem = {
      messageId: message.id,
      peerId: peer.id,
      address: peer.address,
      port: peer.port,
      label: peer.nick === peer.address ? peer.address : `${peer.nick} (${peer.address})`,
      command: makeCommand(Mode.SENDMSG, Opt.SENDCHECKOPT, encoded.utf8Opt ? Opt.UTF8OPT : 0),
      extras: encoded.extras,
    };
    const snapshot = { ...message };
    this.queue.enqueue(item);
    return snapshot;
  }

  private failedImmediately(
    to: string,
    text: string,
    code: 'invalid',
    reason: string,
  ): ChatMessage {
    const message: ChatMessage = {
      id: this.newMessageId(),
      peerId: to,
      direction: 'out',
      text,
      at: this.clock.now(),
      broadcast: false,
      delivery: { state: 'failed', code, reason },
    };
    this.emit({
      type: 'delivery',
      messageId: message.id,
      peerId: to,
      delivery: message.delivery ?? { state: 'failed', code, reason },
    });
    return message;
  }

  private onDeliveryState(item: OutgoingItem, state: DeliveryState): void {
    this.conversations.setDelivery(item.messageId, state);
    this.emit({
      type: 'delivery',
      messageId: item.messageId,
      peerId: item.peerId,
      delivery: state,
    });
  }

  private setDelivery(message: ChatMessage, id: string, state: DeliveryState): void {
    message.delivery = state;
    this.emit({ type: 'delivery', messageId: message.id, peerId: id, delivery: state });
  }

  // ---- echo and diagnostics (electron/engine/echo, electron/engine/diagnostics) -----------------

  /** Start an echo run: progress arrives as 'echo-progress' events, the end as 'echo-done'. */
  startEcho(request: EchoRequest): EchoStart {
    return this.diag.echo.start(request);
  }

  /** Run an echo test to its end. Never rejects: a bad request gives a failed result. */
  echo(request: EchoRequest): Promise<EchoResult> {
    return this.diag.echo.echo(request);
  }

  /** Stop an echo run or a size sweep early; false when no such run is active. */
  cancelEcho(runId: string): boolean {
    return this.diag.echo.cancel(runId);
  }

  /** The largest payload that gets to a peer and back; messages to it then stay under it. */
  sizeSweep(request: SweepRequest): Promise<SweepResult> {
    return this.diag.echo.sweep(request);
  }

  /** Who answers a broadcast, per interface. */
  broadcastReach(request: ReachRequest = {}): Promise<ReachResult> {
    return this.diag.echo.reach(request);
  }

  /** "Why can't I see ...?": check one address and say what is wrong, with the fix. */
  doctor(request: DoctorRequest): Promise<DoctorReport> {
    return this.diag.doctor(request);
  }

  interfaces(): InterfacesReport {
    return this.diag.interfaces();
  }

  /** Diagnostics as one text block to paste; `redact` replaces addresses and names. */
  diagnosticsBundle(options: { redact?: boolean } = {}): string {
    return this.diag.bundle(options);
  }

  /** The shell heard of a wake from sleep or a network change: re-check and re-announce. */
  networkChanged(reason?: 'resume'): void {
    this.diag.networkChanged(reason);
  }

  /** Cap datagrams to one address (undefined lifts the cap); returns the cap now in force. */
  setPeerMaxDatagram(address: string, bytes: number | undefined): number | null {
    if (bytes === undefined || !(bytes < this.maxDatagram)) this.peerMaxDatagram.delete(address);
    else this.peerMaxDatagram.set(address, Math.max(256, Math.floor(bytes)));
    return this.peerMaxDatagram.get(address) ?? null;
  }

  private datagramLimit(address: string): number {
    return this.peerMaxDatagram.get(address) ?? this.maxDatagram;
  }

  // ---- plumbing ------------------------------------------------------------------------------

  private newMessageId(): string {
    return `${this.instance}-${(++this.messageSeq).toString(36)}`;
  }

  private later(ms: number, fn: () => void): void {
    const handle = this.clock.setTimeout(() => {
      this.timers.delete(handle);
      if (this.running) fn();
    }, ms);
    this.timers.add(handle);
  }

  private emit(event: EngineEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A listener's failure is the listener's problem, not the engine's.
      }
    }
  }
}

function clonePeer(p: Peer): Peer {
  return { ...p, capabilities: { ...p.capabilities } };
}
