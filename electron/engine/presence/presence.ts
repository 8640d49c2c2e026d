import { DEFAULT_AWAY_MESSAGE, type Peer, type WireEncoding } from '../../../shared/model';
import {
  Mode,
  Opt,
  buildEntryExtra,
  buildLegacyEntryExtra,
  clientFromVersion,
  decodeLenient,
  displayNames,
  expandHosts,
  hasOpt,
  isIpv4,
  makeCommand,
  modeOf,
  parseEntryExtra,
  receiveEncoding,
  sendEncodingFor,
  utf8Bytes,
  type WirePacket,
} from '../../../shared/protocol';
import type { EngineContext } from '../context';
import { defaultBroadcastTargets } from '../io/network-interfaces';
import type { Datagram } from '../io/udp-socket';
import { PIGEON_VERSION } from '../version';
import { Dedupe } from '../messaging/dedupe';
import { legacyEncodingOf } from './legacy-peers';
import { clonePeer, type PeerChange } from './peer-table';
import { presenceTargets, type PresenceMode, type PresenceTarget } from './presence-mode';
import { REPLY_BUDGET, ReplyBudget } from './reply-budget';
import { DIALUP_UNICAST_MAX, PEER_UNICAST_MAX, mostRecentPeers } from './unicast-presence';

/** How long a peer has to answer a refresh before it is shown offline (see refresh). */
export const PRESENCE_CHECK_MS = 6000;
/** Presence packets sent per event-loop turn (see announce). */
const ANNOUNCE_BATCH = 32;
/**
 * An ANSENTRY this long after our last BR_ENTRY is an answer to it. IP Messenger waits up to
 * 4095 ms before it answers when it knows 300 hosts or more; twice that leaves room for a slow
 * host or network, and outside it an ANSENTRY asks nothing of us (a forged one gets nothing).
 */
export const ENTRY_ANSWER_WINDOW_MS = 8000;
/**
 * What our nick shows while away, as IP Messenger shows it ("name[head]", GetNickNameEx): a
 * client that ignores ABSENCEOPT (iptux, FeiQ) still shows the status. ASCII, so every code page
 * writes it the same.
 */
export const AWAY_NICK_SUFFIX = '[away]';

export interface PresenceOptions {
  /**
   * After a refresh, peers that announced themselves but have not answered within this long
   * are shown offline (IPMsg has no heartbeat: a colleague who shut the lid without a BR_EXIT
   * would otherwise stay "online" for ever). IP Messenger waits up to 4095 ms before it
   * answers an entry when it knows 300 hosts or more, so the default leaves room for that.
   * 0 disables.
   */
  presenceCheckMs?: number;
  /** A peer's BR_ENTRY: it may have restarted, and counts its packet numbers from 0 again. */
  onEntry?: (peer: Peer, packetNo: number) => void;
  /** A peer said it is there (BR_ENTRY, ANSENTRY, BR_ABSENCE), after its answer and change. */
  onAnnounced?: (peer: Peer) => void;
  /** We serve files on TCP (FILEATTACHOPT in our entries); false when the TCP port is off. */
  files?: boolean;
  /** Whom we announce ourselves to (see PresenceMode); default 'lan'. */
  mode?: PresenceMode;
}

/**
 * Who is on the LAN: our entries, exits and status (BR_ENTRY, ANSENTRY, BR_ABSENCE, BR_EXIT),
 * theirs, and who went silent. Every IPMsg client answers an entry, so a refresh also finds the
 * colleagues who left without a goodbye.
 */
export class Presence {
  /** The limited and the directed broadcast bring the same entry twice: answer once. */
  private readonly answeredEntries = new Dedupe(4, 4096);
  /** Peers shown offline because they did not answer a refresh (not because they said BR_EXIT). */
  private readonly silent = new WeakSet<Peer>();
  /** For each refresh still waiting: the peers not heard from since it went out. */
  private readonly awaitingAnswer: Set<Peer>[] = [];
  /** Every answer a packet asks of us is budgeted: sources can be forged. */
  private readonly budget: ReplyBudget;
  /**
   * Each BR_ENTRY we send opens a round, and a legacy client's ANSENTRY in answer to it gets one
   * legacy ANSENTRY back per round (see correctLegacyView).
   */
  private entryRound = 0;
  private entryAskedAt = Number.NEGATIVE_INFINITY;
  private readonly correctedInRound = new WeakMap<Peer, number>();
  /** The hosts of an `only` presence mode; undefined: the whole LAN. */
  private readonly only: PresenceTarget[] | undefined;

  constructor(
    private readonly ctx: EngineContext,
    private readonly options: PresenceOptions = {},
  ) {
    this.budget = new ReplyBudget(
      () => ctx.now(),
      REPLY_BUDGET,
      (address) => ctx.refusals.note('answer-budget', address),
    );
    this.only = presenceTargets(options.mode, ctx.settings().port);
  }

  // ---- what the person (or a host) asks for ------------------------------------------------

  /**
   * Ask everyone to answer (BR_ENTRY). Every IPMsg client answers an entry (iptux at once,
   * IP Messenger within about 4 s), so a peer that announced itself and stays silent for
   * presenceCheckMs is shown offline; any packet from it later brings it back.
   */
  refresh(): void {
    const dialup = this.dialupPeers();
    const wait = this.options.presenceCheckMs ?? PRESENCE_CHECK_MS;
    if (wait > 0 && this.ctx.isRunning()) {
      // Who must answer: peers that announced themselves (they are sure to answer an entry),
      // except dial-up peers this refresh does not reach (see DIALUP_UNICAST_MAX).
      // Each packet heard from one takes it off; a set, not timestamps, so that a wall clock
      // set back in the meantime cannot make an answer look old.
      const reached = new Set(dialup);
      const unanswered = new Set(
        this.ctx.peers
          .online()
          .filter(
            (p) =>
              p.announced &&
              this.isTold(p.address, p.port) &&
              (!p.capabilities.dialup || reached.has(p)),
          ),
      );
      this.awaitingAnswer.push(unanswered);
      this.ctx.later(wait, () => this.markSilentPeersOffline(unanswered));
    }
    void this.announce(Mode.BR_ENTRY, dialup);
  }

  /**
   * Announce ourselves by unicast to one host (BR_ENTRY|DIALUPOPT): "add a peer by address". In
   * an `only` mode without DIALUPOPT, which would ask the host to keep telling us its presence
   * after we are gone.
   */
  announceTo(address: string, port = this.ctx.settings().port): void {
    if (!isIpv4(address) || !this.ctx.isRunning()) return;
    this.askedForEntries();
    const known = this.ctx.peers.findByAddress(address, port);
    void this.sendEntry(Mode.BR_ENTRY, address, port, known, this.only ? 0 : Opt.DIALUPOPT);
  }

  /** IP Messenger repeats its start-up entry once, for whoever missed the first. */
  announceAgain(): void {
    void this.announce(Mode.BR_ENTRY, this.dialupPeers());
  }

  /**
   * Nick or group changed: BR_ABSENCE to everyone (iptux and IP Messenger read it), and our
   * names in their code page to the legacy clients, which ignore BR_ABSENCE and read names from
   * entries only (protocol reference §7).
   */
  namesChanged(): void {
    if (!this.ctx.isRunning()) return;
    const legacy = this.ctx.settings().legacyEncoding;
    const legacyPeers = mostRecentPeers(
      this.ctx.peers.list(),
      (p) =>
        p.online &&
        legacyEncodingOf(p, legacy) !== undefined &&
        this.ctx.replies.allows(p.address, p.port) &&
        this.isTold(p.address, p.port),
      PEER_UNICAST_MAX,
    );
    void this.announce(Mode.BR_ABSENCE, this.dialupPeers(), legacyPeers);
  }

  /**
   * Goodbye to everyone, and by unicast to the peers we know (as iptux does), capped. In an
   * `only` mode to its hosts alone: nobody else was told we came.
   */
  sayGoodbye(): Promise<void> {
    this.awaitingAnswer.length = 0;
    const { replies } = this.ctx;
    const known = mostRecentPeers(
      this.ctx.peers.list(),
      (p) => p.online && replies.allows(p.address, p.port) && this.isTold(p.address, p.port),
      PEER_UNICAST_MAX,
    );
    return this.announce(Mode.BR_EXIT, known);
  }

  broadcastTargets(): string[] {
    const { broadcast } = this.ctx.settings();
    return broadcast.length ? [...broadcast] : defaultBroadcastTargets();
  }

  /** A unicast BR_ENTRY with our names, as it goes out (the ipmsg echo mode pings with it). */
  buildEntry(): Uint8Array {
    // Its answers are answers to our entry: a legacy client among them is told our names again.
    this.askedForEntries();
    return this.ctx.wire.build(
      makeCommand(Mode.BR_ENTRY, this.statusOptions()),
      this.entryExtra('utf-8'),
    ).bytes;
  }

  // ---- packets -------------------------------------------------------------------------------

  /** BR_ENTRY, ANSENTRY, BR_ABSENCE, BR_EXIT from someone else. */
  onEntry(p: WirePacket, d: Datagram): void {
    const { ctx } = this;
    const settings = ctx.settings();
    const mode = modeOf(p.command);
    const existing = ctx.peers.findByAddress(d.address, d.port);
    const encoding = receiveEncoding({
      version: p.version,
      command: p.command,
      body: p.extra,
      known: existing?.encoding,
      legacy: settings.legacyEncoding,
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
              ? (existing?.encoding ?? settings.legacyEncoding)
              : encoding;
    const isExit = mode === Mode.BR_EXIT;
    const { peer, change } = ctx.peers.upsert(
      d.address,
      d.port,
      {
        // BR_EXIT from iptux carries no names: keep the ones we know.
        nick: isExit ? undefined : ownNick(names.nick, client, hasOpt(p.command, Opt.ABSENCEOPT)),
        group: isExit ? undefined : names.group,
        user: info.ext.user ?? decodeLenient(p.user, encoding),
        host: info.ext.host ?? decodeLenient(p.host, encoding),
        client,
        version: p.version,
        encoding: peerEncoding,
        utf8: client === 'iptux' || client === 'pigeon' || hasOpt(p.command, Opt.CAPUTF8OPT),
        files: hasOpt(p.command, Opt.FILEATTACHOPT),
        echo: client === 'pigeon' && (info.ext.pigeon ?? []).includes('echo'),
        proof: client === 'pigeon' && (info.ext.pigeon ?? []).includes('proof'),
        // Sticky until exit: a peer that asked once for unicast presence keeps getting it.
        dialup: !isExit && hasOpt(p.command, Opt.DIALUPOPT) ? true : undefined,
        // iptux sets ABSENCEOPT on every entry although it has no away state.
        away: client === 'iptux' || isExit ? undefined : hasOpt(p.command, Opt.ABSENCEOPT),
        announced: true,
        online: !isExit,
        // Only a Pigeon sends one; an entry without it (another program there now) clears it.
        installId: isExit ? undefined : client === 'pigeon' ? (info.ext.install ?? null) : null,
      },
      ctx.clock.now(),
      settings.legacyEncoding,
    );
    // Its own word (an entry, or BR_EXIT) settles whether it is online.
    this.silent.delete(peer);
    for (const unanswered of this.awaitingAnswer) unanswered.delete(peer);
    // Answers leave before the change is told: a one-shot CLI that sends its message once the
    // peer shows up must not overtake the legacy ANSENTRY that names its sender.
    if (mode === Mode.BR_ENTRY) {
      this.options.onEntry?.(peer, p.packetNo);
      // Copies of one entry (limited and directed broadcast) are answered once, before the
      // budget is asked. A legacy client gets its answer wholly in its code page (sendEntry).
      if (
        this.isTold(d.address, d.port) &&
        this.answeredEntries.firstTime(peer.id, p.packetNo) &&
        this.mayReply(d.address, d.port)
      )
        void this.sendEntry(Mode.ANSENTRY, d.address, d.port, peer);
    } else if (mode === Mode.ANSENTRY) {
      this.correctLegacyView(peer, d);
    }
    this.emitChange(peer, change);
    if (!isExit) this.options.onAnnounced?.(peer);
  }

  /** GETINFO, GETABSENCEINFO and FeiQ's "are you there": small fixed answers. */
  onInfoRequest(p: WirePacket, d: Datagram): void {
    const { wire } = this.ctx;
    if (!this.mayReply(d.address, d.port)) return;
    switch (modeOf(p.command)) {
      case Mode.GETINFO:
        void wire.send(Mode.SENDINFO, utf8Bytes(`Pigeon ${PIGEON_VERSION}\0`), d.address, d.port);
        return;
      case Mode.GETABSENCEINFO: {
        // IP Messenger's answer when it is not away; the away text in UTF-8 when we are (only
        // announced hosts can ask for it, since it is the same text an auto-reply carries).
        const s = this.ctx.settings();
        const text = s.away ? awayText(s.awayMessage) : 'Not absence mode';
        void wire.send(Mode.SENDABSENCEINFO, utf8Bytes(`${text}\0`), d.address, d.port);
        return;
      }
      case Mode.FEIQ_OPEN_YOU:
        void wire.send(Mode.FEIQ_RESP_YOU, new Uint8Array([0]), d.address, d.port);
        return;
    }
  }

  /** Any packet from a known peer: it is there. One that went silent is back. */
  heardFrom(peer: Peer): void {
    this.ctx.peers.touch(peer, this.ctx.clock.now());
    for (const unanswered of this.awaitingAnswer) unanswered.delete(peer);
    if (!peer.online && this.silent.delete(peer)) {
      this.emitChange(peer, this.ctx.peers.setOnline(peer.id, true));
    }
  }

  /** A packet from an address: if a peer lives there, it was heard from. */
  heardFromAddress(d: Datagram): void {
    const peer = this.ctx.peers.findByAddress(d.address, d.port);
    if (peer) this.heardFrom(peer);
  }

  /** Introduce ourselves to a host that wrote without announcing itself, in its encoding. */
  introduceTo(peer: Peer): void {
    if (this.isTold(peer.address, peer.port) && this.mayReply(peer.address, peer.port))
      void this.sendEntry(Mode.BR_ENTRY, peer.address, peer.port, peer);
  }

  emitChange(peer: Peer, change: PeerChange): void {
    if (change === 'none') return;
    const channel =
      change === 'online'
        ? 'peers:online'
        : change === 'offline'
          ? 'peers:offline'
          : 'peers:changed';
    this.ctx.emit(channel, clonePeer(peer));
  }

  // ---- answers -------------------------------------------------------------------------------

  /** An answer a packet asked for: never to an address no host has, and within the budget. */
  private mayReply(address: string, port: number): boolean {
    return this.ctx.replies.allows(address, port) && this.budget.take(address);
  }

  /**
   * A legacy client answered our entry. Our entries are UTF-8 with IPMsg's UTF-8 extension
   * (iptux and IP Messenger read them right), which FeiQ shows as raw bytes and a GBK IP
   * Messenger as mojibake: it is told our names again, wholly in its code page, by the unicast
   * ANSENTRY it reads names from. Once per round (several copies of our entry bring several
   * answers), and only within ENTRY_ANSWER_WINDOW_MS of an entry we sent: an ANSENTRY nobody
   * asked for (forged, or a client's own refresh answer arriving late) gets nothing.
   */
  private correctLegacyView(peer: Peer, d: Datagram): void {
    if (!this.isTold(d.address, d.port)) return;
    if (legacyEncodingOf(peer, this.ctx.settings().legacyEncoding) === undefined) return;
    if (this.ctx.now() - this.entryAskedAt > ENTRY_ANSWER_WINDOW_MS) return;
    if (this.correctedInRound.get(peer) === this.entryRound) return;
    if (!this.mayReply(d.address, d.port)) return;
    this.correctedInRound.set(peer, this.entryRound);
    void this.sendEntry(Mode.ANSENTRY, d.address, d.port, peer);
  }

  /** We are about to send a BR_ENTRY: its answers open a new round. */
  private askedForEntries(): void {
    this.entryRound++;
    this.entryAskedAt = this.ctx.now();
  }

  // ---- writing presence --------------------------------------------------------------------

  /** Whether our presence mode tells this host about us (always, in the 'lan' mode). */
  private isTold(address: string, port: number): boolean {
    return !this.only || this.only.some((t) => t.address === address && t.port === port);
  }

  /** Peers that asked for unicast presence (DIALUPOPT) this announce reaches: capped. */
  private dialupPeers(): Peer[] {
    if (this.only) return [];
    const { replies } = this.ctx;
    return mostRecentPeers(
      this.ctx.peers.list(),
      (p) => p.online && p.capabilities.dialup && replies.allows(p.address, p.port),
      DIALUP_UNICAST_MAX,
    );
  }

  private markSilentPeersOffline(unanswered: Set<Peer>): void {
    const i = this.awaitingAnswer.indexOf(unanswered);
    if (i >= 0) this.awaitingAnswer.splice(i, 1);
    for (const peer of unanswered) {
      if (this.ctx.peers.setOnline(peer.id, false) !== 'offline') continue;
      this.silent.add(peer);
      this.emitChange(peer, 'offline');
    }
  }

  private unicastTargets(): string[] {
    const out: string[] = [];
    for (const spec of this.ctx.settings().unicastHosts) {
      const r = expandHosts(spec);
      if (r.ok) out.push(...r.addresses);
    }
    return out;
  }

  private capabilities(): string[] {
    const caps = ['parts'];
    if (this.ctx.settings().answerEcho) caps.push('echo');
    // Our acks answer a message's PGNONCE with PGPROOF (messaging/ack-proof.ts).
    caps.push('proof');
    return caps;
  }

  /** Our status bits for entry packets. Only what is implemented: no encryption yet. */
  private statusOptions(): number {
    const away = this.ctx.settings().away ? Opt.ABSENCEOPT : 0;
    return (
      (this.options.files === false ? Opt.CAPUTF8OPT : Opt.CAPUTF8OPT | Opt.FILEATTACHOPT) | away
    );
  }

  /** The nick others see: with the away mark while away (see AWAY_NICK_SUFFIX). */
  private shownNick(): string {
    const s = this.ctx.settings();
    return s.away ? `${s.nick}${AWAY_NICK_SUFFIX}` : s.nick;
  }

  private entryExtra(encoding: WireEncoding): Uint8Array {
    const s = this.ctx.settings();
    return buildEntryExtra({
      nick: this.shownNick(),
      group: s.group,
      user: s.user,
      host: s.host,
      encoding,
      capabilities: this.capabilities(),
      installId: this.ctx.installId,
    });
  }

  /**
   * Broadcast a presence packet (UTF-8 names, CAPUTF8OPT, never UTF8OPT on BR_*), and unicast it
   * with DIALUPOPT to the configured hosts and to `unicastPeers` (legacy clients among them get
   * it wholly in their code page); `legacyPeers` get our names in a legacy ANSENTRY. In an
   * `only` mode: unicast to its hosts alone, without DIALUPOPT.
   */
  private async announce(
    mode: number,
    unicastPeers: readonly Peer[],
    legacyPeers: readonly Peer[] = [],
  ): Promise<void> {
    const { wire, peers } = this.ctx;
    const settings = this.ctx.settings();
    const port = settings.port;
    if (mode === Mode.BR_ENTRY) this.askedForEntries();
    const { bytes } = wire.build(makeCommand(mode, this.statusOptions()), this.entryExtra('utf-8'));
    const jobs: (() => Promise<unknown>)[] = [];
    for (const target of this.only ? [] : this.broadcastTargets()) {
      jobs.push(() => wire.sendBytes(bytes, target, port));
    }
    const unicast = new Map<string, { address: string; port: number; peer?: Peer | undefined }>();
    if (this.only) {
      for (const t of this.only)
        unicast.set(`${t.address}:${t.port}`, {
          ...t,
          peer: peers.findByAddress(t.address, t.port),
        });
    } else {
      for (const a of this.unicastTargets())
        unicast.set(`${a}:${port}`, { address: a, port, peer: peers.findByAddress(a, port) });
    }
    for (const p of unicastPeers) unicast.set(p.id, { address: p.address, port: p.port, peer: p });
    const command = makeCommand(mode, this.statusOptions(), this.only ? 0 : Opt.DIALUPOPT);
    let utf8: Uint8Array | undefined;
    const legacy = new Map<WireEncoding, Uint8Array>();
    for (const t of unicast.values()) {
      const encoding = t.peer && legacyEncodingOf(t.peer, settings.legacyEncoding);
      let dial: Uint8Array;
      if (encoding) {
        dial = legacy.get(encoding) ?? wire.build(command, this.legacyExtra(encoding)).bytes;
        legacy.set(encoding, dial);
      } else {
        dial = utf8 ??= wire.build(command, this.entryExtra('utf-8')).bytes;
      }
      jobs.push(() => wire.sendBytes(dial, t.address, t.port));
    }
    for (const p of legacyPeers) {
      jobs.push(() => this.sendEntry(Mode.ANSENTRY, p.address, p.port, p));
    }
    // Every target answers an entry at once (iptux does not wait): sending to hundreds of
    // hosts in one burst brings hundreds of answers at once, more than a socket buffer holds.
    // Batches with a turn of the event loop between them let us read the answers as they come.
    for (let i = 0; i < jobs.length; i += ANNOUNCE_BATCH) {
      if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      await Promise.all(jobs.slice(i, i + ANNOUNCE_BATCH).map((job) => job()));
    }
  }

  /** Our names alone, wholly in a legacy code page (see buildLegacyEntryExtra). */
  private legacyExtra(encoding: WireEncoding): Uint8Array {
    const { group } = this.ctx.settings();
    return buildLegacyEntryExtra({ nick: this.shownNick(), group, encoding });
  }

  /**
   * One unicast presence packet in the peer's encoding; to a legacy client, wholly in its code
   * page with no UTF-8 extension (and so never UTF8OPT).
   */
  private async sendEntry(
    mode: number,
    address: string,
    port: number,
    peer?: Peer,
    extraOpt = 0,
  ): Promise<void> {
    const legacy = peer && legacyEncodingOf(peer, this.ctx.settings().legacyEncoding);
    if (legacy) {
      await this.ctx.wire.send(
        makeCommand(mode, this.statusOptions(), extraOpt),
        this.legacyExtra(legacy),
        address,
        port,
      );
      return;
    }
    const how = peer ? sendEncodingFor(peer) : { encoding: 'utf-8' as const, utf8Opt: false };
    // UTF8OPT is for unicast answers only; BR_* packets never carry it.
    const utf8Opt = how.utf8Opt && mode === Mode.ANSENTRY ? Opt.UTF8OPT : 0;
    await this.ctx.wire.send(
      makeCommand(mode, this.statusOptions(), utf8Opt, extraOpt),
      this.entryExtra(how.encoding),
      address,
      port,
    );
  }
}

/** The text an away Pigeon sends back: the person's, or the default. */
export function awayText(message: string | undefined): string {
  const own = message?.trim() ?? '';
  return own === '' ? DEFAULT_AWAY_MESSAGE : own;
}

/**
 * A Pigeon peer's nick without the away mark its entries carry for other clients: Pigeon shows
 * the away state (ABSENCEOPT) on its own.
 */
function ownNick(nick: string, client: Peer['client'], away: boolean): string {
  if (client !== 'pigeon' || !away || !nick.endsWith(AWAY_NICK_SUFFIX)) return nick;
  return nick.slice(0, -AWAY_NICK_SUFFIX.length) || nick;
}
