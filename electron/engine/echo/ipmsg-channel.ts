import type { Datagram } from '../io/udp-socket';
import type { Wire } from '../wire';
import type { EchoPresence } from './echo-service';
import type { EchoPlan } from './echo-request';
import type { EchoChannel } from './echo-run';
import type { EchoRunner } from './echo-runner';

/** A unicast BR_ENTRY; every IPMsg client answers ANSENTRY (which names no packet). */
export class IpmsgChannel implements EchoChannel {
  private runner: EchoRunner | undefined;
  private lastSize = 0;

  constructor(
    private readonly presence: EchoPresence,
    private readonly wire: Wire,
    private readonly plan: EchoPlan,
  ) {}

  probeSize(): number {
    return this.lastSize;
  }

  attach(runner: EchoRunner): void {
    this.runner = runner;
  }

  send(): Promise<string | undefined> {
    const bytes = this.presence.buildEntry();
    this.lastSize = bytes.length;
    return this.wire.sendBytes(bytes, this.plan.address, this.plan.port);
  }

  onAnsEntry(d: Datagram): void {
    if (d.address === this.plan.address) this.runner?.answerLatest({ bytes: d.bytes.length });
  }
}
