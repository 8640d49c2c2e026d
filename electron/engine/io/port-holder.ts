import fs from 'node:fs';

/** The program that holds a port, as far as this OS lets us see it. */
export interface PortHolder {
  pid: number;
  program: string;
}

/** Processes looked at before giving up: a busy machine has thousands. */
const MAX_PROCESSES = 5000;

/**
 * Who has `port` bound (UDP or TCP), on Linux: the socket's inode from /proc/net/{udp,tcp},
 * then the process with a descriptor on that inode. Only processes we may look into are seen
 * (our own user's; all of them as root); elsewhere, or when nothing is found, undefined. Used
 * only to say "port 2425 is used by iptux (process 4242)" instead of guessing.
 */
export function portHolder(port: number, proc = '/proc'): PortHolder | undefined {
  const inodes = new Set<string>();
  for (const table of ['udp', 'tcp', 'udp6', 'tcp6']) {
    let text: string;
    try {
      text = fs.readFileSync(`${proc}/net/${table}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      const local = f[1];
      const inode = f[9];
      if (!local || !inode || inode === '0') continue;
      if (Number.parseInt(local.split(':')[1] ?? '', 16) === port) inodes.add(inode);
    }
  }
  if (inodes.size === 0) return undefined;
  let pids: string[];
  try {
    pids = fs.readdirSync(proc).filter((d) => /^\d+$/.test(d));
  } catch {
    return undefined;
  }
  for (const pid of pids.slice(0, MAX_PROCESSES)) {
    let fds: string[];
    try {
      fds = fs.readdirSync(`${proc}/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to look into
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = fs.readlinkSync(`${proc}/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (m && inodes.has(m[1] ?? '')) return { pid: Number(pid), program: programOf(proc, pid) };
    }
  }
  return undefined;
}

function programOf(proc: string, pid: string): string {
  try {
    // The command line names `node …/pigeon.cjs` better than comm ("node") does.
    const argv = fs.readFileSync(`${proc}/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const script = argv.find((a) => /pigeon/i.test(a));
    if (script) return 'Pigeon';
    return fs.readFileSync(`${proc}/${pid}/comm`, 'utf8').trim() || `process ${pid}`;
  } catch {
    return `process ${pid}`;
  }
}
