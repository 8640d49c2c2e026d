import fs from 'node:fs';
import { eventLine, resultLine, type ContractEvent } from '../../../shared/contract';
import type { DeliveryState } from '../../../shared/model';
import { parseHostPort } from '../../../shared/protocol';
import { outcomeText } from '../../../shared/model/texts';
import { parseArgs, UsageError, type FlagSpecs } from '../args';
import { cliLanguage } from '../language';
import { networkFlags } from '../network-flags';
import { paint, printError, printJson } from '../output';
import { openEngineLink, valueOf, waitForLinkEvent } from '../engine-link';
import { isPeerEventAt, sleep, startEngine } from '../run-engine';
import { DEFAULT_FILE_WAIT_S, EXIT_NOT_FETCHED, sendFiles } from './send-files';

export const sendFlags = {
  ...networkFlags,
  to: { type: 'list', arg: 'ADDR', describe: 'recipient IPv4 address (or ADDR:PORT), repeatable' },
  'broadcast-all': {
    type: 'boolean',
    describe: 'send to everyone on the LAN, without acknowledgement',
  },
  'answer-wait': {
    type: 'number',
    arg: 'MS',
    describe: 'how long to wait for a recipient to answer our entry (default 1500)',
  },
  file: {
    type: 'list',
    arg: 'PATH',
    describe: 'offer a file or folder (repeatable); waits until the peer has fetched everything',
  },
  wait: {
    type: 'number',
    arg: 'SECONDS',
    describe: `with --file: how long to wait for the peer to accept (default ${DEFAULT_FILE_WAIT_S}); exit ${EXIT_NOT_FETCHED} when it passes`,
  },
  json: {
    type: 'boolean',
    describe: 'print the events of the message (and of its files) as JSON lines',
  },
  queue: {
    type: 'boolean',
    describe: `when a recipient does not answer, keep the message in the data directory's outbox (exit 6) for the next engine there to deliver`,
  },
} as const satisfies FlagSpecs;

/**
 * Exit code 4: every message was acknowledged, but at least one acknowledgement proved nothing
 * (unconfirmed: forged acknowledgements were seen around it, or a Pigeon acked without its
 * proof). 1 wins over 4 when a message also failed.
 */
export const EXIT_UNCONFIRMED = 4;

/**
 * Exit code 6 (--queue): a recipient did not answer, and the message waits in the data
 * directory's outbox; whichever engine runs there next (`pigeon serve`, the app) sends it when
 * the peer announces itself again at that address. Not success: nothing was delivered yet.
 * 1 and 4 win over 6.
 */
export const EXIT_QUEUED = 6;

export const sendHelp = {
  usage:
    'pigeon send (--to ADDR [--to ADDR ...] | --broadcast-all) [--queue] [--file PATH ...] [--wait S] TEXT|-',
  summary:
    'send a message; exits 0 once every recipient acknowledged it, 1 if one was not delivered, ' +
    '4 if an acknowledgement could have been forged, 6 with --queue if it waits in the outbox ' +
    'for a recipient to come back ("-" reads the text from stdin). With ' +
    `--file: exits 0 once every recipient fetched every file, 1 if one declined or failed, ${EXIT_NOT_FETCHED} ` +
    'if --wait passed first',
  examples: [
    'pigeon send --to 192.168.1.20 --file 报告.pdf --file ./photos "the report and the photos"',
    'pigeon send --to 192.168.1.20 "你好，下午三点开会"',
    'echo report | pigeon send --to 10.0.0.5 --to 10.0.0.6 -',
    'pigeon send --broadcast-all "lunch is here"',
    'pigeon send --queue --to 192.168.1.20 "sent when you are back"',
  ],
};

export async function send(argv: string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, sendFlags);
  const recipients = flags.to ?? [];
  if (!flags['broadcast-all'] && recipients.length === 0)
    throw new UsageError('say who to send to: --to ADDR (repeatable) or --broadcast-all');
  if (flags['broadcast-all'] && recipients.length)
    throw new UsageError('--broadcast-all and --to cannot be combined');
  const files = flags.file ?? [];
  if (files.length && flags['broadcast-all'])
    throw new UsageError('--file goes to --to recipients, not to --broadcast-all');
  for (const f of files)
    if (!fs.existsSync(f))
      throw new UsageError(`--file ${JSON.stringify(f)}: no such file or folder`);
  if (flags.wait !== undefined && !files.length)
    throw new UsageError('--wait only applies to --file');
  if (flags.queue && (flags['broadcast-all'] || files.length))
    throw new UsageError(
      '--queue is for text messages to --to recipients (not files, not broadcasts)',
    );
  if (flags.wait !== undefined && !(flags.wait > 0))
    throw new UsageError(`--wait expects a number of seconds above 0, got ${flags.wait}`);
  const targets = recipients.map((r) => {
    const t = parseHostPort(r, flags.port ?? 2425);
    if (!t.ok)
      throw new UsageError(`--to ${JSON.stringify(r)} is not an IPv4 address (or ADDR:PORT)`);
    return t;
  });
  const text =
    positional.length === 1 && positional[0] === '-'
      ? fs.readFileSync(0, 'utf8').replace(/\n$/, '')
      : positional.join(' ');
  if (!text && !files.length)
    throw new UsageError('nothing to send: give the text as an argument, or "-" to read stdin');

  const lang = cliLanguage();
  // Every event of our messages, in the order the engine tells them (the message first). A
  // running engine tells other windows' messages too: ours are the ids its answer names, and
  // what comes before that answer waits for it.
  let mine: Set<string> | undefined;
  const early: ContractEvent[] = [];
  const final = new Map<string, DeliveryState>();
  let settled: (() => void) | undefined;
  const onEvent = (e: ContractEvent) => {
    if (e.channel !== 'chat:message' && e.channel !== 'chat:delivery') return;
    if (!mine) return void early.push(e);
    if (e.channel === 'chat:message' && e.payload.message.direction === 'out') {
      const { id, delivery } = e.payload.message;
      if (!mine.has(id)) return;
      if (flags.json) printJson(eventLine(e));
      if (delivery?.state === 'failed') final.set(id, delivery);
    } else if (e.channel === 'chat:delivery' && mine.has(e.payload.messageId)) {
      if (flags.json) printJson(eventLine(e));
      const d = e.payload.delivery;
      // In the outbox is where this command's part ends (with --queue; without, it is
      // taken out again below and fails as it would without an outbox).
      if (
        d.state === 'delivered' ||
        d.state === 'failed' ||
        d.state === 'unconfirmed' ||
        d.state === 'outbox' ||
        // Moved, at the person's word in the app, to the same person at a new address.
        d.state === 'redirected'
      )
        final.set(e.payload.messageId, d);
    } else {
      return;
    }
    if (settled && [...mine].every((id) => final.has(id))) settled();
  };
  const ours = (ids: string[]) => {
    mine = new Set(ids);
    for (const e of early.splice(0)) onEvent(e);
  };
  // Presence (README): --broadcast-all tells the LAN, discovering is its job; --to introduces
  // us to the recipients alone, by unicast, and says goodbye to them alone.
  const { link, remote, close } = await openEngineLink(
    flags,
    async () =>
      (
        await startEngine(flags, undefined, {
          presence: flags['broadcast-all']
            ? 'lan'
            : { only: targets.map((t) => `${t.address}:${t.port}`) },
          // Our own engine keeps the outbox only when asked; a running one always does.
          outbox: Boolean(flags.queue),
        })
      ).engine,
  );
  const off = link.subscribe(onEvent);
  try {
    if (flags['broadcast-all']) {
      // Peers are reached by unicast in their own encodings: first learn who is there (a
      // running engine knows already).
      if (!remote) await sleep(flags['answer-wait'] ?? 1500);
      const r = valueOf(await link.request('chat:broadcast', { text }));
      if (flags.json) printJson(resultLine('chat:broadcast', { ok: true, value: r }));
      const n = valueOf(await link.request('peers:list', null)).filter((p) => p.online).length;
      console.error(`sent to ${n} peer${n === 1 ? '' : 's'} (no acknowledgement for broadcasts)`);
      await sleep(100);
      return 0;
    }
    // Each recipient answers our entry with its dialect and encoding: our own engine sent it on
    // start (its presence mode), a running one introduces itself to those it does not know.
    const answered = targets.map((t) =>
      waitForLinkEvent(link, isPeerEventAt(t.address), flags['answer-wait'] ?? 1500),
    );
    const known = valueOf(await link.request('peers:list', null));
    await Promise.all(
      targets.map(async (t, i) => {
        const peer = known.find((p) => p.address === t.address && p.port === t.port);
        if (peer?.online && peer.announced) return;
        if (remote) valueOf(await link.request('peers:add', { address: t.address, port: t.port }));
        await answered[i];
      }),
    );
    if (files.length)
      return await sendFiles(link, recipients, files, text, {
        json: Boolean(flags.json),
        waitS: flags.wait ?? DEFAULT_FILE_WAIT_S,
      });
    const done = new Promise<void>((resolve) => (settled = resolve));
    const { ids } = valueOf(await link.request('chat:send', { to: recipients, text }));
    ours(ids);
    if (flags.json) printJson(resultLine('chat:send', { ok: true, value: { ids } }));
    if (!ids.every((id) => final.has(id))) await done;
    let failed = 0;
    let unconfirmed = 0;
    let queued = 0;
    for (const [i, id] of ids.entries()) {
      let state = final.get(id);
      const to = recipients[i] ?? id;
      if (state?.state === 'outbox' && !flags.queue) {
        // A running engine keeps its outbox: without --queue this message fails as it did.
        const held = state;
        const taken = await link.request('chat:cancel-queued', { messageId: id });
        if (taken.ok) {
          failed++;
          // Tried and unanswered: the very failure an engine of our own would have given.
          printError(
            held.code !== 'outbox-offline' && held.params.attempts !== undefined
              ? outcomeText({ code: 'no-ack', params: held.params }, lang)
              : `${outcomeText(held, lang)}; not kept (send with --queue to keep it)`,
          );
          continue;
        }
        state = final.get(id);
      }
      if (state?.state === 'redirected') {
        // Its copy to the new address is the app's to deliver now, as the outbox's was.
        queued++;
        console.error(
          `${paint('redirected', 'yellow', 'err')} from ${to}: ${outcomeText(state, lang)}`,
        );
      } else if (state?.state === 'outbox') {
        queued++;
        console.error(`${paint('queued', 'yellow', 'err')} to ${to}: ${outcomeText(state, lang)}`);
      } else if (state?.state === 'delivered') {
        if (!flags.json) console.error(`${paint('delivered', 'green', 'err')} to ${to}`);
      } else if (state?.state === 'unconfirmed') {
        unconfirmed++;
        console.error(
          `${paint('unconfirmed', 'yellow', 'err')} to ${to}: ${outcomeText(state, lang)}`,
        );
      } else {
        failed++;
        printError(
          state?.state === 'failed' ? outcomeText(state, lang) : `no final state for ${to}`,
        );
      }
    }
    return failed ? 1 : unconfirmed ? EXIT_UNCONFIRMED : queued ? EXIT_QUEUED : 0;
  } finally {
    off();
    await close();
  }
}
