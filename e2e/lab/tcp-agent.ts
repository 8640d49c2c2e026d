/**
 * Raw TCP inside a host namespace, driven from the test process, for the IPMsg file transfer
 * (TCP 2425): a one-shot client (send a request, read until the peer closes) and a server that
 * reports each connection's request and answers with the bytes the test chooses.
 *
 * Both are small node processes started through lan.spawn()/lan.exec(), so destroy() ends them.
 */
import type { ChildProcess } from 'node:child_process';
import { alive, terminate, waitExit, type HostRef, type Lan, type LanHost } from './netns-lan';

// argv: ip port timeoutMs; stdin: the request (base64, one line). Prints one JSON line with
// everything read until the peer closed (or the timeout hit) and how it ended.
const CLIENT = `
const net = require('node:net');
const [ip, port, timeoutMs] = process.argv.slice(1);
let input = '';
process.stdin.on('data', (b) => (input += b));
process.stdin.on('end', () => {
  const chunks = [];
  let ended = 'close';
  const s = net.connect(Number(port), ip, () => s.write(Buffer.from(input.trim(), 'base64')));
  const timer = setTimeout(() => { ended = 'timeout'; s.destroy(); }, Number(timeoutMs));
  s.on('data', (b) => chunks.push(b));
  s.on('error', (e) => { ended = 'error: ' + e.message; });
  s.on('close', () => {
    clearTimeout(timer);
    process.stdout.write(JSON.stringify({ ended, b64: Buffer.concat(chunks).toString('base64') }) + '\\n');
  });
});
`;

export interface TcpFetchResult {
  /** 'close' when the peer closed, 'timeout', or 'error: ...'. */
  ended: string;
  data: Buffer;
}

/** Connect from `host` to ip:port, send `request` in one write, read until the peer closes. */
export async function tcpFetch(
  lan: Lan,
  host: HostRef,
  ip: string,
  port: number,
  request: string | Uint8Array,
  timeoutMs = 15_000,
): Promise<TcpFetchResult> {
  const input = Buffer.from(typeof request === 'string' ? Buffer.from(request) : request);
  const r = await lan.exec(
    host,
    process.execPath,
    ['-e', CLIENT, ip, String(port), String(timeoutMs)],
    {
      input: `${input.toString('base64')}\n`,
      timeoutMs: timeoutMs + 5000,
    },
  );
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.code !== 0 || !line.startsWith('{')) {
    throw new Error(`tcpFetch ${ip}:${port}: exit ${r.code ?? r.signal}: ${r.stderr.trim()}`);
  }
  const m = JSON.parse(line) as { ended: string; b64: string };
  return { ended: m.ended, data: Buffer.from(m.b64, 'base64') };
}

// argv: port. Reports {t:'conn', id, from, b64} once a connection's request is complete (it
// ends with a NUL or the client paused 300 ms), then obeys stdin lines {id, b64}: write b64 and
// end that connection.
const SERVER = `
const net = require('node:net');
const readline = require('node:readline');
const out = (o) => process.stdout.write(JSON.stringify(o) + '\\n');
const conns = new Map();
let nextId = 1;
const srv = net.createServer((s) => {
  const id = nextId++;
  conns.set(id, s);
  let buf = Buffer.alloc(0);
  let reported = false;
  let timer;
  const report = () => {
    if (reported) return;
    reported = true;
    out({ t: 'conn', id, from: s.remoteAddress, b64: buf.toString('base64') });
  };
  s.on('data', (b) => {
    if (reported) return;
    buf = Buffer.concat([buf, b]);
    clearTimeout(timer);
    if (buf.includes(0)) report();
    else timer = setTimeout(report, 300);
  });
  s.on('error', () => undefined);
  s.on('close', () => { clearTimeout(timer); report(); conns.delete(id); out({ t: 'closed', id }); });
});
srv.on('error', (e) => { out({ t: 'error', message: e.message }); process.exit(1); });
srv.listen(Number(process.argv[1]), '0.0.0.0', () => out({ t: 'ready' }));
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const c = JSON.parse(line);
  const s = conns.get(c.id);
  if (!s) return out({ t: 'written', id: c.id, error: 'connection gone' });
  s.end(Buffer.from(c.b64, 'base64'), () => out({ t: 'written', id: c.id, error: null }));
});
process.stdin.on('end', () => srv.close(() => process.exit(0)));
`;

export interface TcpRequest {
  id: number;
  from: string;
  /** What the client sent before its first NUL or a 300 ms pause (the IPMsg request). */
  data: Buffer;
}

export interface TcpServer {
  readonly host: LanHost;
  /** Every request so far, in arrival order. */
  readonly requests: TcpRequest[];
  /** Called for each request from now on; answer it with reply(). */
  onRequest(fn: (r: TcpRequest) => void): void;
  /** Write `data` to the connection and close it; resolves once written. */
  reply(id: number, data: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

interface ServerLine {
  t: 'ready' | 'conn' | 'closed' | 'written' | 'error';
  id?: number;
  from?: string;
  b64?: string;
  error?: string | null;
  message?: string;
}

/** A TCP server on 0.0.0.0:`port` in `host`. */
export function openTcpServer(lan: Lan, host: HostRef, port: number): Promise<TcpServer> {
  let h: LanHost;
  let child: ChildProcess;
  try {
    h = typeof host === 'string' ? lan.host(host) : host;
    child = lan.spawn(h, process.execPath, ['-e', SERVER, String(port)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (e) {
    return Promise.reject(e as Error);
  }
  const requests: TcpRequest[] = [];
  const listeners: ((r: TcpRequest) => void)[] = [];
  const pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
  child.stdin?.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    let ready = false;
    const fail = (why: string) => {
      const err = new Error(
        `openTcpServer in ${h.ns}: ${why}${stderr ? `: ${stderr.trim()}` : ''}`,
      );
      if (!ready) reject(err);
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    };
    child.on('error', (e) => fail(e.message));
    child.on('exit', (code, signal) => fail(`server exited (${code ?? signal})`));
    let buf = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const m = JSON.parse(buf.slice(0, nl)) as ServerLine;
        buf = buf.slice(nl + 1);
        if (m.t === 'ready') {
          ready = true;
          resolve(server);
        } else if (m.t === 'conn') {
          const r = { id: m.id ?? 0, from: m.from ?? '', data: Buffer.from(m.b64 ?? '', 'base64') };
          requests.push(r);
          for (const fn of listeners) fn(r);
        } else if (m.t === 'written') {
          const p = pending.get(m.id ?? -1);
          pending.delete(m.id ?? -1);
          if (m.error) p?.reject(new Error(`reply ${m.id}: ${m.error}`));
          else p?.resolve();
        } else if (m.t === 'error') {
          fail(m.message ?? 'error');
        }
      }
    });
    const server: TcpServer = {
      host: h,
      requests,
      onRequest(fn) {
        listeners.push(fn);
      },
      reply(id, data) {
        if (!alive(child)) return Promise.reject(new Error(`openTcpServer in ${h.ns}: closed`));
        return new Promise<void>((res, rej) => {
          pending.set(id, { resolve: res, reject: rej });
          child.stdin?.write(
            `${JSON.stringify({ id, b64: Buffer.from(data).toString('base64') })}\n`,
          );
        });
      },
      async close() {
        child.stdin?.end();
        if (!(await waitExit(child, 2000))) await terminate(child);
      },
    };
  });
}
