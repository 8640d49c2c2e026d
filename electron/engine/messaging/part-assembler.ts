import type { MessagePart } from '../../../shared/protocol';

interface Assembly {
  count: number;
  parts: (string | undefined)[];
  received: number;
  startedAt: number;
  undecodable: boolean;
}

/**
 * Joins the parts of a long message from a Pigeon peer (PGPART sections) back into one text.
 * Bounded in open assemblies and in age; an assembly that never completes is released with
 * what arrived, marked, instead of being lost.
 */
export class PartAssembler {
  private readonly open = new Map<string, Assembly>();

  constructor(
    private readonly maxOpen = 64,
    private readonly maxAgeMs = 60_000,
  ) {}

  /** Returns the whole text when this part completes its message. */
  add(peerId: string, part: MessagePart, text: string, now: number): string | undefined {
    const key = `${peerId}/${part.id}`;
    let a = this.open.get(key);
    if (!a || a.count !== part.count) {
      if (this.open.size >= this.maxOpen) {
        const oldest = this.open.keys().next().value;
        if (oldest !== undefined) this.open.delete(oldest);
      }
      a = {
        count: part.count,
        parts: new Array(part.count),
        received: 0,
        startedAt: now,
        undecodable: false,
      };
      this.open.set(key, a);
    }
    if (a.parts[part.index] === undefined) {
      a.parts[part.index] = text;
      a.received++;
    }
    if (a.received < a.count) return undefined;
    this.open.delete(key);
    return a.parts.join('');
  }

  /** Assemblies older than maxAge, with a marker where parts are missing. */
  expire(now: number): { peerId: string; text: string }[] {
    const out: { peerId: string; text: string }[] = [];
    for (const [key, a] of this.open) {
      if (now - a.startedAt < this.maxAgeMs) continue;
      this.open.delete(key);
      const peerId = key.slice(0, key.lastIndexOf('/'));
      const text = a.parts.map((p) => p ?? '').join('');
      out.push({
        peerId,
        text: `${text}\n[incomplete: ${a.received} of ${a.count} parts arrived]`,
      });
    }
    return out;
  }
}
