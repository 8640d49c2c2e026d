import net from 'node:net';
import type { OutcomeParams, TransferFailureCode } from '../../../shared/model';
import type { FileLimits } from './file-limits';

/** What a consumer says after each chunk: go on, all is here, or stop with a reason. */
export type ChunkVerdict =
  | { state: 'more' }
  | { state: 'complete' }
  | { state: 'stop'; code: TransferFailureCode; params: OutcomeParams };

/** How a fetch connection ended. */
export type FetchEnd =
  { ok: true } | { ok: false; code: TransferFailureCode; params: OutcomeParams; received: number };

export interface TcpFetchSpec {
  address: string;
  port: number;
  /**
   * Our address to connect from: the engine's bind address when it is not 0.0.0.0, so that the
   * peer sees the address it made the offer to (it checks it), on a host with several.
   */
  localAddress?: string;
  /** The request, header and extra, written in one go (IP Messenger reads only its first recv). */
  request: Uint8Array;
  limits: Pick<FileLimits, 'connectTimeoutMs' | 'stallMs' | 'stallBytes'>;
  /** Cancels the fetch (the person cancelled, or the engine stops). */
  signal: AbortSignal;
  /**
   * Each chunk as it arrives. A throw stops the fetch with code 'file-write' (disk errors). The
   * chunk's memory is read into again once this returns: consume it here, keep only copies.
   */
  onChunk(chunk: Buffer): ChunkVerdict;
}

/**
 * What one read from the socket may fill. One buffer per fetch, read into again and again: a
 * 64 KiB Buffer per read (what 'data' events bring) was 16,384 allocations and as many
 * consumer calls per GiB, and the garbage collector's work with them.
 */
const READ_BUFFER = 1024 * 1024;

/**
 * One fetch connection: connect (bounded), send the request, hand every chunk to the consumer,
 * and end in exactly one outcome. A peer that sends nothing and closes refused us (it no longer
 * offers the file, or not to us); one that closes part-way cut the transfer; one that sends
 * less than `stallBytes` in `stallMs` stalled. Both of the latter can be resumed.
 */
export function tcpFetch(spec: TcpFetchSpec): Promise<FetchEnd> {
  return new Promise((resolve) => {
    let received = 0;
    let lastCheck = 0;
    let settled = false;
    let connected = false;
    const socket = net.connect({
      host: spec.address,
      port: spec.port,
      ...(spec.localAddress ? { localAddress: spec.localAddress } : {}),
      onread: {
        buffer: Buffer.allocUnsafe(READ_BUFFER),
        callback: (n, buffer) => {
          onData(Buffer.from(buffer.buffer, buffer.byteOffset, n));
          return !settled;
        },
      },
    });
    const finish = (end: FetchEnd) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      clearInterval(stallTimer);
      spec.signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(end);
    };
    const fail = (code: TransferFailureCode, params: OutcomeParams = {}) =>
      finish({ ok: false, code, params, received });
    const connectTimer = setTimeout(
      () => fail('file-connect', { error: `no answer in ${spec.limits.connectTimeoutMs} ms` }),
      spec.limits.connectTimeoutMs,
    );
    const stallTimer = setInterval(() => {
      if (received - lastCheck < spec.limits.stallBytes)
        fail('file-stalled', { seconds: Math.round(spec.limits.stallMs / 1000) });
      lastCheck = received;
    }, spec.limits.stallMs);
    stallTimer.unref();
    const onAbort = () => fail('file-stopped');
    if (spec.signal.aborted) return fail('file-stopped');
    spec.signal.addEventListener('abort', onAbort);

    socket.once('connect', () => {
      clearTimeout(connectTimer);
      connected = true;
      socket.write(spec.request);
    });
    const onData = (chunk: Buffer) => {
      if (settled) return;
      received += chunk.length;
      let verdict: ChunkVerdict;
      try {
        verdict = spec.onChunk(chunk);
      } catch (error) {
        const e = error as NodeJS.ErrnoException;
        return fail(e.code === 'ENOSPC' ? 'file-no-space' : 'file-write', { error: e.message });
      }
      if (verdict.state === 'complete') finish({ ok: true });
      else if (verdict.state === 'stop') fail(verdict.code, verdict.params);
    };
    socket.on('error', (error: NodeJS.ErrnoException) => {
      fail(connected ? 'file-cut' : 'file-connect', { error: error.code ?? error.message });
    });
    socket.on('close', () => {
      // The consumer saw every byte and did not call it complete: the peer stopped short.
      if (received === 0) fail('file-refused');
      else fail('file-cut', { bytes: received });
    });
  });
}
