import type { Datagram, DatagramTransport } from '../../io/udp-transport';

/**
 * The engine's injectable transport with a slow link in front: every datagram leaves after
 * `delayMs()` (drawn per datagram, so independent draws make jitter and reordering). A relay
 * would change who the peer is; this keeps the addresses real.
 */
export class DelayTransport implements DatagramTransport {
  constructor(
    private readonly inner: DatagramTransport,
    private readonly delayMs: () => number,
  ) {}

  bind(address: string, port: number): Promise<void> {
    return this.inner.bind(address, port);
  }

  send(bytes: Uint8Array, address: string, port: number): Promise<void> {
    const copy = new Uint8Array(bytes);
    setTimeout(
      () => void this.inner.send(copy, address, port).catch(() => undefined),
      this.delayMs(),
    );
    return Promise.resolve();
  }

  onDatagram(listener: (d: Datagram) => void): void {
    this.inner.onDatagram(listener);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  local(): { address: string; port: number } {
    return this.inner.local();
  }

  localAddresses(): string[] {
    return this.inner.localAddresses();
  }
}
