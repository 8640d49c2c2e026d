/**
 * A private LAN made of Linux network namespaces, for tests that need real sockets, real
 * broadcasts and a real second (or third) machine.
 *
 *   <prefix>-sw       the "switch": bridge br0 (STP off, forward delay 0), no IP address
 *   <prefix>-<host>   one namespace per host: lo up, eth0 = <subnet>.(10+i)/24,
 *                     broadcast <subnet>.255, a route 255.255.255.255/32 dev eth0 (so that the
 *                     limited broadcast works without a default route), IPv6 disabled
 *
 * Both ends of every veth pair are created inside lab namespaces (the switch port in the switch
 * namespace, eth0 directly in the host namespace), so nothing of the lab ever exists in the root
 * namespace: there is no uplink and no default route, and no packet can leave the lab.
 * Addresses must come from 198.18.0.0/15 (RFC 2544, benchmarking), which is enforced.
 *
 * Every run picks a random prefix, so concurrent runs never collide, and a lab only ever deletes
 * the namespaces it created itself. If the test process dies, an 'exit' hook (and SIGINT /
 * SIGTERM / SIGHUP handlers while a lab is alive) kills what the lab spawned and deletes its
 * namespaces.
 *
 * Needs root, iproute2 (`ip`) and nftables (`nft`); see canUseNamespaces().
 */
import {
  spawn as spawnChild,
  spawnSync,
  type ChildProcess,
  type SpawnOptions,
} from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

export type Availability = { ok: true } | { ok: false; reason: string };

export interface LanHost {
  /** The name given to createLan, e.g. 'a'. */
  readonly name: string;
  /** The network namespace, e.g. 'pgk3x9q-a'. */
  readonly ns: string;
  /** eth0's IPv4 address, e.g. '198.18.0.10'. */
  readonly ip: string;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Exit code, or null when the process was ended by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ExecOptions {
  /** Written to the process's stdin, which is then closed. */
  input?: string | Buffer;
  /** SIGKILL after this long (default 30 s); the result then has signal 'SIGKILL'. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Reject unless the exit code is 0 (the error carries stderr). Default false. */
  check?: boolean;
}

export interface LossOptions {
  /** Only drop UDP datagrams to this destination port (default: every IP packet; never ARP). */
  udpPort?: number;
}

export type HostRef = string | LanHost;

export interface Lan {
  /** The random per-run prefix of every namespace name. */
  readonly prefix: string;
  /** Namespace holding the bridge. */
  readonly switchNs: string;
  /** First three octets, e.g. '198.18.0'. */
  readonly subnet: string;
  readonly hosts: readonly LanHost[];
  /** The subnet broadcast address, e.g. '198.18.0.255'. */
  readonly broadcast: string;
  readonly destroyed: boolean;
  /** The host called `name`; throws for an unknown name. */
  host(name: string): LanHost;
  /** Run `ip netns exec NS cmd ...args` to completion. */
  exec(
    host: HostRef,
    cmd: string,
    args?: readonly string[],
    opts?: ExecOptions,
  ): Promise<ExecResult>;
  /**
   * Start `ip netns exec NS cmd ...args` (ip exec()s in place, so child.pid is cmd's pid).
   * The child is killed by destroy() if it is still running.
   */
  spawn(host: HostRef, cmd: string, args?: readonly string[], opts?: SpawnOptions): ChildProcess;
  /**
   * Drop `percent` % (0-100, fractions allowed) of the packets arriving on the host's eth0, at
   * random (nftables table `inet pigeon_loss`, input hook). Replaces an earlier loss setting.
   */
  addInputLoss(host: HostRef, percent: number, opts?: LossOptions): Promise<void>;
  /** Remove the host's loss table (no-op when there is none). */
  clearLoss(host: HostRef): Promise<void>;
  /**
   * Drop what arrives on the host's eth0 from `fromIp` (an address or CIDR), optionally only for
   * one protocol and destination port: a one-way firewall. Rules accumulate until unblock().
   * Table `inet pigeon_block`.
   */
  blockInput(host: HostRef, fromIp: string, proto?: 'udp' | 'tcp', port?: number): Promise<void>;
  /** Remove every blockInput rule of the host (no-op when there is none). */
  unblock(host: HostRef): Promise<void>;
  /**
   * Run `fn` during destroy(), after the lab's processes are gone and before the namespaces are
   * deleted; on the process 'exit' safety net too (only its synchronous part then).
   */
  onDestroy(fn: () => void | Promise<void>): void;
  /**
   * Kill every process spawned in the lab (SIGTERM, then SIGKILL), then any other process still
   * inside one of this lab's namespaces, then delete the namespaces this lab created.
   * Idempotent: later calls return the first call's promise.
   */
  destroy(): Promise<void>;
}

export interface CreateLanOptions {
  /** Host names: letters, digits, '-' and '_', unique, not 'sw'. Host i gets <subnet>.(10+i). */
  hosts: string[];
  /** First three octets inside 198.18.0.0/15. Default '198.18.0'. */
  subnet?: string;
  /** Namespace name prefix. Default 'pg' + 5 random base36 characters (unique per run). */
  prefix?: string;
}

const LOSS_TABLE = 'pigeon_loss';
const BLOCK_TABLE = 'pigeon_block';
const BRIDGE = 'br0';
const IPV4_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(\/\d{1,2})?$/;
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

// ---------------------------------------------------------------------------------------------
// availability

let availability: Availability | undefined;

function which(cmd: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$0"', cmd], { stdio: 'ignore' }).status === 0;
}

/**
 * Whether this process can build a LAN: root, `ip` and `nft` present, a namespace can be created
 * and nftables works inside it. Synchronous and cached, so that suites can use it in
 * `describe.skipIf(!can.ok)` and print `can.reason`.
 */
export function canUseNamespaces(): Availability {
  availability ??= probeNamespaces();
  return availability;
}

function probeNamespaces(): Availability {
  if (process.platform !== 'linux') return { ok: false, reason: 'network namespaces need Linux' };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'network namespaces need root' };
  if (!which('ip')) return { ok: false, reason: '`ip` (iproute2) is not installed' };
  if (!which('nft')) return { ok: false, reason: '`nft` (nftables) is not installed' };
  const probe = `pgprobe-${randomSuffix()}`;
  const add = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (add.status !== 0) {
    return { ok: false, reason: `cannot create a network namespace: ${add.stderr.trim()}` };
  }
  try {
    const nft = spawnSync('ip', ['netns', 'exec', probe, 'nft', 'list', 'tables'], {
      encoding: 'utf8',
    });
    if (nft.status !== 0) {
      return { ok: false, reason: `nftables does not work in a namespace: ${nft.stderr.trim()}` };
    }
  } finally {
    spawnSync('ip', ['netns', 'del', probe], { stdio: 'ignore' });
  }
  return { ok: true };
}

function randomSuffix(): string {
  return randomInt(36 ** 5)
    .toString(36)
    .padStart(5, '0');
}

// ---------------------------------------------------------------------------------------------
// process helpers

function describeCommand(cmd: string, args: readonly string[]): string {
  return [cmd, ...args].map((a) => (/^[\w./:=@,+-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

/** Neither exited nor killed (as far as the 'exit' event told us). */
export function alive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Resolves true once the child has exited, false after `ms`. */
export function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (!alive(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, ms);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

/** SIGTERM, wait up to graceMs, SIGKILL, wait a little more. Only this child, by its own pid. */
export async function terminate(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (!alive(child)) return;
  child.kill('SIGTERM');
  if (await waitExit(child, graceMs)) return;
  child.kill('SIGKILL');
  await waitExit(child, 2000);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function runTracked(
  cmd: string,
  args: readonly string[],
  opts: ExecOptions,
  track: (child: ChildProcess) => void,
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawnChild(cmd, args, {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    track(child);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${describeCommand(cmd, args)}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result: ExecResult = {
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        code,
        signal,
      };
      if (opts.check && code !== 0) {
        const why = code === null ? `signal ${signal ?? '?'}` : `exit code ${code}`;
        reject(new Error(`${describeCommand(cmd, args)} failed (${why}): ${result.stderr.trim()}`));
      } else {
        resolve(result);
      }
    });
    child.stdin?.on('error', () => undefined); // EPIPE when the command does not read stdin
    child.stdin?.end(opts.input ?? '');
  });
}

// ---------------------------------------------------------------------------------------------
// the safety net

const liveLans = new Set<LanImpl>();
let exitHookInstalled = false;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let signalHooksInstalled = false;

function onSignal(signal: NodeJS.Signals): void {
  cleanupAllSync();
  removeSignalHooks();
  // If nobody else handles the signal, behave as if we had never caught it.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function cleanupAllSync(): void {
  for (const lan of [...liveLans]) lan.destroySync();
}

function installHooks(): void {
  if (!exitHookInstalled) {
    process.on('exit', cleanupAllSync);
    exitHookInstalled = true;
  }
  if (!signalHooksInstalled) {
    for (const s of SIGNALS) process.on(s, onSignal);
    signalHooksInstalled = true;
  }
}

function removeSignalHooks(): void {
  if (!signalHooksInstalled) return;
  for (const s of SIGNALS) process.off(s, onSignal);
  signalHooksInstalled = false;
}

function forget(lan: LanImpl): void {
  liveLans.delete(lan);
  if (liveLans.size === 0) removeSignalHooks();
}

// ---------------------------------------------------------------------------------------------
// the LAN

function nsExists(ns: string): boolean {
  return existsSync(`/run/netns/${ns}`);
}

function parseNsPids(stdout: string): number[] {
  return stdout
    .split('\n')
    .map((l) => Number.parseInt(l.trim(), 10))
    .filter((p) => Number.isInteger(p) && p > 0 && p !== process.pid);
}

function signalPid(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

/** Exists and is not a zombie. */
export function pidAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X' && state !== '';
  } catch {
    return false;
  }
}

function checkIpv4(addr: string, what: string): void {
  const m = IPV4_RE.exec(addr);
  const ok =
    m !== null &&
    m.slice(1, 5).every((o) => Number(o) <= 255) &&
    (m[5] === undefined || Number(m[5].slice(1)) <= 32);
  if (!ok) throw new Error(`${what}: not an IPv4 address: ${JSON.stringify(addr)}`);
}

function checkPort(port: number, what: string): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${what}: not a port number: ${port}`);
  }
}

class LanImpl implements Lan {
  readonly switchNs: string;
  readonly hosts: readonly LanHost[];
  readonly broadcast: string;
  private readonly created: string[] = [];
  private readonly children = new Set<ChildProcess>();
  private readonly hooks: (() => void | Promise<void>)[] = [];
  private destroying: Promise<void> | undefined;
  private syncDestroyed = false;

  readonly prefix: string;
  readonly subnet: string;

  constructor(prefix: string, subnet: string, hostNames: readonly string[]) {
    this.prefix = prefix;
    this.subnet = subnet;
    this.switchNs = `${prefix}-sw`;
    this.broadcast = `${subnet}.255`;
    this.hosts = hostNames.map((name, i) => ({
      name,
      ns: `${prefix}-${name}`,
      ip: `${subnet}.${10 + i}`,
    }));
  }

  get destroyed(): boolean {
    return this.destroying !== undefined || this.syncDestroyed;
  }

  host(name: string): LanHost {
    const h = this.hosts.find((x) => x.name === name);
    if (!h) {
      throw new Error(`no host ${JSON.stringify(name)} in this LAN (hosts: ${this.names()})`);
    }
    return h;
  }

  private names(): string {
    return this.hosts.map((h) => h.name).join(', ');
  }

  private resolve(ref: HostRef): LanHost {
    const h = this.host(typeof ref === 'string' ? ref : ref.name);
    if (typeof ref !== 'string' && ref.ns !== h.ns) {
      throw new Error(`host ${ref.name} (${ref.ns}) belongs to another LAN`);
    }
    return h;
  }

  private assertAlive(): void {
    if (this.destroyed) throw new Error(`LAN ${this.prefix} is destroyed`);
  }

  private track = (child: ChildProcess): void => {
    this.children.add(child);
    const drop = () => this.children.delete(child);
    child.once('exit', drop);
    child.once('error', drop);
  };

  exec(
    host: HostRef,
    cmd: string,
    args: readonly string[] = [],
    opts: ExecOptions = {},
  ): Promise<ExecResult> {
    try {
      this.assertAlive();
      const h = this.resolve(host);
      return runTracked('ip', ['netns', 'exec', h.ns, cmd, ...args], opts, this.track);
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  spawn(
    host: HostRef,
    cmd: string,
    args: readonly string[] = [],
    opts: SpawnOptions = {},
  ): ChildProcess {
    this.assertAlive();
    const h = this.resolve(host);
    const child = spawnChild('ip', ['netns', 'exec', h.ns, cmd, ...args], opts);
    this.track(child);
    return child;
  }

  /** ip/nft commands of the fixture itself: must succeed. */
  private async ip(args: readonly string[]): Promise<void> {
    await runTracked('ip', args, { check: true, timeoutMs: 20_000 }, this.track);
  }

  private async nft(h: LanHost, script: string): Promise<void> {
    this.assertAlive();
    await runTracked(
      'ip',
      ['netns', 'exec', h.ns, 'nft', '-f', '-'],
      { check: true, input: script, timeoutMs: 20_000 },
      this.track,
    );
  }

  async addInputLoss(host: HostRef, percent: number, opts: LossOptions = {}): Promise<void> {
    const h = this.resolve(host);
    if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
      throw new Error(`addInputLoss: percent must be within 0..100, got ${percent}`);
    }
    let match = 'iifname "eth0"';
    if (opts.udpPort !== undefined) {
      checkPort(opts.udpPort, 'addInputLoss');
      match += ` udp dport ${opts.udpPort}`;
    }
    // numgen random mod 10000 is uniform over 0..9999: "< percent*100" drops percent % of it
    const threshold = Math.round(percent * 100);
    await this.nft(
      h,
      [
        `add table inet ${LOSS_TABLE}`,
        `delete table inet ${LOSS_TABLE}`,
        `table inet ${LOSS_TABLE} {`,
        `  chain input {`,
        `    type filter hook input priority -10; policy accept;`,
        `    ${match} numgen random mod 10000 < ${threshold} counter drop`,
        `  }`,
        `}`,
        '',
      ].join('\n'),
    );
  }

  async clearLoss(host: HostRef): Promise<void> {
    const h = this.resolve(host);
    await this.nft(h, `add table inet ${LOSS_TABLE}\ndelete table inet ${LOSS_TABLE}\n`);
  }

  async blockInput(
    host: HostRef,
    fromIp: string,
    proto?: 'udp' | 'tcp',
    port?: number,
  ): Promise<void> {
    const h = this.resolve(host);
    checkIpv4(fromIp, 'blockInput');
    if (proto !== undefined && proto !== 'udp' && proto !== 'tcp') {
      throw new Error(`blockInput: proto must be 'udp' or 'tcp', got ${String(proto)}`);
    }
    let match = `iifname "eth0" ip saddr ${fromIp}`;
    if (port !== undefined) {
      checkPort(port, 'blockInput');
      match += proto ? ` ${proto} dport ${port}` : ` meta l4proto { tcp, udp } th dport ${port}`;
    } else if (proto) {
      match += ` meta l4proto ${proto}`;
    }
    await this.nft(
      h,
      [
        `add table inet ${BLOCK_TABLE}`,
        `add chain inet ${BLOCK_TABLE} input { type filter hook input priority -20; policy accept; }`,
        `add rule inet ${BLOCK_TABLE} input ${match} counter drop`,
        '',
      ].join('\n'),
    );
  }

  async unblock(host: HostRef): Promise<void> {
    const h = this.resolve(host);
    await this.nft(h, `add table inet ${BLOCK_TABLE}\ndelete table inet ${BLOCK_TABLE}\n`);
  }

  onDestroy(fn: () => void | Promise<void>): void {
    this.assertAlive();
    this.hooks.push(fn);
  }

  // --- building ---

  async build(): Promise<void> {
    const sw = this.switchNs;
    await this.addNamespace(sw);
    await this.ip(['-n', sw, 'link', 'add', BRIDGE, 'type', 'bridge', 'stp_state', '0']);
    await this.ip(['-n', sw, 'link', 'set', BRIDGE, 'type', 'bridge', 'forward_delay', '0']);
    await this.ip(['-n', sw, 'link', 'set', BRIDGE, 'up']);
    await Promise.all(this.hosts.map((h, i) => this.buildHost(h, i)));
    await this.waitReady();
  }

  private async addNamespace(ns: string): Promise<void> {
    if (nsExists(ns)) throw new Error(`network namespace ${ns} already exists (not ours)`);
    await this.ip(['netns', 'add', ns]);
    this.created.push(ns);
    // IPv4 only: no link-local chatter (router solicitations, MLD, DAD). Set before any veth
    // arrives, so that new interfaces inherit it from "default".
    await runTracked(
      'ip',
      [
        'netns',
        'exec',
        ns,
        'sysctl',
        '-q',
        '-w',
        'net.ipv6.conf.all.disable_ipv6=1',
        'net.ipv6.conf.default.disable_ipv6=1',
      ],
      { check: true },
      this.track,
    );
    await this.ip(['-n', ns, 'link', 'set', 'lo', 'up']);
  }

  private portName(h: LanHost, i: number): string {
    const name = `sw-${h.name}`;
    return name.length <= 15 ? name : `sw${i}`;
  }

  private async buildHost(h: LanHost, i: number): Promise<void> {
    const sw = this.switchNs;
    const port = this.portName(h, i);
    await this.addNamespace(h.ns);
    // created inside the switch namespace, its peer directly inside the host namespace: no end
    // of the pair ever exists in the root namespace
    await this.ip([
      '-n',
      sw,
      'link',
      'add',
      port,
      'type',
      'veth',
      'peer',
      'name',
      'eth0',
      'netns',
      h.ns,
    ]);
    await this.ip(['-n', sw, 'link', 'set', port, 'master', BRIDGE]);
    await this.ip(['-n', sw, 'link', 'set', port, 'up']);
    await this.ip(['-n', h.ns, 'addr', 'add', `${h.ip}/24`, 'brd', this.broadcast, 'dev', 'eth0']);
    await this.ip(['-n', h.ns, 'link', 'set', 'eth0', 'up']);
    await this.ip([
      '-n',
      h.ns,
      'route',
      'replace',
      '255.255.255.255/32',
      'dev',
      'eth0',
      'src',
      h.ip,
    ]);
  }

  /** Every eth0 has carrier and every bridge port forwards. */
  private async waitReady(): Promise<void> {
    const deadline = Date.now() + 10_000;
    let last = '';
    while (Date.now() < deadline) {
      const ports = await runTracked(
        'ip',
        ['-j', '-d', '-n', this.switchNs, 'link', 'show', 'master', BRIDGE],
        { check: true },
        this.track,
      );
      const parsed = JSON.parse(ports.stdout || '[]') as {
        ifname: string;
        linkinfo?: { info_slave_data?: { state?: string } };
      }[];
      const notForwarding = parsed
        .filter((p) => p.linkinfo?.info_slave_data?.state !== 'forwarding')
        .map((p) => p.ifname);
      const hostStates = await Promise.all(
        this.hosts.map(async (h) => {
          const r = await runTracked(
            'ip',
            ['-j', '-n', h.ns, 'link', 'show', 'eth0'],
            { check: true },
            this.track,
          );
          const [link] = JSON.parse(r.stdout) as { operstate?: string }[];
          return link?.operstate === 'UP' ? null : `${h.ns}/eth0 ${link?.operstate ?? '?'}`;
        }),
      );
      const down = hostStates.filter((s): s is string => s !== null);
      if (parsed.length === this.hosts.length && notForwarding.length === 0 && down.length === 0) {
        return;
      }
      last = `ports ${parsed.length}/${this.hosts.length}, not forwarding: [${notForwarding.join(
        ' ',
      )}], not up: [${down.join(' ')}]`;
      await sleep(20);
    }
    throw new Error(`LAN ${this.prefix} did not come up within 10 s: ${last}`);
  }

  // --- teardown ---

  destroy(): Promise<void> {
    this.destroying ??= this.doDestroy();
    return this.destroying;
  }

  private async doDestroy(): Promise<void> {
    const errors: string[] = [];
    if (this.syncDestroyed) return;
    // 1. what we spawned, by its own pid
    await Promise.all([...this.children].map((c) => terminate(c, 3000)));
    // 2. anything else still inside one of our namespaces (grandchildren, daemons): these
    //    namespaces have random names and were created by this run, so whatever is inside is ours
    for (let round = 0; round < 2; round++) {
      const sig = round === 0 ? 'SIGTERM' : 'SIGKILL';
      let found = 0;
      for (const ns of this.created) {
        const r = await runTracked('ip', ['netns', 'pids', ns], {}, () => undefined);
        for (const pid of parseNsPids(r.stdout)) {
          found++;
          signalPid(pid, sig);
        }
      }
      if (found === 0) break;
      await sleep(round === 0 ? 1000 : 200);
    }
    // 3. hooks (temp dirs of fixtures built on this LAN)
    for (const fn of this.hooks.splice(0)) {
      try {
        await fn();
      } catch (e) {
        errors.push(`onDestroy hook: ${(e as Error).message}`);
      }
    }
    // 4. the namespaces (hosts first; deleting a host's eth0 removes its switch port too)
    for (const ns of [...this.created].reverse()) {
      const r = await runTracked('ip', ['netns', 'del', ns], {}, () => undefined);
      if (r.code !== 0 && nsExists(ns)) errors.push(`ip netns del ${ns}: ${r.stderr.trim()}`);
    }
    this.created.length = 0;
    forget(this);
    if (errors.length > 0) throw new Error(`LAN ${this.prefix} teardown: ${errors.join('; ')}`);
  }

  /** The 'exit' safety net: synchronous, best effort, never throws. */
  destroySync(): void {
    if (this.syncDestroyed) return;
    this.syncDestroyed = true;
    // SIGTERM first (Xvfb removes its lock file, daemons clean up), SIGKILL what is left after
    // ~1.5 s. The event loop does not run here: a child that died is a zombie, which counts as gone.
    const pids = new Set<number>();
    for (const c of this.children) if (alive(c) && c.pid !== undefined) pids.add(c.pid);
    for (const ns of this.created) {
      const r = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' });
      for (const pid of parseNsPids(r.stdout ?? '')) pids.add(pid);
    }
    for (const pid of pids) signalPid(pid, 'SIGTERM');
    const pause = new Int32Array(new SharedArrayBuffer(4));
    for (let i = 0; i < 30 && [...pids].some(pidAlive); i++) Atomics.wait(pause, 0, 0, 50);
    for (const pid of pids) if (pidAlive(pid)) signalPid(pid, 'SIGKILL');
    for (const fn of this.hooks.splice(0)) {
      try {
        const p = fn();
        if (p instanceof Promise) p.catch(() => undefined);
      } catch {
        /* best effort */
      }
    }
    for (const ns of [...this.created].reverse()) {
      spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    }
    this.created.length = 0;
    forget(this);
  }
}

/** Build a LAN; on failure, whatever was built is torn down again before the error is thrown. */
export async function createLan(opts: CreateLanOptions): Promise<Lan> {
  const can = canUseNamespaces();
  if (!can.ok) throw new Error(`createLan: ${can.reason}`);
  const subnet = opts.subnet ?? '198.18.0';
  const m = /^198\.(18|19)\.(\d{1,3})$/.exec(subnet);
  if (!m || Number(m[2]) > 255) {
    throw new Error(`createLan: subnet must be three octets inside 198.18.0.0/15, got ${subnet}`);
  }
  const prefix = opts.prefix ?? `pg${randomSuffix()}`;
  if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,39}$/.test(prefix)) {
    throw new Error(`createLan: bad prefix ${JSON.stringify(prefix)}`);
  }
  const names = opts.hosts;
  if (names.length === 0 || names.length > 245) {
    throw new Error(`createLan: need 1..245 hosts, got ${names.length}`);
  }
  for (const n of names) {
    if (!NAME_RE.test(n) || n === 'sw' || n.length > 40) {
      throw new Error(`createLan: bad host name ${JSON.stringify(n)}`);
    }
  }
  if (new Set(names).size !== names.length) {
    throw new Error(`createLan: duplicate host names in [${names.join(', ')}]`);
  }
  const lan = new LanImpl(prefix, subnet, names);
  liveLans.add(lan);
  installHooks();
  try {
    await lan.build();
  } catch (e) {
    await lan.destroy().catch(() => undefined);
    throw e;
  }
  return lan;
}

// ---------------------------------------------------------------------------------------------
// a UDP socket inside a host, driven from the test process

export interface UdpDatagram {
  /** Source address and port. */
  from: string;
  port: number;
  data: Buffer;
  /** Date.now() when the test process learnt of it. */
  at: number;
}

export interface UdpEndpoint {
  readonly host: LanHost;
  /** The bound port (the real one when 0 was asked for). */
  readonly port: number;
  /** Everything received so far, in order. */
  readonly received: UdpDatagram[];
  /** Send from this socket (SO_BROADCAST is on); resolves once the kernel took it. */
  send(ip: string, port: number, data: string | Uint8Array): Promise<void>;
  /** Called for every datagram from now on (e.g. to answer it). */
  onDatagram(fn: (d: UdpDatagram) => void): void;
  /** The first datagram, already received or still to come, that matches `pred`. */
  waitFor(pred: (d: UdpDatagram) => boolean, timeoutMs?: number): Promise<UdpDatagram>;
  /** Resolve once nothing new has arrived for `quietMs` (at most `maxMs`). */
  settle(quietMs?: number, maxMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface OpenUdpOptions {
  /** Default 0 (an ephemeral port). */
  port?: number;
  /** Default '0.0.0.0', which also receives broadcasts. */
  address?: string;
}

// Runs inside the namespace (plain node, CommonJS): received datagrams go to stdout as JSON
// lines, send requests come from stdin as JSON lines.
const UDP_AGENT = `
const dgram = require('node:dgram');
const readline = require('node:readline');
const out = (o) => process.stdout.write(JSON.stringify(o) + '\\n');
const s = dgram.createSocket({ type: 'udp4' });
s.on('error', (e) => { out({ t: 'error', message: e.message }); process.exit(1); });
s.on('message', (m, r) => out({ t: 'msg', from: r.address, port: r.port, b64: m.toString('base64') }));
s.bind(Number(process.argv[1]), process.argv[2], () => {
  s.setBroadcast(true);
  out({ t: 'ready', port: s.address().port });
});
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const c = JSON.parse(line);
  s.send(Buffer.from(c.b64, 'base64'), c.port, c.ip, (e) => out({ t: 'sent', id: c.id, error: e ? e.message : null }));
});
process.stdin.on('end', () => s.close(() => process.exit(0)));
`;

interface AgentLine {
  t: 'ready' | 'msg' | 'sent' | 'error';
  port?: number;
  from?: string;
  b64?: string;
  id?: number;
  error?: string | null;
  message?: string;
}

/**
 * Open a UDP socket in `host` (a small node process inside its namespace, spawned through the
 * Lan, so destroy() ends it too).
 */
export function openUdp(lan: Lan, host: HostRef, opts: OpenUdpOptions = {}): Promise<UdpEndpoint> {
  let h: LanHost;
  let child: ChildProcess;
  try {
    h = typeof host === 'string' ? lan.host(host) : host;
    child = lan.spawn(
      h,
      process.execPath,
      ['-e', UDP_AGENT, String(opts.port ?? 0), opts.address ?? '0.0.0.0'],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
  } catch (e) {
    return Promise.reject(e as Error);
  }
  const received: UdpDatagram[] = [];
  const listeners: ((d: UdpDatagram) => void)[] = [];
  const pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let stderr = '';
  let lastAt = Date.now();
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
  child.stdin?.on('error', () => undefined);

  return new Promise((resolve, reject) => {
    let ready = false;
    const fail = (why: string) => {
      const err = new Error(`openUdp in ${h.ns}: ${why}${stderr ? `: ${stderr.trim()}` : ''}`);
      if (!ready) reject(err);
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    };
    child.on('error', (e) => fail(e.message));
    child.on('exit', (code, signal) => fail(`agent exited (${code ?? signal})`));
    let buf = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const m = JSON.parse(line) as AgentLine;
        if (m.t === 'ready') {
          ready = true;
          resolve(endpoint(m.port ?? 0));
        } else if (m.t === 'msg') {
          const d: UdpDatagram = {
            from: m.from ?? '',
            port: m.port ?? 0,
            data: Buffer.from(m.b64 ?? '', 'base64'),
            at: Date.now(),
          };
          lastAt = d.at;
          received.push(d);
          for (const fn of listeners) fn(d);
        } else if (m.t === 'sent') {
          const p = pending.get(m.id ?? -1);
          pending.delete(m.id ?? -1);
          if (m.error) p?.reject(new Error(`send: ${m.error}`));
          else p?.resolve();
        } else {
          fail(m.message ?? 'error');
        }
      }
    });

    const endpoint = (port: number): UdpEndpoint => ({
      host: h,
      port,
      received,
      send(ip, dport, data) {
        if (!alive(child)) return Promise.reject(new Error(`openUdp in ${h.ns}: closed`));
        const id = nextId++;
        const b64 = Buffer.from(typeof data === 'string' ? Buffer.from(data) : data).toString(
          'base64',
        );
        return new Promise<void>((res, rej) => {
          pending.set(id, { resolve: res, reject: rej });
          child.stdin?.write(`${JSON.stringify({ id, ip, port: dport, b64 })}\n`);
        });
      },
      onDatagram(fn) {
        listeners.push(fn);
      },
      waitFor(pred, timeoutMs = 5000) {
        const hit = received.find(pred);
        if (hit) return Promise.resolve(hit);
        return new Promise((res, rej) => {
          const timer = setTimeout(() => {
            const i = listeners.indexOf(fn);
            if (i >= 0) listeners.splice(i, 1);
            rej(new Error(`no matching datagram in ${h.ns}:${port} within ${timeoutMs} ms`));
          }, timeoutMs);
          const fn = (d: UdpDatagram) => {
            if (!pred(d)) return;
            clearTimeout(timer);
            const i = listeners.indexOf(fn);
            if (i >= 0) listeners.splice(i, 1);
            res(d);
          };
          listeners.push(fn);
        });
      },
      async settle(quietMs = 300, maxMs = 10_000) {
        const end = Date.now() + maxMs;
        lastAt = Math.max(lastAt, Date.now());
        while (Date.now() - lastAt < quietMs && Date.now() < end) await sleep(50);
      },
      async close() {
        child.stdin?.end();
        if (!(await waitExit(child, 2000))) await terminate(child);
      },
    });
  });
}
