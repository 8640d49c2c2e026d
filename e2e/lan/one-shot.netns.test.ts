import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Peer } from '../../shared/model';
import { Mode, modeOf, parseDatagram } from '../../shared/protocol';
import { canUseNamespaces, createLan, openUdp, type Lan, type UdpEndpoint } from '../lab/netns-lan';
import { NODE, PIGEON_CLI, PigeonProcess, pigeonBuilt } from '../lab/pigeon-process';

/**
 * The one-shot commands on a namespace LAN: what they tell the LAN of themselves (a raw socket
 * on another host records every datagram that reaches it), and the same output and exit codes
 * whether they start an engine of their own or go through `pigeon serve` on their data directory.
 */
const ns = canUseNamespaces();
const built = pigeonBuilt();
const skip = !ns.ok ? ns.reason : !built.ok ? built.reason : undefined;

/** Presence commands a datagram from `from` carried, in order. */
function presenceFrom(w: UdpEndpoint, from: string, since = 0): number[] {
  return w.received
    .slice(since)
    .filter((d) => d.from === from)
    .map((d) => parseDatagram(new Uint8Array(d.data)))
    .filter((r) => r.ok)
    .map((r) => modeOf(r.value.command))
    .filter((m) => m === Mode.BR_ENTRY || m === Mode.BR_EXIT || m === Mode.ANSENTRY);
}

describe.skipIf(skip !== undefined)(
  `one-shot commands: presence, and through a running engine${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    let lan: Lan;
    let b: PigeonProcess;
    let watch: UdpEndpoint;
    const ip = (h: string) => lan.host(h).ip;
    const aloneData = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-oneshot-'));
    const cli = (...args: string[]) =>
      lan.exec('a', NODE, [PIGEON_CLI, ...args, '--broadcast', lan.broadcast], {
        timeoutMs: 30_000,
        env: { ...process.env, LC_ALL: 'C.UTF-8', NO_COLOR: '1' },
      });

    beforeAll(async () => {
      lan = await createLan({ hosts: ['a', 'b', 'w'] });
      lan.onDestroy(() => fs.rmSync(aloneData, { recursive: true, force: true }));
      b = await PigeonProcess.start(lan, 'b', { nick: 'Bea' });
      watch = await openUdp(lan, 'w', { port: 2425 });
    });
    afterAll(async () => {
      await lan?.destroy();
    });

    it('send --to tells its recipient alone, by unicast without DIALUPOPT, and says goodbye', async () => {
      const since = watch.received.length;
      const r = await cli('send', '--nick', 'cli', '--data', aloneData, '--to', ip('b'), 'hello');
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('delivered');
      await b.waitForMessage((t) => t === 'hello', 5000, 'hello');
      const seen = await b.waitFor('peers:online', (p) => p.address === ip('a'), 5000, 'a');
      expect(seen.capabilities.dialup).toBe(false);
      await b.waitFor('peers:offline', (p) => p.address === ip('a'), 5000, 'a left');
      await watch.settle(500, 3000);
      // The colleague beside them heard nothing at all: no entry, no exit.
      expect(presenceFrom(watch, ip('a'), since)).toEqual([]);
    });

    it('peers broadcasts its entry and exit: discovering is its job', async () => {
      const since = watch.received.length;
      const r = await cli('peers', '--json', '--wait', '1', '--data', aloneData);
      expect(r.code).toBe(0);
      await watch.settle(500, 3000);
      expect(presenceFrom(watch, ip('a'), since)).toEqual([Mode.BR_ENTRY, Mode.BR_EXIT]);
    });

    it('echo and doctor probe their target alone', async () => {
      const since = watch.received.length;
      const e = await cli(
        'echo',
        '--to',
        ip('b'),
        '--count',
        '2',
        '--interval',
        '100',
        '--data',
        aloneData,
      );
      expect(e.code).toBe(0);
      // No --no-broadcast: sending nothing to the LAN is the doctor's default.
      const d = await cli('doctor', ip('b'), '--count', '1', '--listen', '0', '--data', aloneData);
      expect(d.code).toBe(0);
      expect(d.stdout).toContain('--broadcast-check');
      await watch.settle(500, 3000);
      expect(presenceFrom(watch, ip('a'), since)).toEqual([]);
      expect(watch.received.slice(since).filter((x) => x.from === ip('a'))).toEqual([]);
    });

    it('doctor --broadcast-check tells the LAN its entry and its goodbye, a pair', async () => {
      const since = watch.received.length;
      const d = await cli(
        'doctor',
        ip('b'),
        '--broadcast-check',
        '--count',
        '1',
        '--listen',
        '0',
        '--json',
        '--data',
        aloneData,
      );
      expect(d.code).toBe(0);
      expect(JSON.parse(d.stdout.trim())).toMatchObject({
        result: { value: { broadcast: { tried: true, reached: true } } },
      });
      await watch.settle(500, 3000);
      // Its entry first and its goodbye last, once: no entry left standing. In between, the
      // ipmsg broadcast check's own entry when the target is not yet known as a Pigeon.
      const seen = presenceFrom(watch, ip('a'), since);
      expect(seen[0]).toBe(Mode.BR_ENTRY);
      expect(seen.at(-1)).toBe(Mode.BR_EXIT);
      expect(seen.filter((m) => m === Mode.BR_EXIT)).toHaveLength(1);
      expect(seen.every((m) => m === Mode.BR_ENTRY || m === Mode.BR_EXIT)).toBe(true);
    });

    // What the commands print on their own, to compare with what they print through serve
    // (while serve holds port 2425 on host a, a command alone could not start there).
    const alone: Record<string, Awaited<ReturnType<typeof cli>>> = {};
    it('alone: send --json, a failed send, peers --json', async () => {
      alone.send = await cli('send', '--json', '--data', aloneData, '--to', ip('b'), 'one');
      alone.lost = await cli('send', '--data', aloneData, '--to', `${lan.subnet}.99`, 'anyone?');
      alone.peers = await cli('peers', '--json', '--wait', '1', '--data', aloneData);
      expect([alone.send.code, alone.lost.code, alone.peers.code]).toEqual([0, 1, 0]);
    });

    describe('through pigeon serve on the same data directory', () => {
      let a: PigeonProcess;
      beforeAll(async () => {
        a = await PigeonProcess.start(lan, 'a', { nick: 'Ann' });
        await a.waitFor('peers:online', (p) => p.address === ip('b'), 8000, 'b online at a');
      });

      it('the data directory holds an owner-only socket and token', () => {
        const sock = fs.statSync(path.join(a.dataDir, 'control.sock'));
        expect(sock.isSocket()).toBe(true);
        expect(sock.mode & 0o777).toBe(0o600);
        expect(fs.statSync(path.join(a.dataDir, 'control.token')).mode & 0o777).toBe(0o600);
      });

      it('send: same output and exit code, sent by the running engine, no second engine', async () => {
        const since = watch.received.length;
        const via = await cli('send', '--json', '--data', a.dataDir, '--to', ip('b'), 'two');
        expect(via.code).toBe(0);
        const shape = (out: string) =>
          out
            .trim()
            .split('\n')
            .map((l) => {
              const o = JSON.parse(l) as {
                event?: string;
                channel?: string;
                payload?: {
                  delivery?: { state: string };
                  message?: { delivery?: { state: string } };
                };
              };
              return o.event
                ? `${o.event}:${o.payload?.delivery?.state ?? o.payload?.message?.delivery?.state}`
                : `answer:${o.channel}`;
            });
        expect(shape(via.stdout)).toEqual(shape(alone.send?.stdout ?? ''));
        // The running engine sent it: its own events say so.
        await a.waitFor(
          'chat:message',
          (m) => m.message.direction === 'out' && m.message.text === 'two',
          5000,
          'two from serve',
        );
        await b.waitForMessage((t) => t === 'two', 5000, 'two');
        const viaSend = await cli(
          'send',
          '--data',
          a.dataDir,
          '--to',
          `${lan.subnet}.99`,
          'anyone?',
        );
        const aloneSend = alone.lost ?? { stderr: '' };
        expect(viaSend.code).toBe(1);
        expect(viaSend.stderr.replace(/\d+\.\d+/g, 'N')).toBe(
          aloneSend.stderr.replace(/\d+\.\d+/g, 'N'),
        );
        await watch.settle(500, 3000);
        // No engine came or went on host a: the running one sent, and it stays.
        expect(presenceFrom(watch, ip('a'), since).filter((m) => m === Mode.BR_EXIT)).toEqual([]);
      });

      it('send --file: the running engine serves the file it registered as a pick', async () => {
        const file = path.join(os.tmpdir(), `pigeon-oneshot-${process.pid}.txt`);
        fs.writeFileSync(file, 'report\n');
        lan.onDestroy(() => fs.rmSync(file, { force: true }));
        const run = cli(
          'send',
          '--data',
          a.dataDir,
          '--to',
          ip('b'),
          '--file',
          file,
          '--wait',
          '20',
          'the report',
        );
        const offered = await b.waitFor(
          'files:transfer',
          (t) => t.direction === 'in' && t.item.name === path.basename(file),
          10_000,
          'offer at b',
        );
        const accepted = await b.request('files:accept', { transferIds: [offered.id] });
        expect(accepted.ok).toBe(true);
        const r = await run;
        expect(r.code).toBe(0);
        expect(r.stderr).toContain('fetched');
      });

      it('peers, echo and doctor: same exit codes and output shape', async () => {
        const viaPeers = await cli('peers', '--json', '--wait', '1', '--data', a.dataDir);
        const alonePeers = alone.peers ?? { stdout: '{}' };
        expect(viaPeers.code).toBe(0);
        const listed = (out: string) =>
          (JSON.parse(out.trim()) as { result: { value: Peer[] } }).result.value.map(
            (p) => p.address,
          );
        expect(listed(viaPeers.stdout)).toContain(ip('b'));
        expect(listed(alonePeers.stdout)).toContain(ip('b'));
        const viaEcho = await cli(
          'echo',
          '--to',
          ip('b'),
          '--count',
          '2',
          '--interval',
          '100',
          '--json',
          '--data',
          a.dataDir,
        );
        expect(viaEcho.code).toBe(0);
        const lines = viaEcho.stdout
          .trim()
          .split('\n')
          .map((l) => (JSON.parse(l) as { event: string }).event);
        expect(lines[0]).toBe('echo:started');
        expect(lines.at(-1)).toBe('echo:done');
        const viaDoctor = await cli(
          'doctor',
          ip('b'),
          '--no-broadcast',
          '--count',
          '1',
          '--json',
          '--data',
          a.dataDir,
        );
        expect(viaDoctor.code).toBe(0);
        expect(JSON.parse(viaDoctor.stdout.trim())).toMatchObject({
          channel: 'diag:doctor',
          result: { ok: true },
        });
      });

      it('two commands at once both go through', async () => {
        const [x, y] = await Promise.all([
          cli('send', '--data', a.dataDir, '--to', ip('b'), 'x'),
          cli('send', '--data', a.dataDir, '--to', ip('b'), 'y'),
        ]);
        expect([x.code, y.code]).toEqual([0, 0]);
      });

      it('after a crash the stale socket does not block: a command works alone', async () => {
        a.child.kill('SIGKILL');
        await new Promise((r) => setTimeout(r, 300));
        expect(fs.existsSync(path.join(a.dataDir, 'control.sock'))).toBe(true);
        const r = await cli('send', '--data', a.dataDir, '--to', ip('b'), 'after the crash');
        expect(r.code).toBe(0);
      });
    });
  },
);
