/**
 * A set of ids that gives back its oldest member in O(log n), "oldest" by a number fixed when the
 * id was first seen (the transfer table's insertion order). Members can leave and come back (a
 * fetched offer is served again); a leaving member's heap entry is skipped when it surfaces
 * rather than searched for, and the heap is rebuilt when such entries outnumber the members.
 */
export class OldestFirst {
  private readonly members = new Map<string, number>();
  /** [seq, id], a binary min-heap by seq; may hold entries of ids no longer members. */
  private heap: Entry[] = [];

  get size(): number {
    return this.members.size;
  }

  has(id: string): boolean {
    return this.members.has(id);
  }

  add(id: string, seq: number): void {
    if (this.members.get(id) === seq) return;
    this.members.set(id, seq);
    this.push([seq, id]);
  }

  delete(id: string): void {
    if (!this.members.delete(id)) return;
    if (this.heap.length > 2 * this.members.size + 32) this.rebuild();
  }

  /** The oldest member, left in the set. */
  oldest(): string | undefined {
    for (;;) {
      const top = this.heap[0];
      if (!top) return undefined;
      if (this.members.get(top[1]) === top[0]) return top[1];
      this.pop();
    }
  }

  private rebuild(): void {
    this.heap = [...this.members].map(([id, seq]): Entry => [seq, id]);
    this.heap.sort((a, b) => a[0] - b[0]);
  }

  private push(entry: Entry): void {
    const h = this.heap;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = h[parent] as Entry;
      if (above[0] <= entry[0]) break;
      h[i] = above;
      i = parent;
    }
    h[i] = entry;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop();
    if (!last || h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const left = h[l] as Entry;
      const right = h[l + 1];
      const [c, child] = right && right[0] < left[0] ? [l + 1, right] : [l, left];
      if (child[0] >= last[0]) break;
      h[i] = child;
      i = c;
    }
    h[i] = last;
  }
}

/** [the number it was first seen with, id] */
type Entry = [number, string];
