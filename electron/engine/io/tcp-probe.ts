import net from 'node:net';
import type { TcpState } from '../../../shared/model';

export interface TcpProbeResult {
  state: TcpState;
  ms: number;
  error?: string;
}

/**
 * Can we open TCP to address:port (the file transfer port)? Connects, closes at once, sends
 * nothing: 'refused' means the machine is up with nothing listening, 'timeout' that something
 * drops the connection attempt on the way.
 */
export function tcpProbe(address: string, port: number, timeoutMs = 1500): Promise<TcpProbeResult> {
  const started = performance.now();
  const ms = () => Math.round((performance.now() - started) * 1000) / 1000;
  return new Promise((resolve) => {
    let settled = false;
    const socket = net.connect({ host: address, port });
    const done = (r: TcpProbeResult) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(r);
    };
    socket.setTimeout(timeoutMs, () => done({ state: 'timeout', ms: ms() }));
    socket.once('connect', () => done({ state: 'open', ms: ms() }));
    socket.once('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? '';
      if (code === 'ECONNREFUSED') done({ state: 'refused', ms: ms() });
      else if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
        done({ state: 'unreachable', ms: ms(), error: code });
      else if (code === 'ETIMEDOUT') done({ state: 'timeout', ms: ms(), error: code });
      else done({ state: 'error', ms: ms(), error: err.message });
    });
  });
}
