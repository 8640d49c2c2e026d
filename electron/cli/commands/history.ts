import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventLine } from '../../../shared/contract';
import type { ChatMessage } from '../../../shared/model';
import { BROADCAST_ID } from '../../../shared/model';
import { outcomeText } from '../../../shared/model/texts';
import { isIpv4, isPeerId } from '../../../shared/contract/guards';
import { HISTORY_FILE, HistoryStore } from '../../engine/history/store';
import { parseArgs, UsageError, type FlagSpecs } from '../args';
import { printJson } from '../output';
import { terminalField, terminalLines } from '../terminal-text';

export const historyFlags = {
  peer: {
    type: 'string',
    arg: 'ADDR',
    describe:
      'one conversation: a peer id "address:port", an IPv4 address (port 2425) or * (broadcasts)',
  },
  search: {
    type: 'string',
    arg: 'TEXT',
    describe: 'only messages with these words (any language)',
  },
  since: {
    type: 'string',
    arg: 'DATE',
    describe: 'from this date or time (2026-12-01, 2026-12-01T09:00)',
  },
  until: { type: 'string', arg: 'DATE', describe: 'before this date or time' },
  limit: { type: 'number', arg: 'N', describe: 'at most N messages, the newest (default 100)' },
  json: {
    type: 'boolean',
    describe: 'one chat:message line per message, as `serve --json` prints them',
  },
  data: { type: 'string', arg: 'DIR', describe: 'data directory (default ~/.pigeon)' },
  help: { type: 'boolean', describe: 'show help for this command' },
} as const satisfies FlagSpecs;

export const historyHelp = {
  usage:
    'pigeon history [--peer ADDR] [--search TEXT] [--since DATE] [--until DATE] [--limit N] [--json]',
  summary: 'show or search the messages kept in the data directory (no network)',
  examples: [
    'pigeon history --peer 192.168.1.20 --limit 20',
    'pigeon history --search 会议 --since 2026-12-01',
    'pigeon history --search "build green" --json',
  ],
};

export async function history(argv: string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, historyFlags);
  if (positional.length > 0)
    throw new UsageError(`unexpected argument ${JSON.stringify(positional[0])}`);
  const limit = flags.limit ?? 100;
  if (!(Number.isInteger(limit) && limit >= 1 && limit <= 100_000))
    throw new UsageError('--limit must be an integer from 1 to 100000');
  const peerId = flags.peer === undefined ? undefined : conversation(flags.peer);
  const since = flags.since === undefined ? undefined : date(flags.since, '--since');
  const until = flags.until === undefined ? undefined : date(flags.until, '--until');
  if (since !== undefined && until !== undefined && until <= since)
    throw new UsageError('--until must be later than --since');
  if (flags.search !== undefined && flags.search.trim() === '')
    throw new UsageError('--search needs words to look for');

  const dataDir = path.resolve(flags.data ?? path.join(os.homedir(), '.pigeon'));
  const file = path.join(dataDir, HISTORY_FILE);
  if (!fs.existsSync(file)) {
    if (!flags.json) console.error(`no history in ${dataDir} yet`);
    return 0;
  }
  // Beside a running Pigeon, which owns the file: WAL lets both read and write it.
  const store = new HistoryStore(file, {}, { owner: false });
  try {
    const messages: ChatMessage[] =
      flags.search === undefined
        ? store.recent({ peerId, since, until, limit })
        : store
            .search({ text: flags.search, peerId, since, until, limit })
            .map((h) => h.message)
            .reverse();
    if (flags.json) {
      for (const message of messages)
        printJson(eventLine({ channel: 'chat:message', payload: { message, peer: null } }));
      return 0;
    }
    const names = new Map(store.peers().map((p) => [p.id, p.nick || p.user || p.id]));
    for (const m of messages) {
      const who =
        m.peerId === BROADCAST_ID ? 'everyone' : terminalField(names.get(m.peerId) ?? m.peerId);
      const arrow = m.direction === 'out' ? `→ ${who}` : `← ${who}`;
      const state = m.delivery && m.delivery.state !== 'delivered' ? ` [${m.delivery.state}]` : '';
      console.log(`${stamp(m.at)}  ${arrow} (${m.peerId})${state}`);
      // A notice (an address change) has no text of its own: its sentence, in English.
      const text = m.notice ? `[notice] ${outcomeText(m.notice, 'en')}` : m.text;
      console.log(`  ${terminalLines(text, '  ')}`);
    }
    if (messages.length === 0) console.error('no messages');
    return 0;
  } finally {
    store.close();
  }
}

function conversation(value: string): string {
  if (value === BROADCAST_ID || isPeerId(value)) return value;
  if (isIpv4(value)) return `${value}:2425`;
  throw new UsageError(
    `--peer ${JSON.stringify(value)} is not "address:port", an IPv4 address or *`,
  );
}

/** A date or a date and time, in local time when no zone is given (as people type them). */
function date(value: string, flag: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(value);
  const t = m
    ? new Date(
        Number(m[1]),
        Number(m[2]) - 1,
        Number(m[3]),
        Number(m[4] ?? 0),
        Number(m[5] ?? 0),
        Number(m[6] ?? 0),
      ).getTime()
    : Date.parse(value);
  if (!Number.isFinite(t))
    throw new UsageError(
      `${flag} ${JSON.stringify(value)} is not a date (2026-12-01 or 2026-12-01T09:00)`,
    );
  return t;
}

function stamp(at: number): string {
  const d = new Date(at);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
