import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { FetchMade, OfferShown } from './display-model';
import type { PersonaCore } from './persona-core';

/**
 * The TCP half of a persona's file transfer, on real sockets: its file server (both clients
 * answer on TCP 2425 and parse the first recv() only) and its download (one write of the
 * request, then read until the size). What to send and what the request looks like come from
 * PersonaCore and the dialect; this file only moves bytes.
 */

const unmapped = (address: string | undefined) => (address ?? '').replace(/^::ffff:/, '');

/** A file server on `port`: each connection's first chunk is the request. */
export function serveFiles(core: PersonaCore, port: number, host = '0.0.0.0'): Promise<net.Server> {
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', (chunk) => {
      const d = core.serveRequest(unmapped(socket.remoteAddress), new Uint8Array(chunk));
      if (!d.ok) {
        // Both clients close without a byte (CL returns; IPMsg closesocket).
        socket.destroy();
        return;
      }
      let sent = 0;
      let finished = false;
      const finish = (complete: boolean) => {
        if (finished) return;
        finished = true;
        d.finish(sent, complete);
      };
      const stream = fs.createReadStream(d.path, { start: d.offset });
      stream.on('data', (b) => {
        sent += b.length;
        if (!socket.write(b)) stream.pause();
      });
      socket.on('drain', () => stream.resume());
      stream.on('end', () => socket.end(() => finish(d.offset + sent >= d.size)));
      stream.on('error', () => {
        socket.destroy();
        finish(false);
      });
      socket.on('close', () => {
        stream.destroy();
        finish(d.offset + sent >= d.size);
      });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

export interface FetchOptions {
  offer: OfferShown;
  port: number;
  /** Ask from this byte (IPMsg's offset field); the bytes before it must be on disk already. */
  offset?: number;
  /** Close the connection after this many bytes (a cut: the network failed, the user quit). */
  stopAfter?: number;
  dir: string;
  /** Give up when nothing arrives for this long (CL: 3 timeouts of 2 s). */
  idleMs?: number;
}

/** Where it saves a file: under the name it shows (raw bytes as hex), never outside `dir`. */
export function saveName(offer: OfferShown): string {
  const name = offer.name.kind === 'text' ? offer.name.text : `raw-${offer.name.hex}`;
  const base = path.basename(name.replaceAll('\\', '/'));
  return base === '' || base === '.' || base === '..' ? `file-${offer.fileId}` : base;
}

/**
 * Download one offered file: connect to the offerer's TCP port, write the request in one
 * write, write what arrives into the file (from `offset`), stop at the size, a cut or an error.
 */
export function fetchFile(core: PersonaCore, o: FetchOptions): Promise<FetchMade> {
  const offset = o.offset ?? 0;
  const request = core.fileRequest(o.offer, offset);
  const savedAs = path.join(o.dir, saveName(o.offer));
  const fetch = core.trackFetch({
    from: o.offer.from,
    packetNo: o.offer.packetNo,
    fileId: o.offer.fileId,
    offset,
    requestHex: Buffer.from(request).toString('hex'),
    bytes: 0,
    state: 'fetching',
  });
  const want = Math.max(0, o.offer.size - offset);
  return new Promise((resolve) => {
    fs.mkdirSync(o.dir, { recursive: true });
    // A resume continues the file on disk; a fresh fetch starts a new one.
    const fd = fs.openSync(savedAs, offset > 0 ? 'r+' : 'w');
    let at = offset;
    let settled = false;
    const end = (state: FetchMade['state'], error?: string) => {
      if (settled) return;
      settled = true;
      fs.closeSync(fd);
      fetch.state = state;
      fetch.savedAs = savedAs;
      if (error) fetch.error = error;
      core.fetchChanged();
      socket.destroy();
      resolve(fetch);
    };
    const socket = net.connect({ host: o.offer.from, port: o.port }, () => {
      socket.write(request);
      if (want === 0) end('done');
    });
    socket.setTimeout(o.idleMs ?? 6000, () => end('failed', 'timed out'));
    socket.on('data', (chunk: Buffer) => {
      if (settled) return;
      let take = Math.min(chunk.length, want - fetch.bytes);
      if (o.stopAfter !== undefined) take = Math.min(take, o.stopAfter - fetch.bytes);
      fs.writeSync(fd, chunk, 0, take, at);
      at += take;
      fetch.bytes += take;
      core.fetchChanged();
      if (fetch.bytes >= want) end('done');
      else if (o.stopAfter !== undefined && fetch.bytes >= o.stopAfter) end('cut');
    });
    socket.on('error', (e) => end('failed', e.message));
    socket.on('close', () =>
      end(fetch.bytes >= want ? 'done' : 'failed', `closed after ${fetch.bytes} of ${want} bytes`),
    );
  });
}
