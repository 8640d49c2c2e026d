import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { PickedItem } from '../../shared/contract';
import type { Transfer } from '../../shared/model';
import { freeBytes } from '../engine/io/free-space';
import type { AccessPolicy } from './access';
import { DOWNLOAD_PREFIX, STAGE_PATH } from './files-paths';
import {
  checkUploadName,
  newUploadDir,
  STAGING_LIMITS,
  stagingUsage,
  type StagingLimits,
} from './staging';

/** What the host needs of the engine's files capability (engine.files), and no more. */
export interface HostFiles {
  /** `<dataDir>/staging`: uploads land in a folder of their own under it. */
  stagingDir: string;
  /** engine.files.picks.add: a path the person chose, as a pick to offer. */
  addPick(file: string): PickedItem;
  /** The transfer with this id, as the engine has it now. */
  transfer(id: string): Transfer | undefined;
}

export interface FilesEndpoint {
  handles(pathname: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse, pathname: string, url: string): void;
}

/**
 * The two doors files take between a browser and the host. POST /files/stage?token=&name=
 * streams one file into `staging/<random>/<name>` and answers its pick (what `files:offer`
 * takes); GET /files/download/<transferId>?token= streams a file that arrived. Both check the
 * token as the WebSocket does; the upload, which a form on another site could also send, checks
 * the Origin too. Whatever is refused or cut short leaves nothing behind.
 */
export function createFilesEndpoint(opts: {
  files: HostFiles;
  policy: AccessPolicy;
  limits?: Partial<StagingLimits>;
  now?: () => number;
}): FilesEndpoint {
  const limits: StagingLimits = { ...STAGING_LIMITS, ...opts.limits };
  const now = opts.now ?? Date.now;
  /** Bytes of uploads still arriving: counted against the total before they are on disk. */
  let inFlight = 0;

  function stage(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return refuse(req, res, 405, 'method not allowed: upload with POST');
    }
    if (!opts.policy.originAllowed(req.headers.origin))
      return refuse(req, res, 403, 'forbidden: the upload must come from the page pigeon serves');
    if (!opts.policy.tokenAllowed(query.get('token')))
      return refuse(req, res, 403, 'forbidden: missing or wrong token');
    const name = checkUploadName(query.get('name'), limits.nameBytes);
    if (typeof name !== 'string') return refuse(req, res, 400, `bad name: ${name.bad}`);
    const declared = contentLength(req);
    if (declared === 'bad') return refuse(req, res, 400, 'bad Content-Length');
    if (declared !== undefined && declared > limits.fileBytes)
      return refuse(req, res, 413, `too large: one upload holds at most ${gib(limits.fileBytes)}`);
    const used = stagingUsage(opts.files.stagingDir, limits.keepMs, now()) + inFlight;
    if (used + (declared ?? 0) > limits.totalBytes)
      return refuse(
        req,
        res,
        413,
        `too large: the staging folder holds at most ${gib(limits.totalBytes)} and has ${gib(limits.totalBytes - used)} left`,
      );
    fs.mkdirSync(opts.files.stagingDir, { recursive: true, mode: 0o700 });
    if (freeBytes(opts.files.stagingDir) < (declared ?? 0) + limits.spareBytes)
      return refuse(req, res, 507, 'not enough free disk space on the host for this upload');

    const dir = newUploadDir(opts.files.stagingDir);
    const file = path.join(dir, name);
    const out = fs.createWriteStream(file, { flags: 'wx', mode: 0o600 });
    let bytes = 0;
    let over: string | null = null;
    let ended = false;
    const cleanUp = () => {
      inFlight -= bytes;
      bytes = 0;
      out.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    };
    const fail = (status: number, text: string) => {
      if (ended) return;
      ended = true;
      req.unpipe(out);
      cleanUp();
      plain(res, status, text, true);
      // The rest of the body is not read: drop the connection once the answer is out.
      res.once('finish', () => req.destroy());
    };
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      inFlight += chunk.length;
      if (bytes > limits.fileBytes) over = `one upload holds at most ${gib(limits.fileBytes)}`;
      else if (used + bytes > limits.totalBytes)
        over = `the staging folder holds at most ${gib(limits.totalBytes)}`;
      if (over) fail(413, `too large: ${over}`);
    });
    // A page closed mid-upload: nobody to answer, nothing to keep.
    req.on('close', () => {
      if (ended || req.complete) return;
      ended = true;
      cleanUp();
    });
    req.on('error', () => fail(400, 'the upload broke off'));
    out.on('error', (e) =>
      fail(500, `cannot write the upload: ${(e as NodeJS.ErrnoException).code ?? e.message}`),
    );
    out.on('finish', () => {
      if (ended) return;
      if (declared !== undefined && bytes !== declared)
        return fail(400, `the upload ended after ${bytes} of ${declared} bytes`);
      let picked: PickedItem;
      try {
        picked = opts.files.addPick(file);
      } catch (e) {
        return fail(500, `cannot offer the upload: ${(e as Error).message}`);
      }
      ended = true;
      inFlight -= bytes;
      const body = Buffer.from(JSON.stringify(picked));
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
      res.end(body);
    });
    req.pipe(out);
  }

  function download(
    req: IncomingMessage,
    res: ServerResponse,
    rest: string,
    query: URLSearchParams,
  ): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return refuse(req, res, 405, 'method not allowed');
    }
    // A link on another site cannot take the token, and a browser tells where it comes from.
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none')
      return refuse(req, res, 403, 'forbidden: open the download from the page pigeon serves');
    if (!opts.policy.tokenAllowed(query.get('token')))
      return refuse(req, res, 403, 'forbidden: missing or wrong token');
    let id: string;
    try {
      id = decodeURIComponent(rest);
    } catch {
      return refuse(req, res, 400, 'bad transfer id');
    }
    if (!id || id.length > 200 || id.includes('/')) return refuse(req, res, 400, 'bad transfer id');
    const t = opts.files.transfer(id);
    if (!t) return refuse(req, res, 404, `no transfer ${id}`);
    if (t.direction !== 'in')
      return refuse(req, res, 409, 'only files that arrived can be downloaded');
    if (t.state.state !== 'done' || !t.savedAs)
      return refuse(req, res, 409, `not received yet (the transfer is ${t.state.state})`);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(t.savedAs);
    } catch {
      return refuse(req, res, 410, 'the received file is no longer there (moved or deleted)');
    }
    if (stat.isDirectory())
      return refuse(
        req,
        res,
        409,
        'this is a folder: the browser downloads single files only; the folder is in the download folder of the computer that runs pigeon',
      );
    if (!stat.isFile()) return refuse(req, res, 409, 'not a regular file');
    res.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': stat.size,
      'Content-Disposition': contentDisposition(path.basename(t.savedAs)),
    });
    if (req.method === 'HEAD') return void res.end();
    const stream = fs.createReadStream(t.savedAs);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }

  return {
    handles: (pathname) => pathname === STAGE_PATH || pathname.startsWith(DOWNLOAD_PREFIX),
    handle(req, res, pathname, url) {
      const q = url.indexOf('?');
      const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
      if (pathname === STAGE_PATH) return stage(req, res, query);
      return download(req, res, pathname.slice(DOWNLOAD_PREFIX.length), query);
    },
  };
}

function contentLength(req: IncomingMessage): number | undefined | 'bad' {
  const raw = req.headers['content-length'];
  if (raw === undefined) return undefined;
  if (!/^\d{1,16}$/.test(raw)) return 'bad';
  return Number(raw);
}

function gib(bytes: number): string {
  const g = Math.max(0, bytes) / 1024 ** 3;
  return g >= 1
    ? `${Math.floor(g * 10) / 10} GiB`
    : `${Math.floor(Math.max(0, bytes) / 1024 ** 2)} MiB`;
}

/**
 * RFC 6266: an ASCII stand-in for old clients, then the real name in RFC 5987 UTF-8 form
 * (attr-char only, so quotes, semicolons and spaces in a peer's name cannot break the header).
 */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** An answer that reads no body: the connection closes so an unread upload is not drained. */
function refuse(req: IncomingMessage, res: ServerResponse, status: number, text: string): void {
  const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'];
  plain(res, status, text, Boolean(hasBody));
  if (hasBody) res.once('finish', () => req.destroy());
}

function plain(res: ServerResponse, status: number, text: string, close: boolean): void {
  const body = Buffer.from(`${text}\n`);
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': body.length,
    ...(close ? { Connection: 'close' } : {}),
  });
  res.end(body);
}
