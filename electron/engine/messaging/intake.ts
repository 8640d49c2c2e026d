import { LruMap } from '../lru-map';
import { refill, type Bucket } from '../token-bucket';
import { INTAKE_LIMITS, type IntakeLimits } from './budgets';

/** Why a message was turned away (counted, for diagnostics). */
export type IntakeRefusal = 'source' | 'all' | 'unannounced';

/** One source address's bucket; records are reused once the table is full (no allocation). */
interface SourceRecord extends Bucket {
  address: string;
}

/**
 * Which incoming messages are admitted: token buckets in bytes per source address, for
 * everyone together, and for hosts that never announced themselves (see IntakeLimits for the
 * figures and their reasons). A message over a limit is neither acked nor stored, so a real
 * sender sends it again a second later and nothing is lost; a forger gets nothing.
 *
 * Any source can be forged, so no one source's bucket can silence another, and the shared
 * bucket keeps a reserve that only vouched addresses may use: those that acknowledged a
 * message we sent them, which a forger that cannot see our traffic cannot do. A flood from
 * many forged senders then slows strangers, not the colleagues we talk to.
 *
 * Runs once per incoming message, so it is O(1) and allocates nothing for a source it knows:
 * the records live in a fixed ring, the last one used is at hand (a conversation brings the
 * same address packet after packet), and a new address takes over the oldest record.
 */
export class MessageIntake {
  readonly refused: Record<IntakeRefusal, number> = { source: 0, all: 0, unannounced: 0 };
  private readonly limits: IntakeLimits;
  private readonly bySource = new Map<string, SourceRecord>();
  private readonly ring: SourceRecord[] = [];
  private next = 0;
  private last: SourceRecord | undefined;
  private readonly all: Bucket;
  private readonly unannounced: Bucket;
  private readonly vouched: LruMap<string, true>;
  /** Refill rates in bytes per ms. */
  private readonly sourceRate: number;
  private readonly allRate: number;
  private readonly unannouncedRate: number;

  constructor(
    limits: Partial<IntakeLimits> = {},
    /** Told of each refusal with its source (the diagnostics' count per address). */
    private readonly onRefused?: (why: IntakeRefusal, address: string) => void,
  ) {
    this.limits = { ...INTAKE_LIMITS, ...limits };
    const { perSource, all, unannounced } = this.limits;
    this.sourceRate = perSource.perSecond / 1000;
    this.allRate = all.perSecond / 1000;
    this.unannouncedRate = unannounced.perSecond / 1000;
    this.all = { level: all.burst, at: -Infinity };
    this.unannounced = { level: unannounced.burst, at: -Infinity };
    this.vouched = new LruMap();
  }

  /**
   * May a message of `bytes` from `address` be taken in now? `announced` says whether a peer
   * announced itself from there; `now` is monotonic ms. Takes the tokens when it says yes.
   */
  admit(address: string, bytes: number, announced: boolean, now: number): boolean {
    const cost = bytes + this.limits.messageCost;
    const source = this.source(address, now);
    refill(source, now, this.sourceRate, this.limits.perSource.burst);
    if (source.level < cost) {
      this.refused.source++;
      this.onRefused?.('source', address);
      return false;
    }
    const all = this.all;
    refill(all, now, this.allRate, this.limits.all.burst);
    // Asked only when it matters: a Map lookup per message otherwise.
    let vouched: boolean | undefined;
    if (all.level - cost < this.limits.all.reserve) {
      vouched = this.vouched.has(address);
      if (!vouched || all.level < cost) {
        this.refused.all++;
        this.onRefused?.('all', address);
        return false;
      }
    }
    if (!announced && !(vouched ?? this.vouched.has(address))) {
      const share = this.unannounced;
      refill(share, now, this.unannouncedRate, this.limits.unannounced.burst);
      if (share.level < cost) {
        this.refused.unannounced++;
        this.onRefused?.('unannounced', address);
        return false;
      }
      share.level -= cost;
    }
    all.level -= cost;
    source.level -= cost;
    return true;
  }

  /** `address` acknowledged a message we sent there: it is who it says it is. */
  vouch(address: string): void {
    if (this.vouched.touch(address)) return;
    if (this.vouched.size >= this.limits.vouched) {
      const oldest = this.vouched.oldest();
      if (oldest) this.vouched.delete(oldest[0]);
    }
    this.vouched.set(address, true);
  }

  /** Messages turned away so far, for every reason. */
  refusedTotal(): number {
    return this.refused.source + this.refused.all + this.refused.unannounced;
  }

  private source(address: string, now: number): SourceRecord {
    const last = this.last;
    if (last !== undefined && last.address === address) return last;
    let record = this.bySource.get(address);
    if (record === undefined) {
      const full = this.limits.perSource.burst;
      if (this.ring.length < this.limits.sources) {
        record = { address, level: full, at: now };
        this.ring.push(record);
      } else {
        // The oldest record starts over for the new address: a forger cycling through
        // addresses gets fresh buckets, which is what the shared bucket is there for.
        record = this.ring[this.next] as SourceRecord;
        this.next = (this.next + 1) % this.ring.length;
        this.bySource.delete(record.address);
        record.address = address;
        record.level = full;
        record.at = now;
      }
      this.bySource.set(address, record);
    }
    this.last = record;
    return record;
  }
}
