/**
 * Bounds of file transfer. Offers and fetches cost disk, sockets and memory, and anyone on the
 * LAN can offer us files or connect to our port, so each has a limit with a reason.
 */
export interface FileLimits {
  /** How long an offer is served (ours) or can be fetched (theirs). */
  offerTtlMs: number;
  /** Offers we serve at once; the oldest expire first past it. */
  maxServedOffers: number;
  /** Incoming offers remembered (waiting for the person, or partly fetched). */
  maxIncoming: number;
  /** Items in one offer we accept from a peer; the rest of a longer list is ignored. */
  maxItemsPerOffer: number;
  /** A transfer that moves less than `stallBytes` in `stallMs` is cut (either side). */
  stallMs: number;
  stallBytes: number;
  /** Connecting to a peer's TCP port. */
  connectTimeoutMs: number;
  /** Fetches running at once, in all and per peer. */
  maxFetches: number;
  maxFetchesPerPeer: number;
  /** A folder we fetch: entries, depth and header size. */
  maxFolderEntries: number;
  maxFolderDepth: number;
  maxDirHeaderBytes: number;
  /** Items in one folder we offer: walking a huge tree to serve it is bounded too. */
  maxServedFolderEntries: number;
  /** Free space kept on the disk beyond what a file needs. */
  spareBytes: number;
  /** Progress events per transfer, at most one per this long. */
  progressEveryMs: number;
}

export const FILE_LIMITS: FileLimits = {
  offerTtlMs: 24 * 60 * 60 * 1000,
  maxServedOffers: 1000,
  maxIncoming: 2000,
  maxItemsPerOffer: 1000,
  // A person's laptop on a busy Wi-Fi still moves far more than 64 KiB in 30 s.
  stallMs: 30_000,
  stallBytes: 64 * 1024,
  connectTimeoutMs: 10_000,
  maxFetches: 8,
  maxFetchesPerPeer: 2,
  maxFolderEntries: 100_000,
  maxFolderDepth: 64,
  maxDirHeaderBytes: 8192,
  maxServedFolderEntries: 100_000,
  spareBytes: 64 * 1024 * 1024,
  progressEveryMs: 250,
};
