import { randomBytes } from 'node:crypto';
import {
  createRequestHandler,
  type EventListener,
  type Handlers,
  type RequestChannel,
  type RequestHandler,
} from '../../shared/contract';
import type { EngineSettings, Peer } from '../../shared/model';
import {
  Mode,
  parseDatagram,
  parseHostPort,
  pigeonVersionField,
  type WirePacket,
} from '../../shared/protocol';
import { systemClock, type Clock } from './clock';
import { TurnClock } from './turn-clock';
import { DatagramCaps, EventHub, type EngineContext } from './context';
import { EngineDiagnostics, type DiagnosticsOptions } from './diagnostics/engine-diagnostics';
import { diagnosticsHandlers } from './diagnostics/handlers';
import { EchoService } from './echo/echo-service';
import { echoHandlers } from './echo/handlers';
import { loadInstallId, newInstallId, type LoadedInstallId } from './io/install-id';
import { listIpv4Interfaces } from './io/network-interfaces';
import { ReplyGuard } from './io/reply-guard';
import { packetCounterFile } from './io/packet-counter-file';
import { linkMtu, routeTo } from './io/system-probes';
import { Files, type FilesOptions } from './files/files';
import { historyHandlers } from './history/handlers';
import { AddressChanges } from './identity/address-changes';
import { IdentityRows } from './identity/identity-rows';
import { openHistory, type HistoryOptions } from './history/open-history';
import type { HistoryStore } from './history/store';
import { filesHandlers } from './files/handlers';
import { TCP_LIMITS } from './tcp/tcp-limits';
import { answerWithoutFiles } from './tcp/tcp-no-files';
import { TcpService } from './tcp/tcp-service';
import { UdpSocket, type Datagram, type DatagramSocket } from './io/udp-socket';
import type { IntakeLimits } from './messaging/budgets';
import { messagingHandlers } from './messaging/handlers';
import { Messaging } from './messaging/messaging';
import { PacketNumbers } from './packet-numbers';
import { presenceHandlers } from './presence/handlers';
import { PeerTable } from './presence/peer-table';
import { Presence } from './presence/presence';
import type { PresenceMode } from './presence/presence-mode';
import { settingsHandlers, type LiveSettings, type UiShell } from './settings/handlers';
import { validateSettings } from './settings/settings';
import { RefusalLog } from './diagnostics/refusal-log';
import { explainBindError, invalidSettingsError } from './start-error';
import { PIGEON_VERSION } from './version';
import { Wire } from './wire';

/** Knobs for tests and benchmarks; the app uses the defaults. */
export interface EngineOptions {
  socket?: DatagramSocket;
  clock?: Clock;
  /** Resend interval and count (IPMsg and iptux: 1 s, 4 retries). */
  retryMs?: number;
  maxRetries?: number;
  /** Rate limits on incoming messages (messaging/budgets.ts INTAKE_LIMITS by default). */
  intake?: Partial<IntakeLimits>;
  /** Largest datagram we send; one Ethernet MTU minus IP/UDP headers keeps us unfragmented. */
  maxDatagram?: number;
  /** Repeat the start-up BR_ENTRY after this long (IPMsg repeats it once); 0 disables. */
  entryRepeatMs?: number;
  /** See Presence: how long a peer has to answer a refresh; 0 disables. */
  presenceCheckMs?: number;
  /**
   * Whom the engine tells it arrives and leaves (presence/presence-mode.ts): the whole LAN
   * (default), or only the few hosts a one-shot command talks to.
   */
  presence?: PresenceMode;
  /** Skip the TCP listener (benchmarks running hundreds of engines). */
  tcp?: boolean;
  /** Echo and diagnostics knobs: fake sockets, interfaces and probes for tests. */
  diagnostics?: DiagnosticsOptions;
  /** What `app:info` tells the UI: where it runs, and whether this is a first run. */
  ui?: UiShell;
  /** File transfer: the desktop shell's dialog and opener, the CLI's auto-accept, limits. */
  files?: Omit<FilesOptions, 'downloadDir' | 'record'>;
  /**
   * Where the history lives (history/open-history.ts): by default DATA/history.db when the
   * data directory exists, memory otherwise.
   */
  history?: HistoryOptions;
  /**
   * Keep messages to offline or silent peers in the outbox and send them when the peer is
   * back at the same address (messaging/held-messages.ts): the app and `serve`; a
   * one-shot `pigeon send` only with --queue.
   */
  outbox?: boolean;
  /** How long a held message waits before it fails 'expired' (default OUTBOX_TTL_MS). */
  outboxTtlMs?: number;
  /** Told about every error a request handler threw (for logs); never about bad requests. */
  onHandlerError?: (channel: RequestChannel, error: unknown) => void;
}

export const SAFE_DATAGRAM = 1400;
export { PRESENCE_CHECK_MS } from './presence/presence';
export type { PresenceMode } from './presence/presence-mode';

/** Counters for diagnostics: what arrived and what was rejected. */
export interface EngineStats {
  received: number;
  malformed: number;
  own: number;
  sent: number;
  sendErrors: number;
  /** Messages turned away by the intake's rate limits (neither acked nor stored). */
  refused: number;
  /**
   * Datagrams "from" an address no host has (a broadcast, network, multicast or unspecified
   * address): forged, so dropped before anything handles them.
   */
  impossible: number;
}

type PacketHandler = (p: WirePacket, d: Datagram) => void;

/**
 * The contract's request map as the capabilities implement it: each slice's types come from
 * its implementation (a synchronous handler stays synchronous for in-process callers such as
 * the CLI and the benchmarks), and the constructor checks the union against `Handlers`.
 */
export type EngineHandlers = ReturnType<typeof settingsHandlers> &
  ReturnType<typeof presenceHandlers> &
  ReturnType<typeof messagingHandlers> &
  ReturnType<typeof echoHandlers> &
  ReturnType<typeof diagnosticsHandlers> &
  ReturnType<typeof filesHandlers> &
  ReturnType<typeof historyHandlers>;

export function createEngine(settings: EngineSettings, options: EngineOptions = {}): Engine {
  return new Engine(settings, options);
}

/**
 * The engine: owns the sockets, the lifecycle and the table from IPMsg command to the
 * capability that handles it. Everything else lives in the capabilities (presence/, messaging/,
 * echo/, diagnostics/, settings/), each of which implements its slice of the contract's
 * request map; `handlers` is their union and `request` the validating dispatcher every host
 * (Electron IPC, the browser host's WebSocket, the CLI) calls. Events leave in the contract's
 * vocabulary through `subscribe`.
 */
export class Engine {
  readonly handlers: EngineHandlers;
  /** Validate, dispatch, answer with an envelope; never rejects. */
  readonly request: RequestHandler;

  private readonly clock: Clock;
  /** The clocks, read once per datagram handled (turn-clock.ts). */
  private readonly turn: TurnClock;
  private readonly socket: DatagramSocket;
  private readonly wire: Wire;
  private readonly numbers: PacketNumbers;
  private readonly hub = new EventHub();
  private readonly ctx: EngineContext;
  private readonly presence: Presence;
  private readonly messaging: Messaging;
  private readonly echo: EchoService;
  private readonly diagnostics: EngineDiagnostics;
  /** Notices of the same identity announced from a new address (identity/address-changes.ts). */
  readonly addressChanges: AddressChanges;
  readonly files: Files;
  /** Every message, the peers, the duplicate filter's keys (history/store.ts). */
  readonly history: HistoryStore;
  private readonly historyProblem: { file: string; error: string } | undefined;
  /** Ours, announced to Pigeons (io/install-id.ts): kept in the data directory with the history. */
  private readonly install: LoadedInstallId;
  /** When each peer was last written to the history (entries come often; writes need not). */
  private readonly peerNoted = new Map<string, number>();
  private readonly tcp: TcpService | undefined;
  private readonly routes: (PacketHandler | undefined)[] = new Array<PacketHandler | undefined>(
    256,
  );
  private readonly timers = new Set<unknown>();
  private readonly counters = { received: 0, malformed: 0, own: 0, impossible: 0 };
  private running = false;
  /**
   * Addresses our own packets can come back from (the bind address and every interface's).
   * With the exact-bytes check in Wire this makes identity the instance: two engines with the
   * same names started in the same second still hear each other from their distinct addresses.
   */
  private localAddresses = new Set<string>();

  constructor(
    private current: EngineSettings,
    private readonly options: EngineOptions = {},
  ) {
    const instance = randomBytes(3).toString('hex');
    // With the history on disk, the data directory is ours to write: the id lives there. In
    // memory (tests, benchmarks), one per process, like the history itself.
    this.install =
      options.history?.where === 'disk' ? loadInstallId(current.dataDir) : { id: newInstallId() };
    this.turn = options.clock
      ? new TurnClock(options.clock)
      : new TurnClock(systemClock, () => performance.now());
    this.clock = this.turn;
    this.socket = options.socket ?? new UdpSocket();
    this.numbers = new PacketNumbers(() => this.clock.now());
    this.numbers.onProblem((params) =>
      this.hub.emit('engine:error', { code: 'packet-counter', params: { ...params } }),
    );
    this.wire = new Wire(this.socket, this.numbers, {
      version: pigeonVersionField(PIGEON_VERSION),
      user: current.user,
      host: current.host,
    });
    const now = this.turn.monotonic;
    const refusals = new RefusalLog(() => this.clock.now());
    this.ctx = {
      clock: this.clock,
      now,
      wire: this.wire,
      peers: new PeerTable(),
      caps: new DatagramCaps(options.maxDatagram ?? SAFE_DATAGRAM),
      replies: new ReplyGuard(
        {
          now,
          local: () => this.socket.local(),
          localAddresses: () => this.socket.localAddresses(),
          interfaces: options.diagnostics?.listInterfaces ?? listIpv4Interfaces,
        },
        (address) => refusals.note('reply-guard', address),
      ),
      refusals,
      emit: this.hub.emit,
      listened: () => this.hub.size > 0,
      settings: () => this.current,
      dataDir: current.dataDir,
      installId: this.install.id,
      isRunning: () => this.running,
      turn: this.turn,
      local: () => this.socket.local(),
      later: (ms, fn) => this.later(ms, fn),
    };
    this.presence = new Presence(this.ctx, {
      ...(options.presenceCheckMs !== undefined
        ? { presenceCheckMs: options.presenceCheckMs }
        : {}),
      files: options.tcp !== false,
      ...(options.presence !== undefined ? { mode: options.presence } : {}),
      // A restarted peer counts its packet numbers from the start again.
      onEntry: (peer, packetNo) => {
        this.messaging.inbox.dedupe.resetIfRestarted(peer.id, packetNo);
        this.notePeer(peer);
      },
      // Back at this address: what waits for it in the outbox goes. Someone with its identity
      // at another address gets a notice in both conversations, and nothing else.
      onAnnounced: (peer) => {
        this.addressChanges.observe(peer);
        this.messaging.held.onAnnounced(peer);
      },
    });
    const opened = openHistory(current.dataDir, options.history);
    this.history = opened.store;
    this.historyProblem = opened.problem;
    this.messaging = new Messaging(this.ctx, this.presence, instance, {
      history: this.history,
      notePeer: (peer) => this.notePeer(peer),
      ...(options.retryMs !== undefined ? { retryMs: options.retryMs } : {}),
      ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
      ...(options.intake ? { intake: options.intake } : {}),
      outbox: options.outbox ?? false,
      ...(options.outboxTtlMs !== undefined ? { outboxTtlMs: options.outboxTtlMs } : {}),
    });
    this.addressChanges = new AddressChanges({
      rows: new IdentityRows(this.history.raw),
      now: () => this.clock.now(),
      monotonic: now,
      known: (id) => {
        const live = this.ctx.peers.get(id);
        if (live) return live;
        const stored = this.history.peer(id);
        const at = parseHostPort(id, 2425);
        return stored && at.ok ? { ...stored, address: at.address, port: at.port } : undefined;
      },
      live: (id) => this.ctx.peers.get(id),
      beforeLookup: () => this.history.flush(),
      write: (peerId, notice, peer) => this.messaging.writeNotice(peerId, notice, peer),
    });
    const diag = options.diagnostics ?? {};
    this.echo = new EchoService(
      this.ctx,
      this.presence,
      {
        openSocket: diag.openSocket ?? (() => new UdpSocket()),
        interfaces: () => this.diagnostics.interfaces().interfaces,
        routeTo: (address) =>
          diag.routeTo ? diag.routeTo(address) : routeTo(address, 9, undefined, this.current.bind),
        linkMtu: diag.linkMtu ?? linkMtu,
      },
      diag.probeBackLimits ? { probeBackLimits: diag.probeBackLimits } : {},
    );
    this.diagnostics = new EngineDiagnostics(
      this.ctx,
      this.presence,
      this.echo,
      () => ({ ...this.stats() }),
      diag,
    );
    this.files = new Files(this.ctx, this.messaging, instance, {
      ...options.files,
      downloadDir: () => this.current.downloadDir,
      record: this.history.transfers,
    });
    this.tcp =
      options.tcp === false
        ? undefined
        : new TcpService({ onRequest: this.files.tcpHandler(answerWithoutFiles(TCP_LIMITS)) });
    this.handlers = {
      ...settingsHandlers(this.ctx, options.ui ?? { shell: 'browser', firstRun: false }, (p) =>
        this.applyIdentity(p),
      ),
      ...presenceHandlers(this.ctx, this.presence),
      ...messagingHandlers(this.messaging, this.ctx.peers),
      ...echoHandlers(this.echo),
      ...diagnosticsHandlers(this.diagnostics),
      ...filesHandlers(this.files),
      ...historyHandlers(this.ctx, this.messaging, this.history),
    };
    const contract: Handlers = this.handlers;
    this.request = createRequestHandler(
      contract,
      options.onHandlerError ? { onHandlerError: options.onHandlerError } : {},
    );
    this.route();
  }

  /** This install's id, as our entries announce it to Pigeons. */
  get installId(): string {
    return this.install.id;
  }

  /** Which capability handles which command. Unlisted commands only show the peer is there. */
  private route(): void {
    const { presence, messaging, echo, files } = this;
    const entry: PacketHandler = (p, d) => presence.onEntry(p, d);
    const info: PacketHandler = (p, d) => presence.onInfoRequest(p, d);
    const table: [number, PacketHandler][] = [
      [Mode.BR_ENTRY, entry],
      [Mode.ANSENTRY, entry],
      [Mode.BR_ABSENCE, entry],
      [Mode.BR_EXIT, entry],
      [Mode.GETINFO, info],
      [Mode.GETABSENCEINFO, info],
      [Mode.FEIQ_OPEN_YOU, info],
      [Mode.SENDMSG, (p, d) => messaging.inbox.onSendMsg(p, d)],
      [Mode.RECVMSG, (p, d) => messaging.inbox.onRecvMsg(p, d)],
      [
        Mode.READMSG,
        (p, d) => {
          messaging.inbox.onReadMsg(p, d);
          messaging.sealed.onReadMsg(p, d);
        },
      ],
      [Mode.ANSREADMSG, (p, d) => messaging.sealed.onAnsReadMsg(p, d)],
      // Answered when answerEcho is on; also probe-back requests and probes sent back to us.
      [Mode.PIGEON_ECHO, (p, d) => echo.onProbe(p, d)],
      [Mode.PIGEON_ECHO_REPLY, (p, d) => echo.onReply(p, d)],
      [Mode.RELEASEFILES, (p, d) => files.onRelease(p, d)],
      [Mode.PIGEON_FILES_CANCEL, (p, d) => files.onCancelNotice(p, d)],
    ];
    for (const [mode, handler] of table) this.routes[mode] = handler;
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  async start(): Promise<void> {
    if (this.running) return;
    const problems = validateSettings(this.current);
    if (problems.length) throw invalidSettingsError(problems);
    const { bind, port } = this.current;
    this.socket.onDatagram((d) => this.receive(d));
    try {
      await this.socket.bind(bind, port);
    } catch (err) {
      throw explainBindError(err, 'UDP', bind, port);
    }
    try {
      await this.tcp?.listen(bind, this.socket.local().port);
    } catch (err) {
      await this.socket.close();
      throw err;
    }
    // Before we announce ourselves: continue above the numbers any earlier run used.
    this.numbers.open(packetCounterFile(this.current.dataDir));
    this.running = true;
    this.ctx.replies.invalidate();
    this.diagnostics.start();
    this.messaging.start();
    this.files.start();
    if (this.historyProblem)
      this.hub.emit('engine:error', { code: 'history-unavailable', params: this.historyProblem });
    if (this.install.problem)
      this.hub.emit('engine:error', { code: 'install-id', params: this.install.problem });
    this.syncHistory();
    const local = this.socket.local();
    this.localAddresses = new Set(this.socket.localAddresses());
    this.hub.emit('engine:ready', {
      bind: local.address,
      port: local.port,
      nick: this.current.nick,
      group: this.current.group,
      user: this.current.user,
      host: this.current.host,
      broadcast: this.presence.broadcastTargets(),
    });
    this.presence.refresh();
    const repeat = this.options.entryRepeatMs ?? 3000;
    if (repeat > 0) this.later(repeat, () => this.presence.announceAgain());
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.diagnostics.stop();
    this.echo.stop();
    for (const t of this.timers) this.clock.clearTimeout(t);
    this.timers.clear();
    this.messaging.stop();
    this.files.stop();
    try {
      this.history.syncAndWait(this.clock.now());
    } catch {
      // A failing disk: what was journalled is written at the next start.
    }
    await this.presence.sayGoodbye();
    this.numbers.close();
    await this.tcp?.close();
    await this.socket.close();
    this.hub.emit('engine:stopped', null);
  }

  /** Every event, in the contract's vocabulary; returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void {
    return this.hub.subscribe(listener);
  }

  /** A copy of the settings in force. */
  settings(): EngineSettings {
    return {
      ...this.current,
      broadcast: [...this.current.broadcast],
      unicastHosts: [...this.current.unicastHosts],
    };
  }

  stats(): EngineStats {
    return {
      ...this.counters,
      sent: this.wire.stats.sent,
      sendErrors: this.wire.stats.sendErrors,
      refused: this.messaging.intake.refusedTotal(),
    };
  }

  local(): { address: string; port: number } {
    return this.socket.local();
  }

  /** The shell heard of a wake from sleep or a network change: re-check and re-announce. */
  networkChanged(reason?: 'resume'): void {
    this.diagnostics.networkChanged(reason);
  }

  /**
   * Nick, group and the away state apply at once, and everyone is told (the away state is in
   * our entries' status bits and nick); a new away period answers everyone again.
   */
  private applyIdentity(patch: LiveSettings): void {
    const before = this.current;
    this.current = { ...this.current, ...patch };
    if (patch.away === true && !before.away) this.messaging.autoReply.reset();
    const announced =
      patch.nick !== undefined || patch.group !== undefined || this.current.away !== before.away;
    if (announced) this.presence.namesChanged();
  }

  // ---- receiving -----------------------------------------------------------------------------

  private receive(d: Datagram): void {
    this.turn.begin();
    try {
      this.handle(d);
    } finally {
      this.turn.end();
    }
  }

  private handle(d: Datagram): void {
    this.counters.received++;
    // No host has a broadcast, network or multicast address: a packet "from" one is forged. It
    // makes no peer and no conversation, and nothing answers it (an answer would go to a whole
    // subnet), so it goes before any handler sees it.
    if (this.ctx.replies.sourceRefusal(d.address) !== undefined) {
      this.counters.impossible++;
      this.ctx.refusals.note('impossible-source', d.address);
      return;
    }
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
      this.diagnostics.observe(p, d);
      const handler = this.routes[p.command & 0xff];
      // Typing indicators, window shakes, FeiQ images, iptux icons...: understood as noise.
      if (handler) handler(p, d);
      else this.presence.heardFromAddress(d);
    } catch (err) {
      // A bug in a handler must not take the socket down with it: count it and carry on.
      this.counters.malformed++;
      this.hub.emit('engine:error', { code: 'internal', params: { error: String(err) } });
    }
  }

  // ---- history -------------------------------------------------------------------------------

  /**
   * Every 2 s: what was committed since survives a power cut from then on (store.sync), so a
   * power cut costs at most the last 2 s of messages; a killed process costs nothing.
   */
  private syncHistory(): void {
    try {
      this.history.sync(this.clock.now());
    } catch {
      // A busy or failing disk: the next round tries again; commits are already safe from a crash.
    }
    this.later(2000, () => this.syncHistory());
  }

  /** Peers who announced themselves, remembered (at most once a minute each). */
  private notePeer(peer: Peer): void {
    const now = this.clock.now();
    const last = this.peerNoted.get(peer.id);
    if (last !== undefined && now - last < 60_000) return;
    if (this.peerNoted.size >= 20_000) this.peerNoted.clear();
    this.peerNoted.set(peer.id, now);
    try {
      this.history.notePeer(peer, now);
    } catch {
      // Only the list of peers we knew is at stake.
    }
  }

  // ---- plumbing ------------------------------------------------------------------------------

  private later(ms: number, fn: () => void): void {
    const handle = this.clock.setTimeout(() => {
      this.timers.delete(handle);
      if (this.running) fn();
    }, ms);
    this.timers.add(handle);
  }
}
