import type { Dialect, Identity } from './dialect';
import {
  shownText,
  type DisplayModel,
  type FetchMade,
  type OfferShown,
  type PeerView,
  type ServeMade,
  type TextSent,
  type Via,
} from './display-model';
import type { FileToOffer } from './file-dialect';
import { Cmd, NUL, Opt, buildPacket, concat, modeOf, parsePacket } from './ipmsg-packet';

export const IPMSG_PORT = 2425;

export interface Outgoing {
  to: string;
  port: number;
  bytes: Uint8Array;
}

export interface Clock {
  now(): number;
  later(ms: number, fn: () => void): void;
}

/** IPMsg remembers the last 32 (PacketNo, sender) pairs (protocol reference §5). */
const DEDUPE_DEPTH = 32;

/** A file its user picked to send. */
export interface PickedFile {
  path: string;
  /** The name it offers (the file's own name on its disk). */
  name: string;
  size: number;
  mtime: number;
}

/** Files it offered in one datagram, and to whom (IPMsg's ShareInfo). */
interface Share {
  to: string;
  /** The recipient's User and Host as it knew them when it offered (IPMsg's hostSub). */
  user: string;
  host: string;
  files: Map<number, { path: string; size: number; state: 'init' | 'busy' | 'done' }>;
}

/** What its file server does with one TCP request. */
export type ServeDecision =
  | {
      ok: true;
      path: string;
      offset: number;
      size: number;
      /** The stream ended: `complete` when every byte up to the size went out. */
      finish(bytes: number, complete: boolean): void;
    }
  | { ok: false; why: string };

/**
 * The state machine both personas share: the IPMsg behaviour every client has (answer an entry,
 * ack a text, forget a peer on BR_EXIT) with the dialect deciding every detail. Socket-free, so
 * that unit tests drive it with bytes; persona-main.ts puts it on a real UDP socket.
 */
export class PersonaCore {
  private packetNo: number;
  private readonly peers = new Map<string, PeerView>();
  private readonly model: DisplayModel;
  private readonly recent: string[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly shares = new Map<number, Share>();

  constructor(
    private readonly dialect: Dialect,
    private readonly me: Identity,
    private readonly broadcast: readonly string[],
    private readonly out: (o: Outgoing) => void,
    private readonly clock: Clock,
  ) {
    // IPMsg and FeiQ seed packet numbers with time() (reference §1, §9).
    this.packetNo = Math.floor(clock.now() / 1000);
    this.model = {
      persona: dialect.name,
      address: me.address,
      peers: [],
      names: [],
      texts: [],
      sent: [],
      received: [],
      offers: [],
      fetches: [],
      offered: [],
      served: [],
    };
  }

  onChange(fn: () => void): void {
    this.listeners.add(fn);
  }

  snapshot(): DisplayModel {
    return structuredClone({ ...this.model, peers: [...this.peers.values()] });
  }

  start(): void {
    for (const mode of this.dialect.startupModes) this.toEveryone(mode, new Uint8Array([0]));
    const entry = () =>
      this.toEveryone(Cmd.BR_ENTRY | this.dialect.entryOptions, this.dialect.entryExtra(this.me));
    if (this.dialect.startupModes.length) this.clock.later(this.dialect.startupPauseMs, entry);
    else entry();
  }

  exit(): void {
    this.toEveryone(Cmd.BR_EXIT, this.dialect.exitExtra(this.me));
  }

  /** The user types `text` to the peer at `to`; returns the packet number it went out with. */
  sendText(to: string, text: string): number {
    for (const mode of this.dialect.aroundText.before) this.send(to, mode, NUL);
    const body = concat([this.dialect.writeText(text), NUL]);
    const packetNo = this.nextPacketNo();
    const bytes = this.packet(packetNo, Cmd.SENDMSG | Opt.SENDCHECKOPT, body);
    const entry: TextSent = {
      packetNo,
      to,
      text,
      hex: Buffer.from(body).toString('hex'),
      state: 'sent',
      attempts: 1,
    };
    this.model.sent.push(entry);
    this.out({ to, port: IPMSG_PORT, bytes });
    for (const mode of this.dialect.aroundText.after) this.send(to, mode, NUL);
    this.scheduleRetry(entry, bytes);
    this.changed();
    return packetNo;
  }

  /**
   * Its user sends files to the peer at `to` (with `text`, which FeiQ sends on its own); returns
   * the packet numbers of the offer datagrams. IPMsg can only send to a peer in its list.
   */
  offerFiles(to: string, text: string, picked: PickedFile[]): number[] {
    const files = this.dialect.files;
    const peer = this.peers.get(to);
    if (files.checksRecipient && !peer) throw new Error(`${to} is not in its peer list`);
    const ids = files.fileIds(picked.length);
    const all = picked.map((p, i) => ({ ...p, fileId: ids[i] ?? 0 }));
    const groups = files.onePacketPerFile ? all.map((f) => [f]) : [all];
    const packetNos: number[] = [];
    for (const group of groups) {
      const packetNo = this.nextPacketNo();
      const records: FileToOffer[] = group.map(({ fileId, name, size, mtime }) => ({
        fileId,
        name,
        size,
        mtime,
      }));
      const extra = files.writeOffer(text, records);
      this.shares.set(packetNo, {
        to,
        user: peer?.user ?? '',
        host: peer?.host ?? '',
        files: new Map(group.map((f) => [f.fileId, { path: f.path, size: f.size, state: 'init' }])),
      });
      for (const f of group)
        this.model.offered.push({
          to,
          packetNo,
          fileId: f.fileId,
          name: f.name,
          size: f.size,
          hex: Buffer.from(extra).toString('hex'),
        });
      this.out({ to, port: IPMSG_PORT, bytes: this.packet(packetNo, files.offerCommand, extra) });
      packetNos.push(packetNo);
    }
    this.changed();
    return packetNos;
  }

  /** The file it lists for that offer, if it listed one. */
  offer(from: string, packetNo: number, fileId: number): OfferShown | undefined {
    return this.model.offers.find(
      (o) => o.from === from && o.packetNo === packetNo && o.fileId === fileId,
    );
  }

  /** The TCP request it writes to fetch that file from `offset`, as one buffer. */
  fileRequest(offer: OfferShown, offset: number): Uint8Array {
    const { command, extra } = this.dialect.files.writeRequest(offer, offset);
    return this.packet(this.nextPacketNo(), command, extra);
  }

  /** Start a download record in the display model; call fetchChanged() as it moves. */
  trackFetch(fetch: FetchMade): FetchMade {
    this.model.fetches.push(fetch);
    this.changed();
    return fetch;
  }

  fetchChanged(): void {
    this.changed();
  }

  /**
   * Its file server reads the first chunk of a TCP connection from `from` (both clients parse
   * their first recv() only) and decides whether to stream, and what.
   */
  serveRequest(from: string, bytes: Uint8Array): ServeDecision {
    const entry: ServeMade = {
      from,
      requestHex: Buffer.from(bytes).toString('hex'),
      outcome: 'refused',
      bytes: 0,
    };
    this.model.served.push(entry);
    const refuse = (why: string): ServeDecision => {
      entry.why = why;
      this.changed();
      return { ok: false, why };
    };
    const p = parsePacket(bytes);
    if (!p) return refuse('not an IPMsg packet');
    const r = this.dialect.files.readRequest(p.command, p.extra);
    if (typeof r === 'string') return refuse(r);
    Object.assign(entry, { packetNo: r.packetNo, fileId: r.fileId, offset: r.offset });
    const share = this.shares.get(r.packetNo);
    const file = share?.files.get(r.fileId);
    if (!share || !file) return refuse('no such packet and file');
    if (this.dialect.files.checksRecipient) {
      // IPMsg GetAcceptableFileInfo: IsSameHost (User and Host) and the same address; then
      // TRANS_INIT only: one download at a time, none after it is done.
      const user = this.dialect.readHeaderField(p.user);
      const host = this.dialect.readHeaderField(p.host);
      if (from !== share.to || user !== share.user || host !== share.host)
        return refuse(`not a recipient (${user}@${host} at ${from})`);
      if (file.state !== 'init') return refuse(`already ${file.state}`);
      file.state = 'busy';
    }
    entry.outcome = 'serving';
    this.changed();
    return {
      ok: true,
      path: file.path,
      offset: r.offset,
      size: file.size,
      finish: (sent, complete) => {
        entry.bytes = sent;
        entry.outcome = complete ? 'served' : 'cut';
        // IPMsg EndHostShare: TRANS_DONE when done, back to TRANS_INIT when it failed.
        file.state = complete ? 'done' : 'init';
        this.changed();
      },
    };
  }

  receive(from: string, bytes: Uint8Array): void {
    const p = parsePacket(bytes);
    if (!p) return;
    const user = this.dialect.readHeaderField(p.user);
    const host = this.dialect.readHeaderField(p.host);
    // Our own broadcasts come back: same address, same User and Host (IPMsg's rule).
    if (from === this.me.address && user === this.me.user && host === this.me.host) return;
    const mode = modeOf(p.command);
    this.model.received.push({ from, mode, command: p.command, at: this.clock.now() });
    if (this.dialect.acks(p.command)) this.send(from, Cmd.RECVMSG, ascii(`${p.packetNo}\0`));
    switch (mode) {
      case Cmd.BR_ENTRY: {
        this.learn(from, user, host, p.version, p.extra, 'BR_ENTRY');
        const answer = () =>
          this.send(
            from,
            Cmd.ANSENTRY | this.dialect.entryOptions,
            this.dialect.entryExtra(this.me),
          );
        const delay = this.dialect.answerDelayMs();
        if (delay > 0) this.clock.later(delay, answer);
        else answer();
        break;
      }
      case Cmd.ANSENTRY:
        this.learn(from, user, host, p.version, p.extra, 'ANSENTRY');
        if (this.dialect.afterAnsEntry !== undefined)
          this.send(from, this.dialect.afterAnsEntry, NUL);
        break;
      case Cmd.BR_EXIT: {
        const peer = this.peers.get(from);
        if (peer) peer.online = false;
        break;
      }
      case Cmd.BR_ABSENCE:
        // Ignored entirely: the FeiQ-family clients observed on real LANs never read it (protocol
        // reference §7); compilelife/feiq has no handler for it, ipmsg-rs only logs it. A nick
        // change announced by BR_ABSENCE therefore never reaches their peer lists.
        break;
      case Cmd.SENDMSG:
        this.onText(from, user, host, p.version, p.packetNo, p.command, p.extra);
        break;
      case Cmd.RECVMSG: {
        const acked = Number(Buffer.from(p.extra).toString('latin1').replace(/\0.*$/s, ''));
        const entry = this.model.sent.find((s) => s.packetNo === acked && s.to === from);
        if (entry && entry.state === 'sent') entry.state = 'acked';
        break;
      }
      default: {
        const answer = this.dialect.answers.get(mode);
        if (answer !== undefined) this.send(from, answer, NUL);
      }
    }
    this.changed();
  }

  private onText(
    from: string,
    user: string,
    host: string,
    version: string,
    packetNo: number,
    command: number,
    extra: Uint8Array,
  ): void {
    if (!this.peers.has(from)) {
      // A stranger is listed under its login name (compilelife/feiq Fellow::getName falls back to
      // the PC name; IPMsg shows User too) until it announces a nick.
      this.setPeer(from, user, host, version, shownText(user), shownText(''), 'SENDMSG');
      if (this.dialect.introducesItselfToStrangers && (command & Opt.NOADDLISTOPT) === 0) {
        this.send(from, Cmd.BR_ENTRY | this.dialect.entryOptions, this.dialect.entryExtra(this.me));
      }
    }
    const key = `${from}/${packetNo}`;
    if (this.recent.includes(key)) return;
    this.recent.push(key);
    if (this.recent.length > DEDUPE_DEPTH) this.recent.shift();
    this.model.texts.push({
      from,
      packetNo,
      text: this.dialect.readText(extra),
      at: this.clock.now(),
    });
    if ((command & Opt.FILEATTACHOPT) === 0) return;
    for (const e of this.dialect.files.readOffer(command, extra)) {
      this.model.offers.push({
        from,
        packetNo,
        fileId: e.fileId,
        name: e.name,
        size: e.size,
        mtime: e.mtime,
        utf8: (command & Opt.UTF8OPT) !== 0,
        at: this.clock.now(),
      });
    }
  }

  private learn(
    from: string,
    user: string,
    host: string,
    version: string,
    extra: Uint8Array,
    via: Via,
  ): void {
    const names = this.dialect.readEntry(extra);
    // An empty nick shows the login name (compilelife/feiq Fellow::getName; iFreeChat
    // feiq_on_entry copies the username when the nick is empty).
    const nick =
      names.nick.kind === 'text' && names.nick.text === '' ? shownText(user) : names.nick;
    this.setPeer(from, user, host, version, nick, names.group, via);
  }

  private setPeer(
    address: string,
    user: string,
    host: string,
    version: string,
    nick: PeerView['nick'],
    group: PeerView['group'],
    via: Via,
  ): void {
    this.peers.set(address, { address, user, host, version, nick, group, online: true });
    this.model.names.push({ address, via, nick, group, at: this.clock.now() });
  }

  private scheduleRetry(entry: TextSent, bytes: Uint8Array): void {
    const { intervalMs, retries, giveUpMs } = this.dialect.retry;
    const check = () => {
      if (entry.state !== 'sent') return;
      if (entry.attempts > retries) {
        this.clock.later(giveUpMs - intervalMs, () => {
          if (entry.state !== 'sent') return;
          entry.state = 'timed-out';
          this.changed();
        });
        return;
      }
      entry.attempts++;
      this.out({ to: entry.to, port: IPMSG_PORT, bytes });
      this.changed();
      this.clock.later(intervalMs, check);
    };
    this.clock.later(intervalMs, check);
  }

  private toEveryone(command: number, extra: Uint8Array): void {
    const bytes = this.packet(this.nextPacketNo(), command, extra);
    for (const target of this.broadcast) this.out({ to: target, port: IPMSG_PORT, bytes });
  }

  /** Replies go to port 2425 whatever the source port (compilelife/feiq, iptux: reference §1). */
  private send(to: string, command: number, extra: Uint8Array): void {
    this.out({ to, port: IPMSG_PORT, bytes: this.packet(this.nextPacketNo(), command, extra) });
  }

  private packet(packetNo: number, command: number, extra: Uint8Array): Uint8Array {
    return buildPacket({
      version: this.dialect.versionField(this.me),
      packetNo,
      user: this.me.user,
      host: this.me.host,
      command,
      extra,
    });
  }

  private nextPacketNo(): number {
    return ++this.packetNo;
  }

  private changed(): void {
    for (const fn of this.listeners) fn();
  }
}

function ascii(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'latin1'));
}
