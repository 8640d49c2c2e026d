import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventListener, PickedItem } from '../../shared/contract';
import { connectControl } from './control-client';
import { controlPath, MAX_SOCKET_PATH_BYTES } from './control-path';
import { CONTROL_TOKEN_FILE } from './control-protocol';
import { startControlServer, type ControlledEngine, type ControlServer } from './control-server';

const unix = process.platform !== 'win32';
const dirs: string[] = [];
const servers: ControlServer[] = [];
function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-ctl-'));
  fs.chmodSync(dir, 0o700);
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** An engine that answers every request with what it was asked, and can tell events. */
function fakeEngine(): ControlledEngine & { emit: EventListener; picks: string[] } {
  const listeners = new Set<EventListener>();
  const picks: string[] = [];
  return {
    picks,
    request: (ch, req) => Promise.resolve({ ok: true, value: { ch, req } }),
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    addPick: (p): PickedItem => {
      picks.push(p);
      return { pick: `pick-${picks.length}`, name: path.basename(p), kind: 'file', size: 1 };
    },
    welcome: () => ({ bind: '127.0.0.1', port: 2425, nick: 'srv', group: '', pid: 1 }),
    emit: (e) => {
      for (const l of listeners) l(e);
    },
  };
}

async function serve(dir: string, engine = fakeEngine(), env = {}) {
  const r = await startControlServer(dir, engine, env);
  if (!r.ok) throw new Error(r.message);
  servers.push(r.server);
  return { server: r.server, engine };
}

/** Raw lines from a plain connection: what someone without the client library gets. */
function rawSession(socketPath: string) {
  const s = net.connect(socketPath);
  const lines: unknown[] = [];
  let buf = '';
  s.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      lines.push(JSON.parse(buf.slice(0, i)));
      buf = buf.slice(i + 1);
    }
  });
  const closed = new Promise<void>((resolve) => s.on('close', () => resolve()));
  return { s, lines, closed };
}

describe('control socket', () => {
  it.runIf(unix)('lives in the data directory, owner-only, with an owner-only token', async () => {
    const dir = dataDir();
    const { server } = await serve(dir);
    expect(server.path).toBe(path.join(dir, 'control.sock'));
    expect(fs.statSync(server.path).isSocket()).toBe(true);
    expect(fs.statSync(server.path).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(dir, CONTROL_TOKEN_FILE)).mode & 0o777).toBe(0o600);
  });

  it('carries requests, answers and events; picks only on it', async () => {
    const dir = dataDir();
    const { engine } = await serve(dir);
    const client = await connectControl(dir, { env: {} });
    expect(client?.welcome).toMatchObject({ nick: 'srv', port: 2425 });
    if (!client) return;
    const events: unknown[] = [];
    client.subscribe((e) => events.push(e));
    expect(await client.request('chat:send', { to: ['10.0.0.2'], text: 'hi' })).toEqual({
      ok: true,
      value: { ch: 'chat:send', req: { to: ['10.0.0.2'], text: 'hi' } },
    });
    engine.emit({ channel: 'peers:offline', payload: { nick: 'x' } as never });
    await expect.poll(() => events).toEqual([{ channel: 'peers:offline', payload: { nick: 'x' } }]);
    const pick = await client.pick('relative/报告.pdf');
    expect(pick).toMatchObject({ ok: true, value: { name: '报告.pdf' } });
    // The client resolves a relative path where the command runs, not where the engine does.
    expect(engine.picks).toEqual([path.resolve('relative/报告.pdf')]);
    client.close();
  });

  it("keeps the engine's order between an answer and the event right after it", async () => {
    const dir = dataDir();
    const engine = fakeEngine();
    // The engine answers, then tells an event in the same turn (an ack that came at once):
    // both lines reach the client in one read.
    const answer = engine.request;
    engine.request = (ch, req) => {
      const r = answer(ch, req);
      void r
        .then(() => undefined)
        .then(() => engine.emit({ channel: 'peers:offline', payload: { nick: 'x' } as never }));
      return r;
    };
    await serve(dir, engine);
    const client = await connectControl(dir, { env: {} });
    if (!client) throw new Error('no client');
    const order: string[] = [];
    client.subscribe((e) => order.push(e.channel));
    await client.request('peers:refresh', null);
    order.push('answer');
    await expect.poll(() => order).toEqual(['answer', 'peers:offline']);
    client.close();
  });

  it('says nothing to a connection without the token, and closes it', async () => {
    const dir = dataDir();
    const { server, engine } = await serve(dir);
    const raw = rawSession(server.path);
    raw.s.write('{"id":1,"ch":"chat:send","req":{"to":["10.0.0.2"],"text":"x"}}\n');
    await raw.closed;
    expect(raw.lines).toEqual([
      {
        channel: 'chat:send',
        id: 1,
        result: { ok: false, error: { code: 'unauthorized', message: expect.any(String) } },
      },
    ]);
    const wrong = rawSession(server.path);
    wrong.s.write('{"id":1,"ch":"control:hello","req":{"token":"guess"}}\n');
    engine.emit({ channel: 'peers:offline', payload: { nick: 'secret' } as never });
    await wrong.closed;
    expect(JSON.stringify(wrong.lines)).not.toContain('secret');
    expect(JSON.stringify(wrong.lines)).toContain('unauthorized');
  });

  it('refuses a relative or odd pick path', async () => {
    const dir = dataDir();
    await serve(dir);
    const client = await connectControl(dir, { env: {} });
    if (!client) throw new Error('no client');
    const token = fs.readFileSync(path.join(dir, CONTROL_TOKEN_FILE), 'utf8').trim();
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    const raw = rawSession(path.join(dir, 'control.sock'));
    raw.s.write(`{"id":1,"ch":"control:hello","req":{"token":"${token}"}}\n`);
    raw.s.write('{"id":2,"ch":"control:pick","req":{"path":"../etc/passwd"}}\n');
    raw.s.write('{"id":3,"ch":"control:pick","req":{}}\n');
    await expect.poll(() => raw.lines.length).toBe(3);
    expect(raw.lines.slice(1)).toEqual([
      expect.objectContaining({ id: 2, result: expect.objectContaining({ ok: false }) }),
      expect.objectContaining({ id: 3, result: expect.objectContaining({ ok: false }) }),
    ]);
    raw.s.destroy();
    client.close();
  });

  it('answers two commands at once, each its own answers', async () => {
    const dir = dataDir();
    await serve(dir);
    const [a, b] = await Promise.all([
      connectControl(dir, { env: {} }),
      connectControl(dir, { env: {} }),
    ]);
    if (!a || !b) throw new Error('no client');
    const [ra, rb] = await Promise.all([
      a.request('peers:add', { address: '10.0.0.1' }),
      b.request('peers:add', { address: '10.0.0.2' }),
    ]);
    expect(ra).toMatchObject({ value: { req: { address: '10.0.0.1' } } });
    expect(rb).toMatchObject({ value: { req: { address: '10.0.0.2' } } });
    a.close();
    b.close();
  });

  it.runIf(unix)(
    'replaces a stale socket a crash left behind, and a command then runs alone',
    async () => {
      const dir = dataDir();
      const sock = path.join(dir, 'control.sock');
      // What a killed engine leaves: a process that listened there and died without cleaning up.
      const child = spawn(process.execPath, [
        '-e',
        `require('net').createServer().listen(${JSON.stringify(sock)}, () => console.log('up'))`,
      ]);
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      child.kill('SIGKILL');
      await new Promise<void>((resolve) => child.once('exit', () => resolve()));
      fs.writeFileSync(path.join(dir, CONTROL_TOKEN_FILE), 'old\n');
      expect(fs.existsSync(sock)).toBe(true);
      expect(await connectControl(dir, { env: {} })).toBeUndefined();
      const { server } = await serve(dir);
      expect(server.path).toBe(sock);
      const client = await connectControl(dir, { env: {} });
      expect(client?.welcome.nick).toBe('srv');
      client?.close();
    },
  );

  it.runIf(unix)('leaves a live socket to its engine, and never deletes a non-socket', async () => {
    const dir = dataDir();
    await serve(dir);
    const second = await startControlServer(dir, fakeEngine(), {});
    expect(second).toMatchObject({ ok: false, reason: 'taken' });
    const other = dataDir();
    fs.writeFileSync(path.join(other, 'control.sock'), 'not a socket');
    const third = await startControlServer(other, fakeEngine(), {});
    expect(third).toMatchObject({ ok: false, reason: 'failed' });
    expect(fs.readFileSync(path.join(other, 'control.sock'), 'utf8')).toBe('not a socket');
  });

  it.runIf(unix)('a deep data directory gets a socket in a private folder of its own', async () => {
    let dir = dataDir();
    while (Buffer.byteLength(path.join(dir, 'control.sock')) <= MAX_SOCKET_PATH_BYTES)
      dir = path.join(dir, 'a-rather-long-folder-name');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const runtimeDir = dataDir();
    const env = { runtimeDir };
    const where = controlPath(dir, env);
    expect(where.kind).toBe('private-dir');
    expect(Buffer.byteLength(where.path)).toBeLessThanOrEqual(MAX_SOCKET_PATH_BYTES);
    const { server } = await serve(dir, fakeEngine(), env);
    expect(server.path).toBe(where.path);
    expect(fs.statSync(path.dirname(server.path)).mode & 0o777).toBe(0o700);
    expect(fs.statSync(server.path).mode & 0o777).toBe(0o600);
    const client = await connectControl(dir, { env });
    expect(client?.welcome.nick).toBe('srv');
    client?.close();
  });

  it.runIf(unix)('will not use a private folder someone else could get into', async () => {
    const runtimeDir = dataDir();
    let dir = dataDir();
    while (Buffer.byteLength(path.join(dir, 'control.sock')) <= MAX_SOCKET_PATH_BYTES)
      dir = path.join(dir, 'a-rather-long-folder-name');
    const where = controlPath(dir, { runtimeDir });
    if (where.kind !== 'private-dir') throw new Error('expected a private dir');
    fs.mkdirSync(where.dir, { mode: 0o777 });
    fs.chmodSync(where.dir, 0o777);
    const r = await startControlServer(dir, fakeEngine(), { runtimeDir });
    expect(r).toMatchObject({
      ok: false,
      reason: 'failed',
      message: expect.stringMatching(/open to others/),
    });
  });

  it('a named pipe on Windows, one per user and data directory', () => {
    const a = controlPath('C:\\Users\\wang\\.pigeon', { platform: 'win32', user: 'wang' });
    const b = controlPath('D:\\pigeon', { platform: 'win32', user: 'wang' });
    expect(a.kind).toBe('pipe');
    expect(a.path).toMatch(/^\\\\\.\\pipe\\pigeon-wang-[0-9a-f]{24}$/);
    expect(a.path).not.toBe(b.path);
  });

  it('close removes the token, and a command then runs alone', async () => {
    const dir = dataDir();
    const { server } = await serve(dir);
    await server.close();
    servers.length = 0;
    expect(fs.existsSync(path.join(dir, CONTROL_TOKEN_FILE))).toBe(false);
    expect(await connectControl(dir, { env: {} })).toBeUndefined();
  });
});
