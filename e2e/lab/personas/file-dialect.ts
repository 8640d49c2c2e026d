import type { Shown } from './display-model';

/**
 * How a legacy client offers, reads, asks for and serves files: the part of its dialect that
 * file transfer needs. Each client's file (ipmsg-files.ts, feiq-files.ts) says where each
 * answer comes from. Independent of Pigeon's codec (shared/protocol/attachments.ts,
 * file-request.ts) on purpose: these are the clients' byte builders and parsers.
 */

/** A file its user picked to send, with the name it will write (in its own encoding). */
export interface FileToOffer {
  fileId: number;
  name: string;
  size: number;
  /** Unix seconds. */
  mtime: number;
}

/** A record of an offer, as the client read it. */
export interface OfferEntry {
  fileId: number;
  name: Shown;
  size: number;
  mtime: number;
  attr: number;
}

/** What it asks for over TCP (its request extra, read back by its own server code). */
export interface RequestRead {
  packetNo: number;
  fileId: number;
  offset: number;
}

export interface FileDialect {
  /** The command of an offer datagram. */
  readonly offerCommand: number;
  /** IPMsg lists every file in one offer; FeiQ sends one datagram per file. */
  readonly onePacketPerFile: boolean;
  /** The fileIDs it gives the `count` files of one offer. */
  fileIds(count: number): number[];
  /** The extra of an offer datagram. */
  writeOffer(text: string, files: FileToOffer[]): Uint8Array;
  /** The files it lists for an offer (`command` has FILEATTACHOPT), in order. */
  readOffer(command: number, extra: Uint8Array): OfferEntry[];
  /** The command and extra of its GETFILEDATA request (the TCP packet's header is the usual). */
  writeRequest(
    offer: { packetNo: number; fileId: number; utf8: boolean },
    offset: number,
  ): { command: number; extra: Uint8Array };
  /** What its file server makes of a request it received; a string says why it sends nothing. */
  readRequest(command: number, extra: Uint8Array): RequestRead | string;
  /**
   * IP Messenger serves a file only to a recipient of the offer (same User, Host and address),
   * once per host; FeiQ clones serve anyone who names the packet and file.
   */
  readonly checksRecipient: boolean;
}
