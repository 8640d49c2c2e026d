import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HistoryStore } from '../../engine/history/store';
import { UsageError } from '../args';
import { history } from './history';

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-cli-history-'));
  dirs.push(dir);
  const store = HistoryStore.inDataDir(dir);
  const at = new Date(2026, 11, 1, 9, 0).getTime();
  store.insert({
    id: 'a1',
    peerId: '10.0.0.5:2425',
    direction: 'in',
    text: '明天开会',
    at,
    broadcast: false,
  });
  store.insert({
    id: 'a2',
    peerId: '10.0.0.6:2425',
    direction: 'out',
    text: 'build is green\u202e',
    at: at + 86_400_000,
    broadcast: false,
    delivery: { state: 'queued' },
  });
  store.close();
  return dir;
}

async function run(argv: string[]): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk).trimEnd());
    return true;
  });
  const code = await history(argv);
  vi.restoreAllMocks();
  return { code, out };
}

describe('pigeon history', () => {
  it('prints chat:message lines, as serve --json does, for a search', async () => {
    const dir = dataDir();
    const { code, out } = await run(['--data', dir, '--search', '开会', '--json']);
    expect(code).toBe(0);
    expect(out.map((l) => JSON.parse(l) as unknown)).toEqual([
      {
        event: 'chat:message',
        payload: {
          message: expect.objectContaining({ id: 'a1', text: '明天开会', peerId: '10.0.0.5:2425' }),
          peer: null,
        },
      },
    ]);
  });

  it('filters by peer and date, and escapes what a peer could hide from a terminal', async () => {
    const dir = dataDir();
    const byPeer = await run(['--data', dir, '--peer', '10.0.0.6', '--json']);
    expect(
      byPeer.out.map(
        (l) => (JSON.parse(l) as { payload: { message: { id: string } } }).payload.message.id,
      ),
    ).toEqual(['a2']);
    const since = await run(['--data', dir, '--since', '2026-12-02']);
    expect(since.out.join('\n')).toContain('build is green\\u202e');
    expect(since.out.join('\n')).not.toContain('\u202e');
    expect(since.out.join('\n')).not.toContain('开会');
  });

  it('leaves a running engine its queued messages', async () => {
    const dir = dataDir();
    await run(['--data', dir]);
    const look = new HistoryStore(path.join(dir, 'history.db'), {}, { owner: false });
    expect(look.get('a2')?.delivery?.state).toBe('queued');
    look.close();
  });

  it('says what is wrong with a flag', async () => {
    const dir = dataDir();
    await expect(history(['--data', dir, '--since', 'yesterday-ish'])).rejects.toThrow(UsageError);
    await expect(history(['--data', dir, '--peer', 'bob'])).rejects.toThrow(/not "address:port"/);
    await expect(history(['--data', dir, '--limit', '0'])).rejects.toThrow(/--limit/);
  });
});
