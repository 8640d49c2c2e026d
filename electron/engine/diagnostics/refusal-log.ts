import {
  REFUSAL_KINDS,
  type RefusalKind,
  type RefusalReport,
  type SourceRefusals,
} from '../../../shared/model';
import { LruMap } from '../lru-map';

/** Source addresses remembered; a flood of forged ones pushes out the least recent. */
const MAX_SOURCES = 512;

/**
 * What every guard turned away (intake limits, answer and probe-back budgets, the reply guard,
 * impossible sources), in all and per source address, for the diagnostics bundle and the
 * doctor. Counting runs on the refusal path only, in O(1), and the memory is bounded: a forger
 * cycling through addresses only pushes older sources out (the totals keep counting).
 */
export class RefusalLog {
  readonly totals: Record<RefusalKind, number> = Object.fromEntries(
    REFUSAL_KINDS.map((k) => [k, 0]),
  ) as Record<RefusalKind, number>;
  private readonly bySource = new LruMap<string, SourceRefusals>();

  constructor(
    /** Epoch ms, for when a source was first and last refused. */
    private readonly now: () => number,
    private readonly maxSources = MAX_SOURCES,
  ) {}

  note(kind: RefusalKind, address: string): void {
    this.totals[kind]++;
    const at = this.now();
    let s = this.bySource.get(address);
    if (s === undefined) {
      if (this.bySource.size >= this.maxSources) {
        const oldest = this.bySource.oldest();
        if (oldest) this.bySource.delete(oldest[0]);
      }
      s = { address, total: 0, counts: {}, firstAt: at, lastAt: at };
      this.bySource.set(address, s);
    } else {
      this.bySource.touch(address);
    }
    s.total++;
    s.counts[kind] = (s.counts[kind] ?? 0) + 1;
    s.lastAt = at;
  }

  /** What was turned away from one address (a copy), or null when nothing was. */
  from(address: string): SourceRefusals | null {
    const s = this.bySource.get(address);
    return s ? copy(s) : null;
  }

  /** The totals and the `top` sources with the most refusals. */
  report(top = 10): RefusalReport {
    // The log holds at most maxSources entries: sorting them all is cheap, and rare (a bundle).
    const sources = [...this.bySource.values()];
    sources.sort((a, b) => b.total - a.total || b.lastAt - a.lastAt);
    return { totals: { ...this.totals }, sources: sources.slice(0, top).map(copy) };
  }
}

function copy(s: SourceRefusals): SourceRefusals {
  return { ...s, counts: { ...s.counts } };
}
