/**
 * A persona as a process of its own, run inside a namespace host (`ip netns exec NS node …`):
 * a real UDP socket on 0.0.0.0:2425, driven by PersonaCore. Talks JSON lines:
 *   stdout  {t:'ready', address} | {t:'model', model} after every change | {t:'result', id, value}
 *           | {t:'error', message}
 *   stdin   {id, op:'send', to, text} | {id, op:'snapshot'} | {id, op:'announce'} | {id, op:'exit'}
 *           | {id, op:'offer', to, text, files:[path]} | {id, op:'fetch', from, packetNo, fileId,
 *             offset?, stopAfter?}
 * and serves the files it offered on TCP 2425.
 * Bundled by persona-process.ts with esbuild; never imported by the test process itself.
 */
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { Dialect, Identity } from './dialect';
import { feiqDialect } from './feiq-dialect';
import { gbkIpmsgDialect } from './gbk-ipmsg-dialect';
import { IPMSG_PORT, PersonaCore } from './persona-core';
import { fetchFile, serveFiles } from './persona-tcp';

export interface PersonaConfig {
  dialect: 'feiq' | 'gbk-ipmsg';
  nick: string;
  group: string;
  user: string;
  host: string;
  broadcast: string[];
  /** FeiQ only: append the `{/font;…}` tail (default true). */
  fontTail?: boolean;
  /** Where it saves the files it fetches. */
  downloadDir: string;
}

type Command =
  | { id: number; op: 'send'; to: string; text: string }
  | { id: number; op: 'snapshot' }
  | { id: number; op: 'announce' }
  | { id: number; op: 'exit' }
  | { id: number; op: 'offer'; to: string; text: string; files: string[] }
  | {
      id: number;
      op: 'fetch';
      from: string;
      packetNo: number;
      fileId: number;
      offset?: number;
      stopAfter?: number;
    };

const out = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);

function ownAddress(): string {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  throw new Error('no IPv4 interface in this namespace');
}

function main(): void {
  const config = JSON.parse(process.argv[2] ?? '{}') as PersonaConfig;
  const dialect: Dialect =
    config.dialect === 'feiq'
      ? feiqDialect(config.fontTail === undefined ? {} : { fontTail: config.fontTail })
      : gbkIpmsgDialect();
  const me: Identity = {
    nick: config.nick,
    group: config.group,
    user: config.user,
    host: config.host,
    address: ownAddress(),
  };
  const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  const core = new PersonaCore(
    dialect,
    me,
    config.broadcast,
    ({ to, port, bytes }) =>
      socket.send(bytes, port, to, (e) => e && out({ t: 'error', message: e.message })),
    { now: () => Date.now(), later: (ms, fn) => void setTimeout(fn, Math.max(0, ms)) },
  );
  // Coalesce: one model line per turn of the event loop, however many packets changed it.
  let pending = false;
  core.onChange(() => {
    if (pending) return;
    pending = true;
    setImmediate(() => {
      pending = false;
      out({ t: 'model', model: core.snapshot() });
    });
  });
  socket.on('error', (e) => {
    out({ t: 'error', message: e.message });
    process.exit(1);
  });
  socket.on('message', (bytes, rinfo) => core.receive(rinfo.address, new Uint8Array(bytes)));
  // 0.0.0.0, not the host address: Linux delivers no broadcast to a socket bound to a unicast
  // address (lab README, "Binding").
  socket.bind(IPMSG_PORT, '0.0.0.0', () => {
    socket.setBroadcast(true);
    serveFiles(core, IPMSG_PORT).then(
      () => {
        core.start();
        out({ t: 'ready', address: me.address });
        out({ t: 'model', model: core.snapshot() });
      },
      (e: Error) => {
        out({ t: 'error', message: `TCP ${IPMSG_PORT}: ${e.message}` });
        process.exit(1);
      },
    );
  });
  const fail = (id: number, e: unknown) =>
    out({ t: 'result', id, value: { failed: e instanceof Error ? e.message : String(e) } });
  readline.createInterface({ input: process.stdin }).on('line', (line) => {
    const c = JSON.parse(line) as Command;
    if (c.op === 'send') out({ t: 'result', id: c.id, value: core.sendText(c.to, c.text) });
    else if (c.op === 'offer') {
      try {
        const picked = c.files.map((file) => {
          const st = fs.statSync(file);
          return {
            path: file,
            name: path.basename(file),
            size: st.size,
            mtime: Math.floor(st.mtimeMs / 1000),
          };
        });
        out({ t: 'result', id: c.id, value: { packetNos: core.offerFiles(c.to, c.text, picked) } });
      } catch (e) {
        fail(c.id, e);
      }
    } else if (c.op === 'fetch') {
      const offer = core.offer(c.from, c.packetNo, c.fileId);
      if (!offer) fail(c.id, new Error(`no offer ${c.packetNo}/${c.fileId} from ${c.from}`));
      else
        fetchFile(core, {
          offer,
          port: IPMSG_PORT,
          dir: config.downloadDir,
          ...(c.offset === undefined ? {} : { offset: c.offset }),
          ...(c.stopAfter === undefined ? {} : { stopAfter: c.stopAfter }),
        }).then(
          (fetch) => out({ t: 'result', id: c.id, value: { fetch } }),
          (e: unknown) => fail(c.id, e),
        );
    } else if (c.op === 'snapshot') out({ t: 'result', id: c.id, value: core.snapshot() });
    else if (c.op === 'announce') {
      core.start();
      out({ t: 'result', id: c.id, value: null });
    } else {
      core.exit();
      out({ t: 'result', id: c.id, value: null });
      setTimeout(() => socket.close(() => process.exit(0)), 100);
    }
  });
  process.stdin.on('end', () => socket.close(() => process.exit(0)));
}

main();
