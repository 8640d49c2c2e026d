import dgram from 'node:dgram';
import { createEngine } from '../../electron/engine/engine';
import { defaultSettings } from '../../electron/engine/settings/settings';

const PORT = 42426;

/** 500 loopback addresses 127.0.1.1 ... that act as iptux peers answering BR_ENTRY. */
function addresses(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`);
}

async function simulatedPeers(list: string[]): Promise<dgram.Socket[]> {
  return Promise.all(
    list.map(
      (address, i) =>
        new Promise<dgram.Socket>((resolve, reject) => {
          const s = dgram.createSocket('udp4');
          s.once('error', reject);
          s.bind(PORT, address, () => {
            s.on('message', (msg, r) => {
              // Answer entries only (mode 1), as iptux does: 259 = ANSENTRY|ABSENCEOPT.
              const parts = msg.toString('latin1').split(':');
              if ((Number(parts[4]) & 0xff) !== 1) return;
              const reply = Buffer.from(
                `1_iptux 0.8.3:${i + 1}:user${i}:host${i}:259:同事${i}\0部门${i % 10}\0icon-tux.png\0utf-8\0`,
              );
              s.send(reply, r.port, r.address);
            });
            resolve(s);
          });
        }),
    ),
  );
}

/** Baseline: the same 500 requests and answers over bare node:dgram, no engine. */
async function bareRound(list: string[]): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(PORT, '127.0.0.99', () => r()));
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const seen = new Set<string>();
    s.on('message', (_m, r) => {
      seen.add(r.address);
      if (seen.size === list.length) resolve();
    });
    const entry = Buffer.from('1_pigeon 0.1.0:1:bench:bench:16777217:bench\0\0');
    // The same batching as the engine's announce, so both read answers at the same pace.
    const batch = (from: number) => {
      for (const a of list.slice(from, from + 32)) s.send(entry, PORT, a);
      if (from + 32 < list.length) setImmediate(() => batch(from + 32));
    };
    batch(0);
    setTimeout(() => resolve(), 10_000).unref();
  });
  const ms = performance.now() - started;
  s.close();
  return ms;
}

export async function benchPresence(
  n = 500,
): Promise<{ peers: number; ms: number; bare_ms: number; ratio: number }> {
  const list = addresses(n);
  const peers = await simulatedPeers(list);
  const bare = await bareRound(list);
  const engine = createEngine(
    defaultSettings({
      nick: 'presence',
      bind: '127.0.0.98',
      port: PORT,
      broadcast: list,
      dataDir: '/nonexistent',
      user: 'bench',
      host: 'bench',
    }),
    { tcp: false, entryRepeatMs: 0 },
  );
  let listed = 0;
  let started = 0;
  const done = new Promise<number>((resolve) => {
    engine.subscribe((e) => {
      if (e.channel === 'peers:online' && ++listed === n) resolve(performance.now() - started);
    });
  });
  started = performance.now();
  await engine.start();
  const timeout = new Promise<number>((_, reject) =>
    setTimeout(
      () => reject(new Error(`only ${listed} of ${n} peers listed after 10 s`)),
      10_000,
    ).unref(),
  );
  const ms = await Promise.race([done, timeout]);
  if (engine.handlers['peers:list']().filter((p) => p.online).length !== n)
    throw new Error('peer table disagrees with the events');
  await engine.stop();
  for (const p of peers) p.close();
  return {
    peers: n,
    ms: Math.round(ms),
    bare_ms: Math.round(bare),
    ratio: Number((ms / bare).toFixed(2)),
  };
}
