import { UsageError, type FlagSpecs } from './args';
import { doctor, doctorFlags, doctorHelp } from './commands/doctor';
import { echo, echoFlags, echoHelp } from './commands/echo';
import { echoServer, echoServerFlags, echoServerHelp } from './commands/echo-server';
import { history, historyFlags, historyHelp } from './commands/history';
import { peers, peersFlags, peersHelp } from './commands/peers';
import { send, sendFlags, sendHelp } from './commands/send';
import { serve, serveFlags, serveHelp } from './commands/serve';
import { printError } from './output';
import { CliFailure } from './run-engine';
import { PIGEON_VERSION } from '../engine/version';

interface Command {
  run: (argv: string[]) => Promise<number>;
  flags: FlagSpecs;
  help: { usage: string; summary: string; examples: string[] };
}

const commands: Record<string, Command> = {
  serve: { run: serve, flags: serveFlags, help: serveHelp },
  peers: { run: peers, flags: peersFlags, help: peersHelp },
  send: { run: send, flags: sendFlags, help: sendHelp },
  echo: { run: echo, flags: echoFlags, help: echoHelp },
  'echo-server': { run: echoServer, flags: echoServerFlags, help: echoServerHelp },
  doctor: { run: doctor, flags: doctorFlags, help: doctorHelp },
  history: { run: history, flags: historyFlags, help: historyHelp },
};

function mainHelp(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  return [
    `pigeon ${PIGEON_VERSION}: a LAN messenger that speaks IP Messenger (IPMsg, iptux, FeiQ)`,
    '',
    'usage: pigeon COMMAND [options]',
    '',
    'commands:',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.help.summary}`),
    '',
    "Run 'pigeon COMMAND --help' for a command's options.",
  ].join('\n');
}

function commandHelp(name: string, c: Command): string {
  const rows = Object.entries(c.flags).map(
    ([flag, spec]) => [`--${flag}${spec.arg ? ` ${spec.arg}` : ''}`, spec.describe] as const,
  );
  const width = Math.max(...rows.map(([f]) => f.length));
  return [
    `usage: ${c.help.usage}`,
    '',
    c.help.summary,
    '',
    'options:',
    ...rows.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`),
    '',
    'examples:',
    ...c.help.examples.map((e) => `  ${e}`),
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(mainHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    console.log(PIGEON_VERSION);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    printError(
      `unknown command ${JSON.stringify(name)} (commands: ${Object.keys(commands).join(', ')})`,
    );
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(commandHelp(name, command));
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      printError(err.message);
      return 2;
    }
    if (err instanceof CliFailure) {
      printError(err.message);
      return err.exitCode;
    }
    printError(err instanceof Error ? err.message : String(err));
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    printError(String(err));
    process.exitCode = 1;
  },
);
