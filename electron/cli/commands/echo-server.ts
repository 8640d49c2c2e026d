import { UdpEchoServer } from '../../engine/echo/echo-server';
import { RAW_ECHO_DEFAULT_PORT } from '../../engine/echo/echo-request';
import { isIpv4 } from '../../../shared/protocol';
import { explainBindError, isPortInUse } from '../../engine/start-error';
import { parseArgs, UsageError, type FlagSpecs } from '../args';
import { printJson } from '../output';
import { CliFailure } from '../run-engine';

export const echoServerFlags = {
  bind: { type: 'string', arg: 'ADDR', describe: 'address to listen on (default 0.0.0.0)' },
  port: {
    type: 'number',
    arg: 'N',
    describe: `the echo port (default ${RAW_ECHO_DEFAULT_PORT}, RFC 862)`,
  },
  'max-rate': {
    type: 'number',
    arg: 'N',
    describe: 'echo at most N datagrams per second to any one address (default: no limit)',
  },
  json: { type: 'boolean', describe: 'print the final counters as one JSON object' },
  help: { type: 'boolean', describe: 'show help for this command' },
} as const satisfies FlagSpecs;

export const echoServerHelp = {
  usage: 'pigeon echo-server [--bind ADDR] [--port N] [--max-rate N] [--json]',
  summary: 'run a plain UDP echo server (what `pigeon echo --mode raw` measures) until Ctrl-C',
  examples: ['pigeon echo-server --port 7007', 'pigeon echo-server --bind 192.168.1.5 --port 7'],
};

export async function echoServer(argv: string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, echoServerFlags);
  if (positional.length)
    throw new UsageError(`unexpected argument ${JSON.stringify(positional[0])}`);
  const bind = flags.bind ?? '0.0.0.0';
  const port = flags.port ?? RAW_ECHO_DEFAULT_PORT;
  if (!isIpv4(bind)) throw new UsageError(`--bind ${JSON.stringify(bind)} is not an IPv4 address`);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError('--port must be 0..65535');
  const rate = flags['max-rate'] ?? 0;
  if (!(rate >= 0)) throw new UsageError('--max-rate must be 0 or more');
  const server = new UdpEchoServer({ bind, port, maxPerSecondPerSource: rate });
  let local: { address: string; port: number };
  try {
    local = await server.start();
  } catch (err) {
    const e = explainBindError(err, 'UDP', bind, port);
    throw new CliFailure(
      e.code === 'bind-not-allowed'
        ? `${e.message} Try --port ${port + 7000}.`
        : isPortInUse(e.code)
          ? `UDP port ${port} on ${bind} is already in use by another program`
          : e.message,
      3,
    );
  }
  console.error(`echo server on ${local.address}:${local.port} (Ctrl-C to stop)`);
  await new Promise<void>((resolve) => {
    const quit = () => {
      process.off('SIGINT', quit);
      process.off('SIGTERM', quit);
      resolve();
    };
    process.on('SIGINT', quit);
    process.on('SIGTERM', quit);
  });
  await server.stop();
  const s = server.stats;
  // Not an engine event: the echo server runs without an engine. Same line shape all the same.
  if (flags.json) printJson({ event: 'cli:echo-server-stopped', payload: s });
  else
    console.error(
      `${s.received} received, ${s.echoed} echoed, ${s.limited} over the rate limit, ${s.bytes} bytes`,
    );
  return 0;
}
