import { MAX_HEADER_FIELD } from '../../../shared/protocol';

/**
 * Bounds of the TCP file service (port 2425). Anyone on the LAN can connect, so every
 * connection costs the caller as much as it costs us: a deadline no trickle can extend, a byte
 * cap, and a share of the slots per address so one host cannot hold them all.
 */
export interface TcpLimits {
  maxConnections: number;
  maxPerAddress: number;
  requestDeadlineMs: number;
  maxRequestBytes: number;
  drainMaxBytes: number;
  drainDeadlineMs: number;
}

export const TCP_LIMITS: TcpLimits = {
  /** Every open connection is a socket and a little memory; no office LAN needs more at once. */
  maxConnections: 64,
  /**
   * IPMsg fetches the files of one offer one at a time and iptux opens one connection per file
   * or picture, so 8 leaves room for several transfers from one person while a single host (a
   * slowloris, a looping client) holds at most an eighth of the service.
   */
  maxPerAddress: 8,
  /**
   * From accept to a complete request. Clients write the request in one go right after the
   * connection opens, so on a LAN it arrives within milliseconds; 5 s covers a congested Wi-Fi
   * and its retransmissions. It is NOT reset by arriving bytes: a client trickling a byte at a
   * time is closed at the same moment as one that sends nothing.
   */
  requestDeadlineMs: 5_000,
  /**
   * A request is one header, `ver:packetNo:user:host:command:packetNo:fileID:offset:`. The
   * codec refuses version, user and host fields over MAX_HEADER_FIELD bytes; three of those,
   * the numbers and the colons fit below this with room to spare. Beyond it, it is not IPMsg.
   */
  maxRequestBytes: 3 * MAX_HEADER_FIELD + 256,
  /**
   * iptux pushes chat pictures after a SENDSUBLAYER header; until pictures are shown they are
   * read and dropped (so iptux sees a clean transfer), up to a large screenshot's size...
   */
  drainMaxBytes: 16 * 1024 * 1024,
  /**
   * ...and for at most this long in all, however the bytes are paced. The files feature will
   * replace this with a minimum-progress rule for its data phase.
   */
  drainDeadlineMs: 60_000,
};
