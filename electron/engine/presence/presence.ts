import type { Peer, WireEncoding } from '../../../shared/model';
import {
  Mode,
  Opt,
  buildEntryExtra,
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
  sendEncoding,
  utf8Bytes,
  type WirePacket,
} from '../../../shared/protocol';
import type { EngineContext } from '../context';
import { defaultBroadcastTargets } from '../io/network-interfaces';
import type { Datagram } from '../io/udp-transport';
import { PIGEON_VERSION } from '../version';
import { Dedupe } from '../messaging/dedupe';
import { clonePeer, type PeerChange } from './peer-table';

/** How long a peer has to answer a refresh before it is shown offline (see refresh). */
export const PRESENCE_CHECK_MS = 6000;
/** Presence packets sent per event-loop turn (see announce). */
const ANNOUNCE_BATCH = 32;

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

  constructor(
    private readonly ctx: EngineContext,
    private readonly options: PresenceOptions = {},
  ) {}

  // ---- what the person (or a host) asks for ------------------------------------------------

  /**
   * Ask everyone to answer (BR_ENTRY). Every IPMsg client answers an entry (iptux at once,
   * IP Messenger within about 4 s), so a peer that announced itself and stays silent for
   * presenceCheckMs is shown offline; any packet from it later brings it back.
   */
  refresh(): void {
    const wait = this.options.presenceCheckMs ?? PRESENCE_CHECK_MS;
    if (wait > 0 && this.ctx.isRunning()) {
      // Who must answer: peers that announced themselves (they are sure to answer an entry).
      // Each packet heard from one takes it off; a set, not timestamps, so that a wall clock
      // set back in the meantime cannot make an answer look old.
      const unanswered = new Set(this.ctx.peers.online().filter((p) => p.announced));
      this.awaitingAnswer.push(unanswered);
      this.ctx.later(wait, () => this.markSilentPeersOffline(unanswered));
    }
    void this.announce(Mode.BR_ENTRY);
  }

  /** Announce ourselves by unicast to one host (BR_ENTRY|DIALUPOPT): "add a peer by address". */
  announceTo(address: string, port = this.ctx.settings().port): void {
    if (!isIpv4(address) || !this.ctx.isRunning()) return;
    void this.sendEntry(Mode.BR_ENTRY, address, port, undefined, Opt.DIALUPOPT);
  }

  /** IP Messenger repeats its start-up entry once, for whoever missed the first. */
  announceAgain(): void {
    void this.announce(Mode.BR_ENTRY);
  }

  /** Nick or group changed: tell everyone. */
  namesChanged(): void {
    if (this.ctx.isRunning()) void this.announce(Mode.BR_ABSENCE);
  }

  /** Goodbye to everyone, and to every peer we know by unicast. */
  sayGoodbye(): Promise<void> {
    this.awaitingAnswer.length = 0;
    return this.announce(Mode.BR_EXIT, this.ctx.peers.online());
  }

  broadcastTargets(): string[] {
    const { broadcast } = this.ctx.settings();
    return broadcast.length ? [...broadcast] : defaultBroadcastTargets();
  }

  /** A unicast BR_ENTRY with our names, as it goes out (the ipmsg echo mode pings with it). */
  buildEntry(): Uint8Array {
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
        proof: client === 'pigeon' && (info.ext.pigeon ?? []).includes('proof'),
        // Sticky until exit: a peer that asked once for unicast presence keeps getting it.
        dialup: !isExit && hasOpt(p.command, Opt.DIALUPOPT) ? true : undefined,
        // iptux sets ABSENCEOPT on every entry although it has no away state.
        away: client === 'iptux' || isExit ? undefined : hasOpt(p.command, Opt.ABSENCEOPT),
        announced: true,
        online: !isExit,
      },
      ctx.clock.now(),
      settings.legacyEncoding,
    );
    // Its own word (an entry, or BR_EXIT) settles whether it is online.
    this.silent.delete(peer);
    for (const unanswered of this.awaitingAnswer) unanswered.delete(peer);
    if (mode === Mode.BR_ENTRY) {
      this.options.onEntry?.(peer, p.packetNo);
      if (this.answeredEntries.firstTime(peer.id, p.packetNo)) {
        void this.sendEntry(Mode.ANSENTRY, d.address, d.port, peer);
      }
    }
    if (change === 'online' && client === 'feiq')
      void this.sendEntry(Mode.BR_ABSENCE, d.address, d.port, peer);
    this.emitChange(peer, change);
  }

  /** GETINFO, GETABSENCEINFO and FeiQ's "are you there": small fixed answers. */
  onInfoRequest(p: WirePacket, d: Datagram): void {
    const { wire } = this.ctx;
    switch (modeOf(p.command)) {
      case Mode.GETINFO:
        void wire.send(Mode.SENDINFO, utf8Bytes(`Pigeon ${PIGEON_VERSION}\0`), d.address, d.port);
        return;
      case Mode.GETABSENCEINFO:
        void wire.send(Mode.SENDABSENCEINFO, utf8Bytes('Not absence mode\0'), d.address, d.port);
        return;
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

  // ---- writing presence --------------------------------------------------------------------

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

  /** Our status bits for entry packets. Only what is implemented: no files, no encryption yet. */
  private statusOptions(): number {
    return Opt.CAPUTF8OPT;
  }

  private entryExtra(encoding: WireEncoding): Uint8Array {
    const s = this.ctx.settings();
    return buildEntryExtra({
      nick: s.nick,
      group: s.group,
      user: s.user,
      host: s.host,
      encoding,
      capabilities: this.capabilities(),
    });
  }

  /**
   * Broadcast a presence packet (UTF-8 names, CAPUTF8OPT, never UTF8OPT on BR_*), unicast it with
   * DIALUPOPT to the configured hosts and to peers that asked for unicast presence, plus `extra`.
   */
  private async announce(mode: number, extraPeers: Peer[] = []): Promise<void> {
    const { wire, peers } = this.ctx;
    const port = this.ctx.settings().port;
    const { bytes } = wire.build(makeCommand(mode, this.statusOptions()), this.entryExtra('utf-8'));
    const jobs: (() => Promise<unknown>)[] = [];
    for (const target of this.broadcastTargets()) {
      jobs.push(() => wire.sendBytes(bytes, target, port));
    }
    const unicast = new Map<string, [string, number]>();
    for (const a of this.unicastTargets()) unicast.set(`${a}:${port}`, [a, port]);
    for (const p of peers.online())
      if (p.capabilities.dialup) unicast.set(p.id, [p.address, p.port]);
    for (const p of extraPeers) unicast.set(p.id, [p.address, p.port]);
    if (unicast.size) {
      const dial = wire.build(
        makeCommand(mode, this.statusOptions(), Opt.DIALUPOPT),
        this.entryExtra('utf-8'),
      ).bytes;
      for (const [a, p] of unicast.values()) jobs.push(() => wire.sendBytes(dial, a, p));
    }
    // FeiQ reads names as GBK: tell each FeiQ peer our names in its own encoding.
    if (mode !== Mode.BR_EXIT) {
      for (const p of peers.online()) {
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
    const how = peer
      ? sendEncoding({
          client: peer.client,
          encoding: peer.encoding,
          utf8Capable: peer.capabilities.utf8,
        })
      : { encoding: 'utf-8' as const, utf8Opt: false };
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
