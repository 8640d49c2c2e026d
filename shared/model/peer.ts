/** Which program a peer runs, learned from its version field and entry extras. */
export type ClientKind = 'pigeon' | 'ipmsg' | 'iptux' | 'feiq' | 'unknown';

/** Text encodings Pigeon speaks on the wire. */
export type WireEncoding = 'utf-8' | 'gb18030' | 'gbk' | 'cp932';

export interface PeerCapabilities {
  /** Accepts UTF-8 (CAPUTF8OPT, or a client known to read UTF-8 such as iptux). */
  utf8: boolean;
  /** Advertised FILEATTACHOPT (iptux never does, yet can transfer files). */
  files: boolean;
  /** A Pigeon peer that answers echo probes. */
  echo: boolean;
  /** A Pigeon peer that proves its acks (answers a message's PGNONCE with PGPROOF). */
  proof: boolean;
  /** Asked to be told about presence by unicast (DIALUPOPT). */
  dialup: boolean;
}

/** One host on the LAN as the engine knows it. JSON-safe: it crosses IPC and the CLI. */
export interface Peer {
  /** Stable key: "address:port". Peers are keyed by address, never by names (see protocol notes). */
  id: string;
  address: string;
  port: number;
  nick: string;
  group: string;
  /** Login and host names from the packet header (ASCII for well-behaved clients). */
  user: string;
  host: string;
  client: ClientKind;
  /** The raw version field, e.g. "1_iptux 0.8.3". */
  version: string;
  /** The encoding we read from and write to this peer. */
  encoding: WireEncoding;
  capabilities: PeerCapabilities;
  away: boolean;
  online: boolean;
  /** False for a host that messaged us without ever announcing itself. */
  announced: boolean;
  /** Epoch ms of the last packet from this peer. */
  lastSeen: number;
  /**
   * A Pigeon's install id from its last entry (random, made once per data directory): how
   * Pigeon recognises the same install at a new address. Anyone can announce any id, so it
   * only ever leads to a notice in the conversation, never to merging or sending anything.
   */
  installId?: string;
}

export function peerId(address: string, port: number): string {
  return `${address}:${port}`;
}
