import { eventLine, resultLine, type ContractEvent } from '../../../shared/contract';
import type { Transfer } from '../../../shared/model';
import { outcomeText } from '../../../shared/model/texts';
import type { EngineLink } from '../../control/control-client';
import { valueOf } from '../engine-link';
import { cliLanguage } from '../language';
import { paint, printError, printJson } from '../output';
import { terminalField as field } from '../terminal-text';

/** Exit code 5: nobody fetched everything within --wait (the offer is withdrawn on exit). */
export const EXIT_NOT_FETCHED = 5;

/** How long `send --file` waits for a person to accept, by default. */
export const DEFAULT_FILE_WAIT_S = 600;

/**
 * `pigeon send --file`: offer the files to each recipient and serve them until every transfer
 * is done (exit 0), one is declined, cancelled or failed (exit 1), or `waitS` passes (exit 5).
 * Progress goes to stderr when it is a terminal; with --json every files:transfer event of ours
 * is a line on stdout.
 */
export async function sendFiles(
  link: EngineLink,
  to: string[],
  paths: string[],
  text: string,
  options: { json: boolean; waitS: number },
): Promise<number> {
  const lang = cliLanguage();
  const mine = new Map<string, Transfer>();
  const tty = process.stderr.isTTY;
  let settle: (() => void) | undefined;
  const pending = new Set<string>();
  let expected = 0;
  const finished = (t: Transfer) =>
    ['done', 'declined', 'cancelled', 'expired', 'failed'].includes(t.state.state);
  const unsubscribe = link.subscribe((e: ContractEvent) => {
    if (e.channel !== 'files:transfer' || e.payload.direction !== 'out') return;
    if (!mine.has(e.payload.id) && !pending.has(e.payload.id)) return;
    mine.set(e.payload.id, e.payload);
    if (options.json) printJson(eventLine(e));
    else if (tty) progressLine(e.payload);
    if ([...mine.values()].every(finished) && mine.size === expected) settle?.();
  });
  try {
    // The paths become picks, as a file dialog's choice does in the app; a running engine
    // takes them only on its owner-only control socket (control:pick).
    const picks: string[] = [];
    for (const p of paths) picks.push(valueOf(await link.pick(p)).pick);
    for (const recipient of to) {
      const r = valueOf(
        await link.request('files:offer', { to: recipient, picks, ...(text ? { text } : {}) }),
      );
      if (options.json) printJson(resultLine('files:offer', { ok: true, value: r }));
      for (const id of r.transferIds) pending.add(id);
      expected += r.transferIds.length;
    }
    for (const t of valueOf(await link.request('files:list', null)))
      if (pending.has(t.id) && !mine.has(t.id)) mine.set(t.id, t);
    const done = new Promise<void>((resolve) => (settle = resolve));
    if (![...mine.values()].every(finished) || mine.size !== expected) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        done.then(() => false),
        new Promise<boolean>(
          (resolve) => (timer = setTimeout(() => resolve(true), options.waitS * 1000)),
        ),
      ]);
      clearTimeout(timer);
      if (tty && !options.json) process.stderr.write('\n');
      if (timedOut) {
        const waiting = [...mine.values()].filter((t) => !finished(t));
        printError(
          `${waiting.length} of ${expected} item(s) not fetched within ${options.waitS} s; the offer is withdrawn`,
        );
        for (const t of waiting) await link.request('files:cancel', { transferId: t.id });
        return EXIT_NOT_FETCHED;
      }
    }
    let failed = 0;
    for (const t of mine.values()) {
      const s = t.state;
      if (s.state === 'done') {
        if (!options.json)
          console.error(`${paint('fetched', 'green', 'err')} ${field(t.item.name)} by ${t.peerId}`);
        continue;
      }
      failed++;
      const why =
        s.state === 'failed' || s.state === 'interrupted'
          ? outcomeText(s, lang)
          : s.state === 'declined'
            ? 'declined'
            : s.state;
      printError(`${field(t.item.name)} to ${t.peerId}: ${why}`);
    }
    return failed ? 1 : 0;
  } finally {
    unsubscribe();
  }
}

function progressLine(t: Transfer): void {
  const pct = t.item.size > 0 ? Math.floor((t.bytes * 100) / t.item.size) : 0;
  const rate = t.rate ? ` ${(t.rate / 1048576).toFixed(1)} MiB/s` : '';
  process.stderr.write(`\r${field(t.item.name)}: ${t.state.state} ${pct}%${rate}\x1b[K`);
}
