import fs from 'node:fs';
import path from 'node:path';
import { eventLine, type ContractEvent } from '../../../shared/contract';
import { BROADCAST_ID } from '../../../shared/model';
import { isIpv4 } from '../../../shared/protocol';
import { outcomeText } from '../../../shared/model/texts';
import { parseArgs, UsageError, type FlagSpecs } from '../args';
import { cliLanguage } from '../language';
import { networkFlags } from '../network-flags';
import { jsonLine, paint, printInfo, printJson } from '../output';
import { CliFailure, startEngine } from '../run-engine';
import { openEngineControl } from '../../control/engine-control';
import { startStdioControl } from '../stdio-control';
import { terminalField as field, terminalLines } from '../terminal-text';
import { findUiAssets } from '../../browser-host/asset-paths';
import {
  DEFAULT_UI_HOST,
  isLoopback,
  startBrowserHost,
  type BrowserHost,
} from '../../browser-host/browser-host';

/** Auto-accept quotas: a colleague's big folder fits, a flood from one host does not fill the disk. */
const DEFAULT_PEER_MB = 4096;
const DEFAULT_TOTAL_MB = 16384;

export const serveFlags = {
  ...networkFlags,
  json: {
    type: 'boolean',
    describe: 'one JSON object per line on stdout for every event; requests are read on stdin',
  },
  ui: {
    type: 'optional-number',
    arg: '[PORT]',
    describe: 'serve the app to a browser on 127.0.0.1:PORT (default: a free port); prints the URL',
  },
  'accept-files': {
    type: 'string',
    arg: 'DIR',
    describe:
      'fetch every file and folder offered to us into DIR (never the default: without it, offers wait for files:accept)',
  },
  'accept-peer-mb': {
    type: 'number',
    arg: 'MB',
    describe: `with --accept-files: at most this much from one peer in this run (default ${DEFAULT_PEER_MB})`,
  },
  'accept-total-mb': {
    type: 'number',
    arg: 'MB',
    describe: `with --accept-files: at most this much in all in this run (default ${DEFAULT_TOTAL_MB})`,
  },
  'ui-host': {
    type: 'string',
    arg: 'ADDR',
    describe:
      'with --ui: listen on ADDR instead of 127.0.0.1 (anyone who can reach it and has the URL reads your chats)',
  },
} as const satisfies FlagSpecs;

export const serveHelp = {
  usage: 'pigeon serve [--json] [--ui [PORT]] [network flags]',
  summary: 'run Pigeon headless until SIGINT/SIGTERM (then say goodbye with BR_EXIT)',
  examples: [
    'pigeon serve --nick 小王 --group 研发部',
    'pigeon serve --ui --nick 小王    # then open the printed http://127.0.0.1:PORT/?token=... URL',
    'pigeon serve --json --bind 0.0.0.0 | jq .',
    'pigeon serve --accept-files ~/Inbox --accept-peer-mb 1024',
    `echo '{"id":1,"ch":"chat:send","req":{"to":["192.168.1.20"],"text":"hi"}}' | pigeon serve --json`,
  ],
};

export async function serve(argv: string[]): Promise<number> {
  const { flags } = parseArgs(argv, serveFlags);
  const uiHost = flags['ui-host'];
  if (uiHost !== undefined && flags.ui === undefined) {
    throw new UsageError('--ui-host only makes sense with --ui');
  }
  if (uiHost !== undefined && !isIpv4(uiHost)) {
    throw new UsageError(`--ui-host expects an IPv4 address, got ${JSON.stringify(uiHost)}`);
  }
  const uiPort = flags.ui === true ? 0 : flags.ui;
  if (uiPort !== undefined && (!Number.isInteger(uiPort) || uiPort < 0 || uiPort > 65535)) {
    throw new UsageError(`--ui expects a port from 1 to 65535 (or none), got ${uiPort}`);
  }
  const acceptDir = flags['accept-files'];
  if (
    acceptDir === undefined &&
    (flags['accept-peer-mb'] ?? flags['accept-total-mb']) !== undefined
  )
    throw new UsageError(
      '--accept-peer-mb and --accept-total-mb only make sense with --accept-files',
    );
  for (const name of ['accept-peer-mb', 'accept-total-mb'] as const) {
    const v = flags[name];
    if (v !== undefined && !(v > 0)) throw new UsageError(`--${name} expects a size in MB above 0`);
  }
  if (acceptDir !== undefined) {
    try {
      fs.mkdirSync(acceptDir, { recursive: true });
      fs.accessSync(acceptDir, fs.constants.W_OK);
    } catch (error) {
      throw new UsageError(
        `--accept-files ${JSON.stringify(acceptDir)}: ${(error as Error).message}`,
      );
    }
  }
  const MB = 1024 * 1024;
  const autoAccept =
    acceptDir === undefined
      ? undefined
      : {
          dir: path.resolve(acceptDir),
          perPeerBytes: (flags['accept-peer-mb'] ?? DEFAULT_PEER_MB) * MB,
          totalBytes: (flags['accept-total-mb'] ?? DEFAULT_TOTAL_MB) * MB,
        };
  const assets = uiPort === undefined ? undefined : findUiAssets();
  if (assets && 'missing' in assets) throw new CliFailure(assets.missing, 1);

  const print = flags.json
    ? (e: ContractEvent) => printJson(eventLine(e))
    : (e: ContractEvent) => {
        const line = describeEvent(e);
        if (line) console.log(line);
      };
  const { engine } = await startEngine(flags, print, {
    shell: 'browser',
    // Messages to offline peers wait for them, this run's and a `send --queue`'s alike.
    outbox: true,
    ...(autoAccept ? { files: { autoAccept } } : {}),
    onHandlerError: (channel, error) =>
      printInfo(`${channel} failed: ${error instanceof Error ? error.message : String(error)}`),
  });

  // One engine, one dispatcher for every door (stdin and browser tabs): they share unread
  // counts, and each sees the settings the other changed (settings:changed).
  let host: BrowserHost | undefined;
  const handle = engine.request;
  const stopControl = flags.json ? startStdioControl(handle) : undefined;
  // `pigeon send` and the other commands on this data directory go through this engine.
  const control = await openEngineControl(engine, printInfo);

  if (assets && uiPort !== undefined) {
    try {
      host = await startBrowserHost({
        handle,
        subscribe: (listener) => engine.subscribe(listener),
        ...assets,
        files: {
          stagingDir: path.join(engine.settings().dataDir, 'staging'),
          addPick: (file) => engine.files.picks.add(file),
          transfer: (id) => engine.files.table.get(id)?.transfer,
        },
        host: uiHost ?? DEFAULT_UI_HOST,
        port: uiPort,
        onRefused: (why) => printInfo(`ui: ${why}`),
      });
    } catch (error) {
      stopControl?.();
      await control?.close();
      await engine.stop();
      const why = (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? 'is in use' : 'failed';
      throw new CliFailure(
        `cannot serve the UI: ${uiHost ?? DEFAULT_UI_HOST}:${uiPort} ${why} (${(error as Error).message})`,
        3,
      );
    }
    announceUi(host, Boolean(flags.json));
  }

  await new Promise<void>((resolve) => {
    const quit = () => {
      stopControl?.();
      process.off('SIGINT', quit);
      process.off('SIGTERM', quit);
      void (host?.close() ?? Promise.resolve())
        .then(() => control?.close())
        .then(() => engine.stop())
        .then(resolve);
    };
    process.on('SIGINT', quit);
    process.on('SIGTERM', quit);
  });
  return 0;
}

/** The URL goes to stderr (stdout may be a JSON stream), and with --json also as a `ui` event. */
function announceUi(host: BrowserHost, json: boolean): void {
  if (!isLoopback(host.host)) {
    process.stderr.write(
      `${paint('warning:', 'yellow', 'err')} the UI listens on ${host.host}:${host.port}, beyond this computer: anyone who can reach it and learns the URL can read and send your messages\n`,
    );
  }
  process.stderr.write(`open ${host.url}\n`);
  for (const other of host.urls.slice(1)) process.stderr.write(`  or ${other}\n`);
  if (json) printJson({ event: 'cli:ui', payload: { url: host.url, urls: host.urls } });
}

function group(name: string): string {
  return name ? ` [${field(name)}]` : '';
}

function time(): string {
  return paint(new Date().toTimeString().slice(0, 8), 'dim');
}

/** Lines after the first of a peer's text start here, under the time: never a line of ours. */
const CONTINUATION = `${' '.repeat(8)} | `;

/** One line for a person, or '' for events only a UI cares about. Peer text is made inert. */
export function describeEvent(e: ContractEvent): string {
  const lang = cliLanguage();
  switch (e.channel) {
    case 'engine:ready': {
      const r = e.payload;
      return `${time()} ${paint('ready', 'green')} as ${field(r.nick)}${group(r.group)} on ${r.bind}:${r.port}, announcing to ${r.broadcast.join(', ')}`;
    }
    case 'engine:stopped':
      return `${time()} stopped`;
    case 'engine:error':
      return `${time()} ${paint('error', 'red')} ${field(outcomeText(e.payload, lang))}`;
    case 'peers:online': {
      const p = e.payload;
      return `${time()} ${paint('+', 'green')} ${field(p.nick)}${group(p.group)} ${p.address} (${p.client})`;
    }
    case 'peers:offline':
      return `${time()} ${paint('-', 'yellow')} ${field(e.payload.nick)} ${e.payload.address} left`;
    case 'peers:changed': {
      const p = e.payload;
      return `${time()} ${paint('~', 'cyan')} ${field(p.nick)}${group(p.group)} ${p.address}${p.away ? ' (away)' : ''}`;
    }
    case 'chat:message': {
      const { message: m, peer } = e.payload;
      const who = peer
        ? `${field(peer.nick)} (${peer.address})`
        : m.peerId === BROADCAST_ID
          ? 'everyone'
          : field(m.peerId);
      // An address-change notice: the catalogue's sentence, escaped like any peer text.
      if (m.notice)
        return `${time()} ${paint('notice', 'yellow')} ${who}: ${field(outcomeText(m.notice, lang))}`;
      const body = m.undecodable
        ? `[undecodable ${m.undecodable.encoding} bytes: ${m.undecodable.rawBase64}]`
        : m.incomplete
          ? `${terminalLines(m.text, CONTINUATION)} [incomplete: ${m.incomplete.received} of ${m.incomplete.total} parts arrived]`
          : terminalLines(m.text, CONTINUATION);
      if (m.direction === 'in')
        return `${time()} ${paint(who, 'bold')}${m.broadcast ? ' to all' : ''}: ${body}`;
      const failed = m.delivery?.state === 'failed' ? m.delivery : undefined;
      return failed
        ? `${time()} ${paint('failed', 'red')} ${m.id} to ${who}: ${field(outcomeText(failed, lang))}`
        : `${time()} ${paint('to', 'dim')} ${who}: ${body} ${paint(`(${m.id})`, 'dim')}`;
    }
    case 'chat:delivery': {
      const d = e.payload.delivery;
      if (d.state === 'failed')
        return `${time()} ${paint('failed', 'red')} ${e.payload.messageId}: ${field(outcomeText(d, lang))}`;
      if (d.state === 'unconfirmed')
        return `${time()} ${paint('unconfirmed', 'yellow')} ${e.payload.messageId}: ${field(outcomeText(d, lang))}`;
      if (d.state === 'outbox')
        return `${time()} ${paint('outbox', 'yellow')} ${e.payload.messageId}: ${field(outcomeText(d, lang))}`;
      return `${time()} ${paint(d.state, 'dim')} ${e.payload.messageId}`;
    }
    case 'files:transfer': {
      const t = e.payload;
      const s = t.state;
      // Progress would flood a terminal: only the states.
      if (s.state === 'transferring' && t.bytes > 0) return '';
      const arrow = t.direction === 'in' ? 'from' : 'to';
      const why =
        s.state === 'failed' || s.state === 'interrupted' ? `: ${field(outcomeText(s, lang))}` : '';
      const where = s.state === 'done' && t.savedAs ? ` -> ${field(t.savedAs)}` : '';
      const size = t.item.size >= 0 ? ` (${t.item.size} bytes)` : '';
      return `${time()} ${paint(`file ${s.state}`, s.state === 'failed' ? 'red' : 'cyan')} ${field(t.item.name)}${size} ${arrow} ${t.peerId}${where}${why} ${paint(`(${t.id})`, 'dim')}`;
    }
    case 'chat:unread':
    case 'settings:changed':
    case 'ui:open-conversation':
      return '';
    default:
      // Echo and diagnostics progress: compact JSON reads well enough in a terminal.
      return `${time()} ${paint(e.channel, 'dim')} ${jsonLine(e.payload).slice(0, 200)}`;
  }
}
