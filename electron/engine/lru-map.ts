interface Node<K, V> {
  key: K;
  value: V;
  /** Towards the least recently used end. */
  older: Node<K, V> | undefined;
  /** Towards the most recently used end. */
  newer: Node<K, V> | undefined;
}

/**
 * A map that knows which key was used least recently: a Map to the nodes of a doubly linked
 * list, most recent at one end. Using a key moves its node to that end with a few pointer
 * writes; the least recently used key is at the other end.
 *
 * Why not a plain Map, deleting and re-inserting a key to move it, and `keys().next()` for the
 * oldest? V8 leaves a hole for every delete until the table is rebuilt, and iteration walks
 * the holes: under a flood of forged senders each eviction scanned thousands of them, and on
 * a busy LAN every packet paid a delete and an insert. Here both are O(1) with no hashing.
 */
export class LruMap<K, V> {
  private readonly nodes = new Map<K, Node<K, V>>();
  private oldestNode: Node<K, V> | undefined;
  private newestNode: Node<K, V> | undefined;

  get size(): number {
    return this.nodes.size;
  }

  has(key: K): boolean {
    return this.nodes.has(key);
  }

  /** The value, without counting this as a use. */
  get(key: K): V | undefined {
    return this.nodes.get(key)?.value;
  }

  /** Insert or replace; either way the key becomes the most recently used. */
  set(key: K, value: V): void {
    const node = this.nodes.get(key);
    if (node) {
      node.value = value;
      this.moveToNewest(node);
      return;
    }
    const added: Node<K, V> = { key, value, older: this.newestNode, newer: undefined };
    if (this.newestNode) this.newestNode.newer = added;
    else this.oldestNode = added;
    this.newestNode = added;
    this.nodes.set(key, added);
  }

  /** Count a use of the key; false when it is not here. */
  touch(key: K): boolean {
    // A conversation uses the same key packet after packet: no lookup for that.
    if (this.newestNode?.key === key) return true;
    const node = this.nodes.get(key);
    if (!node) return false;
    this.moveToNewest(node);
    return true;
  }

  delete(key: K): boolean {
    const node = this.nodes.get(key);
    if (!node) return false;
    this.unlink(node);
    this.nodes.delete(key);
    return true;
  }

  clear(): void {
    this.nodes.clear();
    this.oldestNode = undefined;
    this.newestNode = undefined;
  }

  /** The least recently used entry. */
  oldest(): [K, V] | undefined {
    const n = this.oldestNode;
    return n ? [n.key, n.value] : undefined;
  }

  /** Entries from the least to the most recently used. */
  *entries(): IterableIterator<[K, V]> {
    for (let n = this.oldestNode; n; n = n.newer) yield [n.key, n.value];
  }

  *values(): IterableIterator<V> {
    for (let n = this.oldestNode; n; n = n.newer) yield n.value;
  }

  private moveToNewest(node: Node<K, V>): void {
    if (node === this.newestNode) return;
    this.unlink(node);
    node.older = this.newestNode;
    node.newer = undefined;
    if (this.newestNode) this.newestNode.newer = node;
    else this.oldestNode = node;
    this.newestNode = node;
  }

  private unlink(node: Node<K, V>): void {
    if (node.older) node.older.newer = node.newer;
    else this.oldestNode = node.newer;
    if (node.newer) node.newer.older = node.older;
    else this.newestNode = node.older;
    node.older = undefined;
    node.newer = undefined;
  }
}
