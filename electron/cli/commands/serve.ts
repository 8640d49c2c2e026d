import type { EngineEvent } from '../../../shared/model';
import { parseArgs, type FlagSpecs } from '../args';
import { networkFlags } from '../network-flags';
import { paint, printJson } from '../output';
import { startEngine } from '../run-engine';
import { startStdioControl } from '../stdio-control';

export const serveFlags = {
  ...networkFlags,
  json: {
    type: 'boolean',
    describe: 'one JSON object per line on stdout for every event; requests are read on stdin',
  },
} as const satisfies FlagSpecs;

export const serveHelp = {
  usage: 'pigeon serve [--json] [network flags]',
  summary: 'run Pigeon headless until SIGINT/SIGTERM (then say goodbye with BR_EXIT)',
  examples: [
    'pigeon serve --nick 小王 --group 研发部',
    'pigeon serve --json --bind 0.0.0.0 | jq .',
    `echo '{"id":1,"ch":"chat:send","req":{"to":["192.168.1.20"],"text":"hi"}}' | pigeon serve --json`,
  ],
};

export async function serve(argv: string[]): Promise<number> {
  const { flags } = parseArgs(argv, serveFlags);
  const print = flags.json ? printJson : (e: EngineEvent) => console.log(describeEvent(e));
  const { engine, nickConfigured } = await startEngine(flags, print);
  const stopControl = flags.json
    ? startStdioControl(engine, { dataDir: engine.settings().dataDir, firstRun: !nickConfigured })
    : undefined;
  await new Promise<void>((resolve) => {
    const quit = () => {
      stopControl?.();
      process.off('SIGINT', quit);
      process.off('SIGTERM', quit);
      void engine.stop().then(resolve);
    };
    process.on('SIGINT', quit);
    process.on('SIGTERM', quit);
  });
  return 0;
}

function time(): string {
  return paint(new Date().toTimeString().slice(0, 8), 'dim');
}

export function describeEvent(e: EngineEvent): string {
  switch (e.type) {
    case 'ready':
      return `${time()} ${paint('ready', 'green')} as ${e.nick}${e.group ? ` [${e.group}]` : ''} on ${e.bind}:${e.port}, announcing to ${e.broadcast.join(', ')}`;
    case 'peer-online':
      return `${time()} ${paint('+', 'green')} ${e.peer.nick} [${e.peer.group}] ${e.peer.address} (${e.peer.client})`;
    case 'peer-offline':
      return `${time()} ${paint('-', 'yellow')} ${e.peer.nick} ${e.peer.address} left`;
    case 'peer-changed':
      return `${time()} ${paint('~', 'cyan')} ${e.peer.nick} [${e.peer.group}] ${e.peer.address}${e.peer.away ? ' (away)' : ''}`;
    case 'message': {
      const body = e.undecodable
        ? `[undecodable ${e.undecodable.encoding} bytes: ${e.undecodable.rawBase64}]`
        : e.text;
      return `${time()} ${paint(`${e.from.nick} (${e.from.address})`, 'bold')}${e.broadcast ? ' to all' : ''}: ${body}`;
    }
    case 'delivery':
      return e.delivery.state === 'failed'
        ? `${time()} ${paint('failed', 'red')} ${e.messageId}: ${e.delivery.reason}`
        : `${time()} ${paint(e.delivery.state, 'dim')} ${e.messageId}`;
    case 'error':
      return `${time()} ${paint('error', 'red')} ${e.message}`;
    case 'stopped':
      return `${time()} stopped`;
    default:
      // Echo and diagnostics progress: compact JSON reads well enough in a terminal.
      return `${time()} ${paint(e.type, 'dim')} ${JSON.stringify(e).slice(0, 200)}`;
  }
}
