import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ContractEvent } from '../../../shared/contract';
import type { Engine } from '../../engine/engine';
import { HistoryStore } from '../../engine/history/store';
import { startEngine } from '../run-engine';
import { EXIT_QUEUED, send } from './send';

// Loopback only: the sender on 127.0.0.61, the recipient on 127.0.0.62, a port of our own.
const SENDER = '127.0.0.61';
const RECIPIENT = '127.0.0.62';
const PORT = 24000 + Math.floor(Math.random() * 2000);

const dirs: string[] = [];
const engines: Engine[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-send-queue-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  vi.restoreAllMocks();
  for (const e of engines.splice(0)) await e.stop();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const flagsOf = (bind: string, other: string, data: string) => ({
  bind,
  port: PORT,
  broadcast: [other],
  data,
  nick: bind === SENDER ? 'sender' : 'recipient',
});

describe('pigeon send --queue', () => {
  it('exits 6 with the message in the outbox, and the next engine there delivers it', async () => {
    const senderDir = tempDir();
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
    const code = await send([
      ...['--bind', SENDER, '--port', String(PORT), '--broadcast', RECIPIENT],
      ...['--data', senderDir, '--nick', 'sender', '--answer-wait', '200'],
      ...['--to', `${RECIPIENT}:${PORT}`, '--queue', 'sent when you are back'],
    ]);
    vi.restoreAllMocks();
    expect(code).toBe(EXIT_QUEUED);
    expect(errors.join('\n')).toMatch(/queued.*kept in the outbox/);
    const store = HistoryStore.inDataDir(senderDir);
    const [held] = store.page({ peerId: `${RECIPIENT}:${PORT}`, limit: 5 })?.messages ?? [];
    store.close();
    expect(held?.delivery).toMatchObject({ state: 'outbox', code: 'outbox-no-ack-legacy' });

    // The recipient is back; then an engine with the outbox (as `serve` starts it) runs on the
    // sender's directory, and the recipient's answer to its entry sends the message.
    const received: string[] = [];
    const recipient = await startEngine(flagsOf(RECIPIENT, SENDER, tempDir()), (e) => {
      if (e.channel === 'chat:message' && e.payload.message.direction === 'in')
        received.push(e.payload.message.text);
    });
    engines.push(recipient.engine);
    const told: ContractEvent[] = [];
    const sender = await startEngine(flagsOf(SENDER, RECIPIENT, senderDir), (e) => told.push(e), {
      outbox: true,
    });
    engines.push(sender.engine);
    const deadline = Date.now() + 5000;
    while (received.length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(received).toEqual(['sent when you are back']);
    await new Promise((r) => setTimeout(r, 200));
    expect(sender.engine.history.get(held?.id ?? '')?.delivery?.state).toBe('delivered');
  }, 20_000);
});
