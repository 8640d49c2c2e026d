import type { ChatMessage, DeliveryState } from '../../shared/model';

/**
 * Messages since start, per peer, in memory and bounded. History that survives restarts
 * (SQLite with search) replaces this behind the same methods.
 */
export class Conversations {
  private readonly byPeer = new Map<string, ChatMessage[]>();
  private readonly byId = new Map<string, ChatMessage>();

  constructor(private readonly maxPerPeer = 20_000) {}

  add(message: ChatMessage): void {
    let list = this.byPeer.get(message.peerId);
    if (!list) this.byPeer.set(message.peerId, (list = []));
    list.push(message);
    this.byId.set(message.id, message);
    if (list.length > this.maxPerPeer) {
      const dropped = list.splice(0, list.length - this.maxPerPeer);
      for (const m of dropped) this.byId.delete(m.id);
    }
  }

  get(id: string): ChatMessage | undefined {
    return this.byId.get(id);
  }

  setDelivery(id: string, delivery: DeliveryState): void {
    const m = this.byId.get(id);
    if (m) m.delivery = delivery;
  }

  list(peerId: string): ChatMessage[] {
    return [...(this.byPeer.get(peerId) ?? [])];
  }
}
