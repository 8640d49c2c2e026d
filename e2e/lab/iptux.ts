/**
 * A real iptux (Debian's iptux 0.8.3), headless, in one host namespace of a Lan.
 *
 * Per instance: its own Xvfb display (a free number from 90 up, checked against
 * /tmp/.X<n>-lock), a private dbus-daemon session bus, a temporary HOME with a pre-seeded
 * ~/.iptux/config.json (iptux has no first-run dialog), and iptux itself in its own UTS namespace
 * so that its "host" field is a name we choose. iptux runs with `-l DEBUG`, which hex-dumps every
 * UDP datagram it sends and receives into the captured log (logPath).
 *
 * All three processes get a clean environment and are started through lan.spawn(), whose pid is
 * the real program's pid (`ip netns exec`, `unshare` and `sh -c exec` all exec() in place), so
 * they are only ever signalled by their own pid, and the Lan kills them on destroy() as well.
 *
 * iptux binds 0.0.0.0:2425 inside its namespace; do not make it bind the host address itself:
 * Linux does not deliver broadcasts to a UDP socket bound to a unicast address.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve as resolvePath } from 'node:path';
import {
  alive,
  canUseNamespaces,
  pidAlive,
  terminate,
  waitExit,
  type Availability,
  type ExecResult,
  type Lan,
  type LanHost,
} from './netns-lan';

export interface StartIptuxOptions {
  /** Nickname (default 'iptux-peer'). */
  nick?: string;
  /** Group (default 'lab'). */
  group?: string;
  /** Host name iptux sees in its own UTS namespace and sends (default: the LAN host's name). */
  hostname?: string;
  /** How long to wait for 2425/udp+tcp to be bound (default 60 s). */
  timeoutMs?: number;
}

export interface IptuxWindow {
  id: string;
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One UDP datagram iptux logged at DEBUG level (it dumps every one it sends or receives). */
export interface IptuxDatagram {
  /** Log timestamp, e.g. '2026-11-27 05:56:12.955'. */
  time: string;
  dir: 'sent' | 'received';
  /** Destination (sent) or source (received) address and port. */
  peer: string;
  port: number;
  bytes: Buffer;
  /** The IPMsg command number (5th ':' field), or NaN when it does not parse. */
  command: number;
}

export interface Iptux {
  readonly host: LanHost;
  /** The address peers reach it at (its host's eth0). */
  readonly ip: string;
  readonly nick: string;
  readonly group: string;
  readonly hostname: string;
  /** X display number of its Xvfb. */
  readonly display: number;
  /** iptux's own pid. */
  readonly pid: number;
  /** Temporary folder of this instance: home/, iptux.log, xvfb.log, dbus.log, bus. */
  readonly runDir: string;
  readonly homeDir: string;
  readonly configPath: string;
  /** Where files accepted with acceptFiles() are saved (archive_path). */
  readonly receivedDir: string;
  /** iptux's stdout+stderr at DEBUG level. */
  readonly logPath: string;
  readonly running: boolean;
  /**
   * Graceful quit: activate iptux's `app.quit` action on its private bus (iptux then sends
   * BR_EXIT to every pal it knows), wait up to 3 s, then SIGTERM/SIGKILL whatever is left of
   * iptux, dbus-daemon and Xvfb. `graceful` tells whether iptux exited by itself.
   */
  stop(): Promise<{ graceful: boolean }>;
  /** SIGTERM iptux (it sends no BR_EXIT), then its dbus-daemon and Xvfb. */
  kill(): Promise<void>;
  /** Open (or find) the chat window for peer `ip` (must be in iptux's pal list); its X id. */
  openChat(ip: string): Promise<string>;
  /** Type `text` into the chat window for `ip` (xdotool type, CJK works), then Ctrl+Return. */
  chatSend(ip: string, text: string): Promise<void>;
  /**
   * Press "Accept" in the chat window's "Files to be received" pane and confirm the folder
   * chooser (preset to receivedDir). Positions fit the fixed window layout of our config.
   */
  acceptFiles(ip: string): Promise<void>;
  /**
   * Offer files (kind 'files') or folders ('folder') to the peer at `ip`, as a person would: in
   * the chat window press Ctrl+S ("Files") or Ctrl+D ("Dirs"), type each absolute path into the
   * GTK chooser's location bar (Ctrl+L) and confirm, once per path (each pick is appended to the
   * "File to send." list), then Ctrl+Return (Send). Resolves once iptux logged the
   * SENDMSG|FILEATTACHOPT datagram to `ip`. Paths must exist in iptux's filesystem view.
   */
  offerFiles(ip: string, paths: readonly string[], kind: 'files' | 'folder'): Promise<void>;
  /** PNG of the whole Xvfb screen (ImageMagick `import -window root`); returns the path. */
  screenshot(pngPath: string): Promise<string>;
  /** Visible top-level windows. */
  windows(): Promise<IptuxWindow[]>;
  /** The whole DEBUG log so far. */
  logText(): string;
  /** Every UDP datagram in the log so far, in log order. */
  udpLog(): IptuxDatagram[];
  /** Wait until udpLog() has a datagram matching `pred`; returns it. */
  waitForDatagram(pred: (d: IptuxDatagram) => boolean, timeoutMs?: number): Promise<IptuxDatagram>;
  /**
   * Wait until each of `ips` has announced itself `entries` times (BR_ENTRY). A Pigeon repeats
   * its start-up entry after 3 s, as IP Messenger does. iptux 0.8.3 rewrites an open chat
   * window's text from its network thread when a pal announces itself, and if GTK is drawing
   * that window at the same moment (xdotool typing, a screenshot) iptux can crash in
   * gtk_text_layout (SIGSEGV, seen in about one suite run in ten). So GUI work waits for the
   * start-up entries to be over.
   */
  waitForEntries(ips: readonly string[], entries?: number, timeoutMs?: number): Promise<void>;
  /** Wait until the log matches `pattern`; returns the match. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** .config/iptux/log/communicate.log (iptux's chat log), or null while there is none. */
  chatLog(): string | null;
  /**
   * What to print when a test against iptux fails: whether it still runs, the state of each of
   * its threads (a GTK app that stops reading its socket shows here), its UDP sockets' queues
   * and the end of its log. Tells an iptux that froze from a Pigeon that did not send.
   */
  diagnose(): Promise<string>;
  /** Run an X/D-Bus client (xdotool, gdbus, ...) in iptux's namespace and environment. */
  run(cmd: string, args?: readonly string[], timeoutMs?: number): Promise<ExecResult>;
}

const APP_ID = 'io.github.iptux_src.iptux';
const APP_PATH = '/io/github/iptux_src/iptux';
const TOOLS = [
  'iptux',
  'Xvfb',
  'xdpyinfo',
  'xdotool',
  'import',
  'dbus-daemon',
  'gdbus',
  'unshare',
  'hostname',
  'ss',
  'timeout',
];
const APT_HINT =
  'apt-get install -y iptux xvfb x11-utils xdotool imagemagick dbus libglib2.0-bin ' +
  'fonts-droid-fallback fonts-noto-cjk';
const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const IPV4_RE = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/;

let availability: Availability | undefined;

/** Namespaces usable and every tool iptux needs installed (synchronous, cached). */
export function canRunIptux(): Availability {
  availability ??= probeIptux();
  return availability;
}

function probeIptux(): Availability {
  const ns = canUseNamespaces();
  if (!ns.ok) return ns;
  const missing = TOOLS.filter(
    (t) =>
      spawnSync('sh', ['-c', 'command -v "$0"', t], {
        stdio: 'ignore',
        env: { PATH: SYSTEM_PATH },
      }).status !== 0,
  );
  if (missing.length > 0) {
    return { ok: false, reason: `missing ${missing.join(', ')} (${APT_HINT})` };
  }
  return { ok: true };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function tail(path: string, lines = 25): string {
  try {
    const all = readFileSync(path, 'utf8').trimEnd().split('\n');
    return all.slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function checkIp(ip: string): void {
  if (!IPV4_RE.test(ip)) throw new Error(`not an IPv4 address: ${JSON.stringify(ip)}`);
}

/** A display number without a lock file or socket; Xvfb itself still refuses a taken one. */
function pickDisplay(tried: Set<number>): number {
  for (let i = 0; i < 200; i++) {
    const n = 90 + randomInt(0, 900);
    if (tried.has(n)) continue;
    tried.add(n);
    if (!existsSync(`/tmp/.X${n}-lock`) && !existsSync(`/tmp/.X11-unix/X${n}`)) return n;
  }
  throw new Error('no free X display number found in 90..989');
}

function seedConfig(home: string, nick: string, group: string): string {
  // .config/iptux/log must exist before iptux starts, or on a first start it never opens its
  // chat log (communicate.log)
  for (const d of ['.iptux', '.config/iptux/log', '.cache', '.local/share', 'received']) {
    mkdirSync(join(home, d), { recursive: true });
  }
  // keys as read by iptux 0.8.3 ProgramData::ReadProgData / CoreThread
  const cfg = {
    version: 1,
    nick_name: nick,
    belong_group: group,
    my_icon: 'icon-tux.png',
    personal_sign: '',
    archive_path: join(home, 'received'),
    candidacy_encode: 'gb18030,utf-16',
    preference_encode: 'utf-8',
    pal_icon: 'icon-qq.png',
    panel_font: 'Sans Serif 10',
    open_chat: true, // pop the chat window when a message arrives
    hide_startup: false,
    open_transmission: false,
    use_enter_key: false, // send = Ctrl+Return
    clearup_history: false,
    record_log: true,
    open_blacklist: false,
    proof_shared: false,
    access_shared_limit: '',
    send_message_retry_in_us: 1000000,
    scan_net_segment: [],
    shared_file_list: [],
    // fixed window layout, so that screenshots and clicks are reproducible
    main_window_width: 300,
    main_window_height: 560,
    peer_window_width: 940,
    peer_window_height: 560,
    peer_main_paned_divide: 480,
  };
  const path = join(home, '.iptux', 'config.json');
  writeFileSync(path, JSON.stringify(cfg, null, 2));
  return path;
}

class IptuxImpl implements Iptux {
  readonly ip: string;
  readonly homeDir: string;
  readonly configPath: string;
  readonly receivedDir: string;
  readonly logPath: string;
  display = 0;
  private env: NodeJS.ProcessEnv = {};
  private xvfb: ChildProcess | undefined;
  private dbus: ChildProcess | undefined;
  private iptux: ChildProcess | undefined;
  private stopping: Promise<{ graceful: boolean }> | undefined;
  private readonly lan: Lan;
  readonly host: LanHost;
  readonly nick: string;
  readonly group: string;
  readonly hostname: string;
  readonly runDir: string;

  constructor(
    lan: Lan,
    host: LanHost,
    nick: string,
    group: string,
    hostname: string,
    runDir: string,
  ) {
    this.lan = lan;
    this.host = host;
    this.nick = nick;
    this.group = group;
    this.hostname = hostname;
    this.runDir = runDir;
    this.ip = host.ip;
    this.homeDir = join(runDir, 'home');
    this.receivedDir = join(this.homeDir, 'received');
    this.logPath = join(runDir, 'iptux.log');
    this.configPath = seedConfig(this.homeDir, nick, group);
  }

  get pid(): number {
    return this.iptux?.pid ?? -1;
  }

  get running(): boolean {
    return this.iptux !== undefined && alive(this.iptux);
  }

  private makeEnv(display: number): NodeJS.ProcessEnv {
    const h = this.homeDir;
    return {
      PATH: SYSTEM_PATH,
      HOME: h,
      USER: 'iptux',
      LOGNAME: 'iptux',
      LANG: 'C.UTF-8',
      LC_ALL: 'C.UTF-8',
      XDG_CONFIG_HOME: join(h, '.config'),
      XDG_CACHE_HOME: join(h, '.cache'),
      XDG_DATA_HOME: join(h, '.local/share'),
      XDG_RUNTIME_DIR: join(this.runDir, 'xdg-runtime'),
      DISPLAY: `:${display}`,
      DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(this.runDir, 'bus')}`,
      NO_AT_BRIDGE: '1',
      GTK_A11Y: 'none',
      GDK_BACKEND: 'x11',
      // the input method typeText relies on for Ctrl+Shift+U (no ibus or fcitx in the lab)
      GTK_IM_MODULE: 'gtk-im-context-simple',
      GSETTINGS_BACKEND: 'memory',
    };
  }

  /** Start a daemon in our namespace with stdout+stderr appended to runDir/<log>. */
  private launch(cmd: string, args: readonly string[], log: string): ChildProcess {
    const fd = openSync(join(this.runDir, log), 'a');
    try {
      const child = this.lan.spawn(this.host, cmd, args, {
        env: this.env,
        stdio: ['ignore', fd, fd],
      });
      child.on('error', () => undefined);
      return child;
    } finally {
      closeSync(fd);
    }
  }

  run(cmd: string, args: readonly string[] = [], timeoutMs = 15_000): Promise<ExecResult> {
    return this.lan.exec(this.host, cmd, args, { env: this.env, timeoutMs });
  }

  private async waitFor(
    what: string,
    timeoutMs: number,
    check: () => Promise<boolean>,
    watch: ChildProcess[] = [],
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await check()) return;
      const dead = watch.find((c) => !alive(c));
      if (dead) throw new Error(`${what}: process exited (${dead.exitCode ?? dead.signalCode})`);
      if (Date.now() > deadline) throw new Error(`${what}: timed out after ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  async start(timeoutMs: number): Promise<void> {
    mkdirSync(join(this.runDir, 'xdg-runtime'), { recursive: true, mode: 0o700 });
    // 1. Xvfb on a free display (another run may grab the same number: then try another)
    const tried = new Set<number>();
    for (let attempt = 1; ; attempt++) {
      const n = pickDisplay(tried);
      this.display = n;
      this.env = this.makeEnv(n);
      const xvfb = this.launch(
        'Xvfb',
        [`:${n}`, '-screen', '0', '1280x800x24', '-nolisten', 'tcp', '-noreset'],
        'xvfb.log',
      );
      this.xvfb = xvfb;
      try {
        await this.waitFor(
          `Xvfb :${n}`,
          20_000,
          async () => (await this.run('xdpyinfo', [], 5000)).code === 0,
          [xvfb],
        );
        break;
      } catch (e) {
        await terminate(xvfb);
        if (attempt >= 5) {
          throw new Error(`${(e as Error).message}\n${tail(join(this.runDir, 'xvfb.log'))}`, {
            cause: e,
          });
        }
      }
    }
    // 2. a private session bus
    const bus = join(this.runDir, 'bus');
    const dbus = this.launch(
      'dbus-daemon',
      ['--session', '--nofork', '--nopidfile', `--address=unix:path=${bus}`],
      'dbus.log',
    );
    this.dbus = dbus;
    await this.waitFor('dbus-daemon', 10_000, async () => existsSync(bus), [dbus]).catch((e) => {
      throw new Error(`${(e as Error).message}\n${tail(join(this.runDir, 'dbus.log'))}`, {
        cause: e,
      });
    });
    // 3. iptux, in its own UTS namespace (unshare and sh exec() in place: pid = iptux's)
    const iptux = this.launch(
      'unshare',
      [
        '--uts',
        'sh',
        '-c',
        'hostname "$0" && exec "$@"',
        this.hostname,
        'iptux',
        '-c',
        this.configPath,
        '-l',
        'DEBUG',
      ],
      'iptux.log',
    );
    this.iptux = iptux;
    const pid = iptux.pid;
    if (pid === undefined) throw new Error('iptux did not start (no pid)');
    const owns = async (flags: string) => {
      const r = await this.lan.exec(this.host, 'ss', ['-H', flags, 'sport = :2425'], {
        timeoutMs: 5000,
      });
      return r.stdout.includes(`pid=${pid},`);
    };
    try {
      await this.waitFor(
        `iptux (pid ${pid}) binding 2425/udp+tcp`,
        timeoutMs,
        async () => (await owns('-uanp')) && (await owns('-tlnp')),
        [iptux],
      );
      await this.waitFor(
        'iptux main window',
        20_000,
        async () => (await this.findWindows('^Iptux')).length > 0,
        [iptux],
      );
    } catch (e) {
      throw new Error(`${(e as Error).message}; tail of ${this.logPath}:\n${tail(this.logPath)}`, {
        cause: e,
      });
    }
  }

  private async findWindows(nameRe: string): Promise<string[]> {
    const r = await this.run('xdotool', ['search', '--onlyvisible', '--name', nameRe], 5000);
    return r.stdout.split('\n').filter((l) => /^\d+$/.test(l.trim()));
  }

  private async xdo(args: readonly string[]): Promise<ExecResult> {
    return this.run('xdotool', args);
  }

  private async xdoCheck(args: readonly string[]): Promise<ExecResult> {
    const r = await this.xdo(args);
    if (r.code !== 0) throw new Error(`xdotool ${args.join(' ')} failed: ${r.stderr.trim()}`);
    return r;
  }

  private async gdbusActivate(action: string, param: string): Promise<ExecResult> {
    return this.run(
      'timeout',
      [
        '3',
        'gdbus',
        'call',
        '--session',
        '--timeout',
        '2',
        '--dest',
        APP_ID,
        '--object-path',
        APP_PATH,
        '--method',
        'org.gtk.Actions.Activate',
        action,
        param,
        '{}',
      ],
      5000,
    );
  }

  stop(): Promise<{ graceful: boolean }> {
    this.stopping ??= this.doStop(true);
    return this.stopping;
  }

  async kill(): Promise<void> {
    this.stopping ??= this.doStop(false);
    await this.stopping;
  }

  private async doStop(gracefully: boolean): Promise<{ graceful: boolean }> {
    let graceful = false;
    const iptux = this.iptux;
    if (
      gracefully &&
      iptux &&
      alive(iptux) &&
      this.dbus &&
      alive(this.dbus) &&
      !this.lan.destroyed
    ) {
      // iptux may exit before it answers the call: do not wait for the reply
      const call = this.gdbusActivate('quit', '[]').catch(() => undefined);
      graceful = await waitExit(iptux, 3000);
      await call;
    }
    if (iptux) await terminate(iptux);
    if (this.dbus) await terminate(this.dbus);
    if (this.xvfb) await terminate(this.xvfb);
    this.removeStaleXLock();
    return { graceful };
  }

  /** A killed Xvfb leaves /tmp/.X<n>-lock and its socket behind: remove them if they are ours. */
  removeStaleXLock(): void {
    const pid = this.xvfb?.pid;
    if (pid === undefined || pidAlive(pid)) return;
    const lock = `/tmp/.X${this.display}-lock`;
    try {
      if (Number(readFileSync(lock, 'utf8').trim()) !== pid) return;
      rmSync(lock, { force: true });
      rmSync(`/tmp/.X11-unix/X${this.display}`, { force: true });
    } catch {
      /* no lock: Xvfb cleaned up itself */
    }
  }

  private async chatWindow(ip: string): Promise<string | undefined> {
    return (await this.findWindows(`IP:${ip.replaceAll('.', '\\.')}$`))[0];
  }

  /** No window manager: place windows ourselves (main at 0,0, chat windows at 310,0). */
  private async arrange(): Promise<void> {
    for (const w of await this.findWindows('^Talk with ')) {
      await this.xdo(['windowmove', '--sync', w, '310', '0']);
    }
  }

  private async focus(w: string): Promise<void> {
    const r = await this.xdo(['windowraise', w, 'windowfocus', '--sync', w]);
    if (r.code !== 0) await this.xdoCheck(['windowfocus', w]);
    await sleep(200);
  }

  async openChat(ip: string): Promise<string> {
    checkIp(ip);
    let w = await this.chatWindow(ip);
    if (w === undefined) {
      // app.open-chat('<ip>') is an action exported by iptux's GtkApplication
      const r = await this.gdbusActivate('open-chat', `[<'${ip}'>]`);
      if (r.code !== 0) throw new Error(`open-chat ${ip}: ${r.stderr.trim()}`);
      for (let i = 0; i < 50 && w === undefined; i++) {
        await sleep(100);
        w = await this.chatWindow(ip);
      }
    }
    if (w === undefined) throw new Error(`no chat window for ${ip} (is it in iptux's pal list?)`);
    await this.arrange();
    return w;
  }

  async chatSend(ip: string, text: string): Promise<void> {
    const w = await this.openChat(ip);
    await this.focus(w);
    // the input text view has the keyboard focus when the chat window opens
    await this.typeText(text);
    await sleep(200);
    await this.xdoCheck(['key', '--clearmodifiers', 'ctrl+Return']);
  }

  /**
   * Type as a person would. Printable ASCII goes through `xdotool type`; any other character is
   * entered with GTK's own Unicode input (Ctrl+Shift+U, hex digits, space). `xdotool type` would
   * bind each such character to a scratch keycode and unbind it `--delay` ms later, and a busy
   * iptux that reads the key event after the unbind loses the character (xdotool issue #375; CI
   * once saw "你好" arrive as "你").
   */
  private async typeText(text: string): Promise<void> {
    for (const run of text.match(/[\x20-\x7e]+|[^\x20-\x7e]/gu) ?? []) {
      if (/^[\x20-\x7e]/.test(run)) {
        await this.xdoCheck(['type', '--delay', '20', '--', run]);
        continue;
      }
      const hex = (run.codePointAt(0) ?? 0).toString(16);
      await this.xdoCheck(['key', '--clearmodifiers', 'ctrl+shift+u']);
      await this.xdoCheck(['type', '--delay', '20', '--', hex]);
      await this.xdoCheck(['key', 'space']);
    }
  }

  async acceptFiles(ip: string): Promise<void> {
    const w = await this.openChat(ip);
    await this.focus(w);
    const g = await this.xdoCheck(['getwindowgeometry', '--shell', w]);
    const geo = parseShell(g.stdout);
    // "Accept" sits 195 px left of the right edge, 77 px down (940x560 layout, paned at 480)
    const x = geo.X + geo.WIDTH - 195;
    const y = geo.Y + 77;
    // no --sync: it waits for a pointer motion, so a second acceptFiles (pointer already at
    // x,y) hangs until xdotool is killed; XTest events are applied in order anyway
    await this.xdoCheck(['mousemove', String(x), String(y), 'click', '1']);
    let chooser: string | undefined;
    for (let i = 0; i < 40 && chooser === undefined; i++) {
      await sleep(100);
      chooser = (await this.findWindows('select a folder'))[0];
    }
    if (chooser === undefined) {
      throw new Error(`folder chooser did not appear after clicking Accept at ${x},${y}`);
    }
    await this.focus(chooser);
    await this.xdoCheck(['key', '--clearmodifiers', 'Return']);
  }

  async offerFiles(ip: string, paths: readonly string[], kind: 'files' | 'folder'): Promise<void> {
    if (paths.length === 0) throw new Error('offerFiles: no paths');
    for (const p of paths) {
      // the location bar takes one path; a newline would confirm the chooser early
      if (!p.startsWith('/') || /[\n\r\t]/.test(p)) {
        throw new Error(`offerFiles: not an absolute one-line path: ${JSON.stringify(p)}`);
      }
    }
    const isOffer = (d: IptuxDatagram) =>
      d.dir === 'sent' &&
      d.peer === ip &&
      (d.command & 0xff) === 0x20 &&
      (d.command & 0x200000) !== 0;
    const before = this.udpLog().filter(isOffer).length;
    const w = await this.openChat(ip);
    // win.attach_file is bound to Ctrl+S and win.attach_folder to Ctrl+D (iptux Application.cpp)
    const [accel, title] =
      kind === 'files'
        ? ['ctrl+s', 'Choose enclosure files']
        : ['ctrl+d', 'Choose enclosure folders'];
    for (const p of paths) {
      await this.focus(w);
      await this.xdoCheck(['key', '--clearmodifiers', accel]);
      const chooser = await this.waitForWindow(title, 5000);
      await this.focus(chooser);
      await this.xdoCheck(['key', '--clearmodifiers', 'ctrl+l']);
      await sleep(200);
      // A folder path needs its trailing '/': without it the location bar completes the '/'
      // inline and Return only accepts that completion, leaving the chooser open.
      await this.typeText(kind === 'folder' && !p.endsWith('/') ? `${p}/` : p);
      // typed keys are processed asynchronously: let the inline completion settle first
      await sleep(300);
      await this.xdoCheck(['key', '--clearmodifiers', 'Return']);
      await this.waitForWindowGone(chooser, 5000).catch(async (e: unknown) => {
        // a chooser left open keeps iptux in its modal loop (no D-Bus quit, no more GUI work)
        await this.xdo(['key', '--window', chooser, 'Escape']);
        throw new Error(`${(e as Error).message} (after typing ${p})`, { cause: e });
      });
    }
    await this.focus(w);
    await this.xdoCheck(['key', '--clearmodifiers', 'ctrl+Return']);
    const deadline = Date.now() + 10_000;
    while (this.udpLog().filter(isOffer).length <= before) {
      if (Date.now() > deadline) {
        throw new Error(`iptux sent no SENDMSG|FILEATTACHOPT to ${ip}:\n${tail(this.logPath)}`);
      }
      await sleep(100);
    }
  }

  private async waitForWindow(nameRe: string, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const w = (await this.findWindows(nameRe))[0];
      if (w !== undefined) return w;
      if (Date.now() > deadline) throw new Error(`no window /${nameRe}/ within ${timeoutMs} ms`);
      await sleep(100);
    }
  }

  private async waitForWindowGone(id: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await this.run('xdotool', ['search', '--onlyvisible', '--name', '.'], 5000);
      if (!r.stdout.split('\n').includes(id)) return;
      if (Date.now() > deadline) throw new Error(`window ${id} still open after ${timeoutMs} ms`);
      await sleep(100);
    }
  }

  async screenshot(pngPath: string): Promise<string> {
    const out = resolvePath(pngPath);
    mkdirSync(dirname(out), { recursive: true });
    await this.arrange();
    await sleep(300);
    const r = await this.run('import', ['-window', 'root', out], 20_000);
    if (r.code !== 0) throw new Error(`import -window root ${out}: ${r.stderr.trim()}`);
    return out;
  }

  async windows(): Promise<IptuxWindow[]> {
    const result: IptuxWindow[] = [];
    for (const id of await this.findWindows('.')) {
      const name = (await this.xdo(['getwindowname', id])).stdout.replace(/\n$/, '');
      const geo = parseShell((await this.xdo(['getwindowgeometry', '--shell', id])).stdout);
      result.push({ id, name, x: geo.X, y: geo.Y, width: geo.WIDTH, height: geo.HEIGHT });
    }
    return result;
  }

  logText(): string {
    try {
      return readFileSync(this.logPath, 'utf8');
    } catch {
      return '';
    }
  }

  async waitForLog(pattern: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.logText().match(pattern);
      if (m) return m;
      if (Date.now() > deadline) {
        throw new Error(
          `iptux log did not match ${pattern} within ${timeoutMs} ms:\n${tail(this.logPath)}`,
        );
      }
      await sleep(100);
    }
  }

  udpLog(): IptuxDatagram[] {
    return parseIptuxUdpLog(this.logText());
  }

  async waitForEntries(ips: readonly string[], entries = 2, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const log = this.udpLog();
      const short = ips.filter(
        (ip) =>
          log.filter((d) => d.dir === 'received' && d.peer === ip && (d.command & 0xff) === 1)
            .length < entries,
      );
      if (short.length === 0) return;
      if (Date.now() > deadline) {
        throw new Error(`iptux did not see ${entries} entries from ${short.join(', ')}`);
      }
      await sleep(100);
    }
  }

  async waitForDatagram(
    pred: (d: IptuxDatagram) => boolean,
    timeoutMs = 10_000,
  ): Promise<IptuxDatagram> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const d = this.udpLog().find(pred);
      if (d) return d;
      if (Date.now() > deadline) {
        throw new Error(
          `iptux logged no matching datagram within ${timeoutMs} ms:\n${tail(this.logPath)}`,
        );
      }
      await sleep(100);
    }
  }

  async diagnose(): Promise<string> {
    const lines = [`iptux pid ${this.pid}: ${pidAlive(this.pid) ? 'running' : 'gone'}`];
    try {
      for (const task of readdirSync(`/proc/${this.pid}/task`)) {
        const dir = `/proc/${this.pid}/task/${task}`;
        const comm = readFileSync(`${dir}/comm`, 'utf8').trim();
        // Field 3 of stat is the state (R running, S sleeping, D disk wait...).
        const state = readFileSync(`${dir}/stat`, 'utf8').split(' ')[2] ?? '?';
        const wchan = readFileSync(`${dir}/wchan`, 'utf8').trim() || '-';
        lines.push(`  thread ${task} ${comm}: ${state} in ${wchan}`);
      }
    } catch (err) {
      lines.push(`  threads: ${err instanceof Error ? err.message : String(err)}`);
    }
    const ss = await this.lan.exec(this.host.name, 'ss', ['-uanp']);
    lines.push(
      'UDP sockets (Recv-Q that does not drain: iptux stopped reading):',
      ss.stdout.trim(),
    );
    lines.push('end of iptux.log:', this.logText().slice(-2500));
    return lines.join('\n');
  }

  chatLog(): string | null {
    const p = join(this.homeDir, '.config', 'iptux', 'log', 'communicate.log');
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return null;
    }
  }
}

const SENT_RE =
  /^\[([^\]]+)\][^\n]*send udp message to ([\d.]+):(\d+), size (\d+)\n((?:[0-9a-f]{8} {2}[^\n]*\n)*)/gm;
const RECEIVED_RE =
  /^\[([^\]]+)\][^\n]*received udp message from ([\d.]+):(\d+), size (\d+)\n"((?:[^"\\\n]|\\.)*)"$/gm;

/** Bytes of a `hexdump -C` style dump (iptux's stringDump). */
function fromHexDump(dump: string): Buffer {
  const bytes: number[] = [];
  for (const line of dump.split('\n')) {
    // "00000000  31 5f 69 ... 38  |1_iptux 0.8.3:1:|": hex columns between offset and '|'
    const cols = line.slice(10).split('|')[0] ?? '';
    for (const h of cols.trim().split(/\s+/))
      if (/^[0-9a-f]{2}$/.test(h)) bytes.push(parseInt(h, 16));
  }
  return Buffer.from(bytes);
}

/** Bytes of iptux's stringDumpAsCString: \xNN, \t, \n, \r, \", \\ escapes, the rest literal. */
function fromCString(s: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? '';
    if (c !== '\\') {
      bytes.push(c.charCodeAt(0) & 0xff);
      continue;
    }
    const e = s[++i] ?? '';
    if (e === 'x') {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(({ t: 9, n: 10, r: 13 } as Record<string, number>)[e] ?? e.charCodeAt(0));
    }
  }
  return Buffer.from(bytes);
}

function commandOf(bytes: Buffer): number {
  const field = bytes.toString('latin1').split(':')[4];
  return field !== undefined && /^\d+$/.test(field) ? Number(field) : NaN;
}

/** Parse the UDP dumps out of an iptux 0.8.3 DEBUG log. */
export function parseIptuxUdpLog(log: string): IptuxDatagram[] {
  const found: { index: number; d: IptuxDatagram }[] = [];
  for (const m of log.matchAll(SENT_RE)) {
    const bytes = fromHexDump(m[5] ?? '');
    found.push({
      index: m.index,
      d: {
        time: m[1] ?? '',
        dir: 'sent',
        peer: m[2] ?? '',
        port: Number(m[3]),
        bytes,
        command: commandOf(bytes),
      },
    });
  }
  for (const m of log.matchAll(RECEIVED_RE)) {
    const bytes = fromCString(m[5] ?? '');
    found.push({
      index: m.index,
      d: {
        time: m[1] ?? '',
        dir: 'received',
        peer: m[2] ?? '',
        port: Number(m[3]),
        bytes,
        command: commandOf(bytes),
      },
    });
  }
  return found.sort((x, y) => x.index - y.index).map((f) => f.d);
}

function parseShell(text: string): { X: number; Y: number; WIDTH: number; HEIGHT: number } {
  const v = (k: string) => Number(new RegExp(`^${k}=(-?\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { X: v('X'), Y: v('Y'), WIDTH: v('WIDTH'), HEIGHT: v('HEIGHT') };
}

/**
 * Start iptux in `hostName` of `lan` and wait until it owns 2425/udp+tcp and its main window is
 * mapped. On failure everything this call started is killed and the error carries the log tail.
 * The temporary folder is removed when the Lan is destroyed (kept when PIGEON_LAB_KEEP=1).
 */
export async function startIptux(
  lan: Lan,
  hostName: string,
  opts: StartIptuxOptions = {},
): Promise<Iptux> {
  const can = canRunIptux();
  if (!can.ok) throw new Error(`startIptux: ${can.reason}`);
  const host = lan.host(hostName);
  const hostname = opts.hostname ?? hostName;
  if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/.test(hostname)) {
    throw new Error(`startIptux: bad hostname ${JSON.stringify(hostname)}`);
  }
  const runDir = mkdtempSync(join(tmpdir(), `pigeon-iptux-${lan.prefix}-`));
  const ix = new IptuxImpl(
    lan,
    host,
    opts.nick ?? 'iptux-peer',
    opts.group ?? 'lab',
    hostname,
    runDir,
  );
  lan.onDestroy(() => {
    ix.removeStaleXLock();
    if (process.env.PIGEON_LAB_KEEP !== '1') rmSync(runDir, { recursive: true, force: true });
  });
  try {
    await ix.start(opts.timeoutMs ?? 60_000);
  } catch (e) {
    await ix.kill();
    throw new Error(`startIptux in ${host.ns} (${host.ip}): ${(e as Error).message}`, { cause: e });
  }
  return ix;
}
