import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { portHolder } from './port-holder';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A /proc with one process holding one socket on `port`. */
function fakeProc(port: number, comm: string, cmdline: string[]): string {
  const proc = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-proc-'));
  dirs.push(proc);
  fs.mkdirSync(path.join(proc, 'net'));
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  fs.writeFileSync(
    path.join(proc, 'net', 'udp'),
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n' +
      `  1: 00000000:${hex} 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 777 2\n`,
  );
  fs.mkdirSync(path.join(proc, '4242', 'fd'), { recursive: true });
  fs.symlinkSync('socket:[777]', path.join(proc, '4242', 'fd', '5'));
  fs.writeFileSync(path.join(proc, '4242', 'comm'), `${comm}\n`);
  fs.writeFileSync(path.join(proc, '4242', 'cmdline'), `${cmdline.join('\0')}\0`);
  return proc;
}

describe('portHolder', () => {
  it('finds the process whose socket is bound to the port', () => {
    expect(portHolder(2425, fakeProc(2425, 'iptux', ['iptux']))).toEqual({
      pid: 4242,
      program: 'iptux',
    });
  });

  it('calls a node process running Pigeon "Pigeon"', () => {
    const proc = fakeProc(2425, 'node', [
      '/usr/bin/node',
      '/opt/pigeon/out/cli/pigeon.cjs',
      'serve',
    ]);
    expect(portHolder(2425, proc)?.program).toBe('Pigeon');
  });

  it('says nothing for another port, or without a /proc', () => {
    expect(portHolder(2426, fakeProc(2425, 'iptux', ['iptux']))).toBeUndefined();
    expect(portHolder(2425, '/nonexistent')).toBeUndefined();
  });

  it.runIf(process.platform === 'linux')('finds this very process on the real /proc', async () => {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
    try {
      expect(portHolder(s.address().port)?.pid).toBe(process.pid);
    } finally {
      s.close();
    }
  });
});
