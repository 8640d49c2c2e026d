import fs from 'node:fs';
import type { DeliveryState, EngineEvent } from '../../../shared/model';
import { isIpv4 } from '../../../shared/net/ipv4';
import { parseArgs, UsageError, type FlagSpecs } from '../args';
import { networkFlags } from '../network-flags';
import { paint, printError, printJson } from '../output';
import { isPeerEventAt, sleep, startEngine, waitForEvent } from '../run-engine';

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
  json: {
    type: 'boolean',
    describe: 'print one JSON object per recipient with its delivery state',
  },
} as const satisfies FlagSpecs;

export const sendHelp = {
  usage: 'pigeon send (--to ADDR [--to ADDR ...] | --broadcast-all) TEXT|-',
  summary:
    'send a message; exits 0 once every recipient acknowledged it ("-" reads the text from stdin)',
  examples: [
    'pigeon send --to 192.168.1.20 "你好，下午三点开会"',
    'echo report | pigeon send --to 10.0.0.5 --to 10.0.0.6 -',
    'pigeon send --broadcast-all "lunch is here"',
  ],
};

export async function send(argv: string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, sendFlags);
  const recipients = flags.to ?? [];
  if (!flags['broadcast-all'] && recipients.length === 0)
    throw new UsageError('say who to send to: --to ADDR (repeatable) or --broadcast-all');
  if (flags['broadcast-all'] && recipients.length)
    throw new UsageError('--broadcast-all and --to cannot be combined');
  for (const r of recipients) {
    const m = /^([^:]+)(?::(\d{1,5}))?$/.exec(r);
    if (
      !m ||
      !isIpv4(m[1] ?? '') ||
      (m[2] !== undefined && (Number(m[2]) < 1 || Number(m[2]) > 65535))
    ) {
      throw new UsageError(`--to ${JSON.stringify(r)} is not an IPv4 address (or ADDR:PORT)`);
    }
  }
  const text =
    positional.length === 1 && positional[0] === '-'
      ? fs.readFileSync(0, 'utf8').replace(/\n$/, '')
      : positional.join(' ');
  if (!text)
    throw new UsageError('nothing to send: give the text as an argument, or "-" to read stdin');

  const { engine } = await startEngine(flags);
  try {
    if (flags['broadcast-all']) {
      // Peers are reached by unicast in their own encodings: first learn who is there.
      await sleep(flags['answer-wait'] ?? 1500);
      engine.broadcastText(text);
      const n = engine.peers().filter((p) => p.online).length;
      console.error(`sent to ${n} peer${n === 1 ? '' : 's'} (no acknowledgement for broadcasts)`);
      await sleep(100);
      return 0;
    }
    // Introduce ourselves so each recipient answers with its dialect and encoding.
    const answered = Promise.all(
      recipients.map((r) => {
        const [address = '', port] = r.split(':');
        engine.announceTo(address, port ? Number(port) : undefined);
        return waitForEvent(engine, isPeerEventAt(address), flags['answer-wait'] ?? 1500);
      }),
    );
    await answered;
    const messages = engine.send({ to: recipients, text });
    const final = new Map<string, DeliveryState>();
    for (const m of messages)
      if (m.delivery && (m.delivery.state === 'failed' || m.delivery.state === 'delivered'))
        final.set(m.id, m.delivery);
    const pending = new Set(messages.map((m) => m.id).filter((id) => !final.has(id)));
    if (pending.size) {
      await new Promise<void>((resolve) => {
        const off = engine.subscribe((e: EngineEvent) => {
          if (e.type !== 'delivery' || !pending.has(e.messageId)) return;
          if (e.delivery.state === 'delivered' || e.delivery.state === 'failed') {
            final.set(e.messageId, e.delivery);
            pending.delete(e.messageId);
            if (pending.size === 0) {
              off();
              resolve();
            }
          }
        });
      });
    }
    let failed = 0;
    messages.forEach((m, i) => {
      const state = final.get(m.id);
      const to = recipients[i] ?? m.peerId;
      if (flags.json) printJson({ to, messageId: m.id, delivery: state });
      if (state?.state === 'delivered') {
        if (!flags.json) console.error(`${paint('delivered', 'green', 'err')} to ${to}`);
      } else {
        failed++;
        printError(state?.state === 'failed' ? state.reason : `no final state for ${to}`);
      }
    });
    return failed ? 1 : 0;
  } finally {
    await engine.stop();
  }
}
