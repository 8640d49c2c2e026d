import { createRequestHandler } from '../../../shared/contract';
import type { EngineEvent } from '../../../shared/model';
import { createEngineHandlers } from '../../engine/engine-handlers';
import { isIpv4 } from '../../engine/network-interfaces';
import { parseArgs, UsageError, type FlagSpecs } from '../args';
import { networkFlags } from '../network-flags';
import { jsonLine, paint, printInfo, printJson } from '../output';
import { CliFailure, startEngine } from '../run-engine';
import { startStdioControl } from '../stdio-control';
import { terminalField as field, terminalLines } from '../terminal-text';
import { findUiAssets } from '../../browser-host/asset-paths';
import {
  DEFAULT_UI_HOST,
  isLoopback,
  startBrowserHost,
  type BrowserHost,
} from '../../browser-host/browser-host';

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
  const assets = uiPort === undefined ? undefined : findUiAssets();
  if (assets && 'missing' in assets) throw new CliFailure(assets.missing, 1);

  const print = flags.json ? printJson : (e: EngineEvent) => console.log(describeEvent(e));
  const { engine, nickConfigured } = await startEngine(flags, print);

  // One dispatcher for every door (stdin and browser tabs), so they share unread counts and each
  // sees the settings the other changed.
  let host: BrowserHost | undefined;
  const handle = createRequestHandler(
    createEngineHandlers({
      engine,
      dataDir: engine.settings().dataDir,
      shell: 'browser',
      firstRun: !nickConfigured,
      onSettingsChanged: (settings) => host?.emit('settings:changed', settings),
    }),
    {
      onHandlerError: (channel, error) =>
        printInfo(`${channel} failed: ${error instanceof Error ? error.message : String(error)}`),
    },
  );
  const stopControl = flags.json ? startStdioControl(handle) : undefined;

  if (assets && uiPort !== undefined) {
    try {
      host = await startBrowserHost({
        handle,
        subscribe: (listener) => engine.subscribe(listener),
        ...assets,
        host: uiHost ?? DEFAULT_UI_HOST,
        port: uiPort,
        onRefused: (why) => printInfo(`ui: ${why}`),
      });
    } catch (error) {
      stopControl?.();
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
      void (host?.close() ?? Promise.resolve()).then(() => engine.stop()).then(resolve);
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
  if (json) printJson({ type: 'ui', url: host.url, urls: host.urls });
}

function group(name: string): string {
  return name ? ` [${field(name)}]` : '';
}

function time(): string {
  return paint(new Date().toTimeString().slice(0, 8), 'dim');
}

/** Lines after the first of a peer's text start here, under the time: never a line of ours. */
const CONTINUATION = `${' '.repeat(8)} | `;

export function describeEvent(e: EngineEvent): string {
  switch (e.type) {
    case 'ready':
      return `${time()} ${paint('ready', 'green')} as ${field(e.nick)}${group(e.group)} on ${e.bind}:${e.port}, announcing to ${e.broadcast.join(', ')}`;
    case 'peer-online':
      return `${time()} ${paint('+', 'green')} ${field(e.peer.nick)}${group(e.peer.group)} ${e.peer.address} (${e.peer.client})`;
    case 'peer-offline':
      return `${time()} ${paint('-', 'yellow')} ${field(e.peer.nick)} ${e.peer.address} left`;
    case 'peer-changed':
      return `${time()} ${paint('~', 'cyan')} ${field(e.peer.nick)}${group(e.peer.group)} ${e.peer.address}${e.peer.away ? ' (away)' : ''}`;
    case 'message': {
      const body = e.undecodable
        ? `[undecodable ${e.undecodable.encoding} bytes: ${e.undecodable.rawBase64}]`
        : terminalLines(e.text, CONTINUATION);
      return `${time()} ${paint(`${field(e.from.nick)} (${e.from.address})`, 'bold')}${e.broadcast ? ' to all' : ''}: ${body}`;
    }
    case 'delivery':
      return e.delivery.state === 'failed'
        ? `${time()} ${paint('failed', 'red')} ${e.messageId}: ${field(e.delivery.reason)}`
        : `${time()} ${paint(e.delivery.state, 'dim')} ${e.messageId}`;
    case 'error':
      return `${time()} ${paint('error', 'red')} ${field(e.message)}`;
    case 'stopped':
      return `${time()} stopped`;
    default:
      // Echo and diagnostics progress: compact JSON reads well enough in a terminal.
      return `${time()} ${paint(e.type, 'dim')} ${jsonLine(e).slice(0, 200)}`;
  }
}
