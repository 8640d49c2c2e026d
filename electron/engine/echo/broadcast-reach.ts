import type { InterfaceInfo, Peer, ReachResponder, ReachResult } from '../../../shared/model';
import { inSubnet } from '../../../shared/net/ipv4';

/**
 * Who answers a broadcast, and through which interface: one probe per broadcast target (pigeon
 * mode; probe `seq` = the target's index, so each answer says which broadcast reached it), or one
 * BR_ENTRY per target (ipmsg mode; ANSENTRY names no packet, so only the responder is known).
 */
export class ReachCollector {
  private readonly sentAt = new Map<number, number>();
  private readonly responders = new Map<
    string,
    { address: string; port: number; rttMs: number; via: Set<string> }
  >();

  constructor(
    private readonly targets: readonly string[],
    private readonly now: () => number,
  ) {}

  sent(seq: number): void {
    if (!this.sentAt.has(seq)) this.sentAt.set(seq, this.now());
  }

  /** An answer; `seq` undefined when the answer does not name the probe (ipmsg mode). */
  answer(seq: number | undefined, address: string, port: number): void {
    const sent = seq === undefined ? Math.min(...this.sentAt.values()) : this.sentAt.get(seq);
    if (sent === undefined || !Number.isFinite(sent)) return;
    const key = `${address}:${port}`;
    let r = this.responders.get(key);
    if (!r) {
      r = { address, port, rttMs: round3(this.now() - sent), via: new Set() };
      this.responders.set(key, r);
    }
    const target = seq === undefined ? undefined : this.targets[seq];
    if (target !== undefined) r.via.add(target);
  }

  build(ctx: {
    runId: string;
    mode: 'pigeon' | 'ipmsg';
    startedAt: number;
    durationMs: number;
    interfaces: InterfaceInfo[];
    peer: (address: string, port: number) => Peer | undefined;
  }): ReachResult {
    const all: ReachResponder[] = [...this.responders.values()]
      .map((r) => {
        const p = ctx.peer(r.address, r.port);
        return {
          address: r.address,
          port: r.port,
          rttMs: r.rttMs,
          ...(p ? { nick: p.nick, client: p.client } : {}),
          via: [...r.via],
        };
      })
      .sort((a, b) => a.rttMs - b.rttMs);
    const interfaces = ctx.interfaces.map((i) => ({
      name: i.name,
      address: i.address,
      subnet: i.subnet,
      broadcast: i.broadcast,
      announced: i.announced,
      responders: all.filter((r) => inSubnet(r.address, i.address, i.prefix)),
    }));
    const elsewhere = all.filter(
      (r) => !ctx.interfaces.some((i) => inSubnet(r.address, i.address, i.prefix)),
    );
    return {
      runId: ctx.runId,
      mode: ctx.mode,
      startedAt: ctx.startedAt,
      durationMs: ctx.durationMs,
      state: 'done',
      targets: this.targets.map((target) => ({
        target,
        interface: ctx.interfaces.find((i) => i.broadcast === target)?.name ?? null,
        responders: all.filter((r) => r.via.includes(target)).map((r) => r.address),
      })),
      interfaces,
      elsewhere,
    };
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
