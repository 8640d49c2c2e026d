/**
 * What a person (or a test) configures. The engine is constructed with these and nothing else,
 * so two engines can run side by side in one process.
 */
export interface EngineSettings {
  nick: string;
  group: string;
  /** Login name in the packet header: ASCII, no ':', never empty. */
  user: string;
  /** Host name in the packet header: ASCII, no ':', never empty. */
  host: string;
  /** Address the UDP and TCP sockets bind to (0.0.0.0 on a real LAN). */
  bind: string;
  port: number;
  /** Broadcast targets; empty means the defaults (255.255.255.255 plus each interface's broadcast). */
  broadcast: string[];
  /** Extra hosts or subnets (CIDR) that get a unicast BR_ENTRY|DIALUPOPT. */
  unicastHosts: string[];
  /** Legacy encoding for peers that send neither UTF8OPT nor an encoding name. */
  legacyEncoding: 'gb18030' | 'cp932';
  /** Where settings and, later, history live. */
  dataDir: string;
  /** Where accepted files go unless the person picks another folder. */
  downloadDir: string;
  /** Answer Pigeon echo probes (on by default). */
  answerEcho: boolean;
  /**
   * Away (IPMsg's absence mode): our entries carry ABSENCEOPT and the nick shows "[away]", and a
   * message from an announced peer gets `awayMessage` back once per peer per period (AUTORETOPT).
   */
  away: boolean;
  /** The automatic reply while away; empty: the default text (DEFAULT_AWAY_MESSAGE). */
  awayMessage: string;
}

/** The automatic reply when the person set none (both languages: the peer's is unknown). */
export const DEFAULT_AWAY_MESSAGE = "I'm away from my desk right now. / 我现在不在座位上。";
/** The longest away message, in characters (one datagram carries it to every client). */
export const AWAY_MESSAGE_MAX_CHARS = 500;

export type Language = 'zh-CN' | 'en' | 'system';
export type Theme = 'light' | 'dark' | 'system';

/**
 * The one settings shape: what the engine runs with plus the UI's preferences. What is saved
 * (settings.json), what the UI sees (AppSettings) and what it may change (SettingsPatch) are
 * views of it, so a new setting is added in one place.
 */
export type Settings = EngineSettings & {
  language: Language;
  theme: Theme;
} & DesktopPrefs;

/** How the desktop app behaves around its window; the Electron shell applies them. */
export interface DesktopPrefs {
  /** Desktop notifications for messages and file offers that arrive while the window is away. */
  notifications: boolean;
  /** Start Pigeon when the person logs in (login items; an XDG autostart entry on Linux). */
  startAtLogin: boolean;
  /** Closing the window hides it to the tray instead of quitting Pigeon. */
  minimizeToTray: boolean;
  /**
   * Do not disturb: no notifications and no flashing, whatever `notifications` says; messages
   * still arrive and count. Apart from `notifications`, so turning it off brings that choice back.
   */
  doNotDisturb: boolean;
}

/** settings.json: any subset of the settings; the data directory is where it lives, not in it. */
export type StoredSettings = Partial<Omit<Settings, 'dataDir'>>;
