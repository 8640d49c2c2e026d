import { LruMap } from '../lru-map';
import { TokenBucket } from '../token-bucket';

/**
 * How many answers presence gives, per source address and in all. IPMsg obliges us to answer
 * some packets (ANSENTRY to a BR_ENTRY, our BR_ENTRY to a stranger's SENDMSG, GETINFO,
 * GETABSENCEINFO, FeiQ's OPEN_YOU, and the legacy ANSENTRY that fixes a GBK client's view of our
 * names), and every UDP source can be forged: without a budget, a flood of forged entries makes
 * us send a flood of answers to its victims.
 *
 * The figures never bite a real LAN:
 * - Per source, a burst of 8 then 1 a second. A real client needs one answer per entry it sends
 *   (IPMsg and FeiQ answer an entry once, and so do we: copies of one entry through two broadcast
 *   addresses are answered once before the budget is asked), IPMsg repeats its start-up entry
 *   once, a person may press refresh a few times, and FeiQ opens a window (OPEN_YOU) after each
 *   ANSENTRY. 8 covers all of that at once; 1/s covers someone refreshing every second for ever.
 *   A forged victim gets at most 8 datagrams, then one a second.
 * - In all, a burst of 2,048 then 256 a second. A LAN of 1,000 hosts that all start at once
 *   (a power cut) sends 1,000 entries, and IPMsg repeats its entry 5 s later: 2,000 answers,
 *   inside the burst even with no refill. Our own refresh of 1,000 legacy clients asks at most
 *   1,000 legacy ANSENTRYs, spread over the 4 s in which IP Messenger answers (up to 4095 ms):
 *   250 a second. Under attack, 256 answers of a few hundred bytes a second is under 100 KB/s.
 * - 4,096 sources are remembered (least recently used forgotten first): memory stays bounded
 *   under a flood of forged addresses, and cycling through more sources to refill one victim's
 *   bucket costs the attacker the global budget.
 */
export const REPLY_BUDGET = {
  perSource: { burst: 8, perSecond: 1 },
  total: { burst: 2048, perSecond: 256 },
  sources: 4096,
} as const;

export interface ReplyBudgetLimits {
  perSource: { burst: number; perSecond: number };
  total: { burst: number; perSecond: number };
  sources: number;
}

export type BudgetRefusal = 'source' | 'total';

/** One token per answer, from the source's bucket and from the global one. */
export class ReplyBudget {
  /** Answers refused, by which budget ran out. */
  readonly refused: Record<BudgetRefusal, number> = { source: 0, total: 0 };
  private readonly total: TokenBucket;
  private readonly bySource = new LruMap<string, TokenBucket>();

  constructor(
    private readonly now: () => number,
    private readonly limits: ReplyBudgetLimits = REPLY_BUDGET,
    /** Told of each answer refused, with its address (the diagnostics' count per address). */
    private readonly onRefused?: (address: string) => void,
  ) {
    this.total = new TokenBucket(limits.total.burst, limits.total.perSecond, now());
  }

  /** May we answer `address` once more? Takes the tokens when we may. */
  take(address: string): boolean {
    const now = this.now();
    let bucket = this.bySource.get(address);
    if (bucket && bucket.available(now) < 1) {
      this.bySource.touch(address);
      this.refused.source++;
      this.onRefused?.(address);
      return false;
    }
    if (!this.total.take(now)) {
      this.refused.total++;
      this.onRefused?.(address);
      return false;
    }
    if (!bucket) {
      if (this.bySource.size >= this.limits.sources) {
        const oldest = this.bySource.oldest();
        if (oldest) this.bySource.delete(oldest[0]);
      }
      bucket = new TokenBucket(this.limits.perSource.burst, this.limits.perSource.perSecond, now);
      this.bySource.set(address, bucket);
    } else {
      this.bySource.touch(address);
    }
    bucket.take(now);
    return true;
  }
}
