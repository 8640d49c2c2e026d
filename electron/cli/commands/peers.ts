import { resultLine } from '../../../shared/contract';
import type { Peer } from '../../../shared/model';
import { parseArgs, UsageError, type FlagSpecs } from '../args';
import { networkFlags } from '../network-flags';
import { printJson, table } from '../output';
import { openEngineLink, valueOf } from '../engine-link';
import { sleep, startEngine } from '../run-engine';
import { terminalField as field } from '../terminal-text';

export const peersFlags = {
  ...networkFlags,
  wait: { type: 'number', arg: 'SECONDS', describe: 'how long to collect answers (default 2)' },
  json: { type: 'boolean', describe: 'the peers:list answer as one JSON line' },
} as const satisfies FlagSpecs;

export const peersHelp = {
  usage: 'pigeon peers [--wait SECONDS] [--json] [network flags]',
  summary: 'announce ourselves, collect the answers and list who is on the LAN',
  examples: ['pigeon peers', 'pigeon peers --wait 5 --json'],
};

export async function peers(argv: string[]): Promise<number> {
  const { flags } = parseArgs(argv, peersFlags);
  const wait = flags.wait ?? 2;
  if (!(wait >= 0 && wait <= 600)) throw new UsageError('--wait must be between 0 and 600 seconds');
  // Discovering is this command's job: its own engine announces itself to the whole LAN, and
  // a running one is asked to (peers:refresh), so both list who answers within --wait.
  const { link, remote, close } = await openEngineLink(
    flags,
    async () => (await startEngine(flags)).engine,
  );
  let list: Peer[];
  try {
    if (remote) valueOf(await link.request('peers:refresh', null));
    await sleep(wait * 1000);
    list = valueOf(await link.request('peers:list', null))
      .filter((p) => p.online && p.announced)
      .sort((a, b) => a.group.localeCompare(b.group) || a.nick.localeCompare(b.nick));
  } finally {
    await close();
  }
  if (flags.json) {
    printJson(resultLine('peers:list', { ok: true, value: list }));
  } else if (list.length === 0) {
    console.log(`no peers answered within ${wait} s`);
  } else {
    console.log(table(['NICK', 'GROUP', 'ADDRESS', 'CLIENT', 'USER@HOST'], peerRows(list)));
  }
  return 0;
}

/** The table's cells: every name a peer chose, escaped for the terminal. */
export function peerRows(list: readonly Peer[]): string[][] {
  return list.map((p) => [
    field(p.nick),
    field(p.group),
    p.port === 2425 ? p.address : p.id,
    p.client + (p.away ? ' (away)' : ''),
    `${field(p.user)}@${field(p.host)}`,
  ]);
}
