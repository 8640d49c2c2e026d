/** Why a connection was not let in. */
export type SlotRefusal = 'service-full' | 'address-full';

/**
 * Who holds the TCP service's connection slots: a total, and a share per remote address so that
 * one host cannot take every slot. A TCP peer address cannot be forged the way a UDP source can
 * (the handshake must complete), so counting by address is meaningful.
 */
export class ConnectionSlots {
  private readonly byAddress = new Map<string, number>();
  private total = 0;

  constructor(private readonly limits: { maxConnections: number; maxPerAddress: number }) {}

  /** Takes a slot for `address`, or says why not. Every taken slot must be released once. */
  take(address: string): SlotRefusal | undefined {
    if (this.total >= this.limits.maxConnections) return 'service-full';
    const held = this.byAddress.get(address) ?? 0;
    if (held >= this.limits.maxPerAddress) return 'address-full';
    this.byAddress.set(address, held + 1);
    this.total++;
    return undefined;
  }

  release(address: string): void {
    const held = this.byAddress.get(address);
    if (held === undefined) return;
    if (held <= 1) this.byAddress.delete(address);
    else this.byAddress.set(address, held - 1);
    this.total--;
  }

  get size(): number {
    return this.total;
  }
}
