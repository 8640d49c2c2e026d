import fs from 'node:fs';
import path from 'node:path';
import type { StoredSettings } from '../../../shared/model';
import { ensureDataDir, writeDataFile } from '../io/data-dir';

/**
 * settings.json in the data directory: what the person chose in the app or with flags. Read
 * leniently (a damaged file is moved aside, never lost, and defaults apply) and written
 * atomically and owner-only (data-dir.ts).
 */
export const SETTINGS_FILE = 'settings.json';

export type { StoredSettings };

const STRING_KEYS = [
  'nick',
  'group',
  'user',
  'host',
  'bind',
  'downloadDir',
  'awayMessage',
] as const;

export function loadStoredSettings(dataDir: string): {
  settings: StoredSettings;
  warning?: string;
} {
  const file = path.join(dataDir, SETTINGS_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { settings: {} };
  }
  try {
    const raw: unknown = JSON.parse(text);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw new Error('not an object');
    return { settings: pickKnown(raw as Record<string, unknown>) };
  } catch (err) {
    const aside = `${file}.broken-${Date.now()}`;
    try {
      fs.renameSync(file, aside);
    } catch {
      /* leave it where it is */
    }
    return {
      settings: {},
      warning: `${file} could not be read (${String(err)}); moved to ${aside}, using defaults`,
    };
  }
}

export function saveStoredSettings(dataDir: string, settings: StoredSettings): void {
  ensureDataDir(dataDir);
  writeDataFile(path.join(dataDir, SETTINGS_FILE), `${JSON.stringify(settings, null, 2)}\n`);
}

function pickKnown(raw: Record<string, unknown>): StoredSettings {
  const out: StoredSettings = {};
  for (const k of STRING_KEYS) if (typeof raw[k] === 'string') out[k] = raw[k];
  if (typeof raw.port === 'number') out.port = raw.port;
  if (Array.isArray(raw.broadcast))
    out.broadcast = raw.broadcast.filter((x): x is string => typeof x === 'string');
  if (Array.isArray(raw.unicastHosts))
    out.unicastHosts = raw.unicastHosts.filter((x): x is string => typeof x === 'string');
  if (raw.legacyEncoding === 'gb18030' || raw.legacyEncoding === 'cp932')
    out.legacyEncoding = raw.legacyEncoding;
  if (typeof raw.answerEcho === 'boolean') out.answerEcho = raw.answerEcho;
  if (typeof raw.away === 'boolean') out.away = raw.away;
  if (typeof raw.doNotDisturb === 'boolean') out.doNotDisturb = raw.doNotDisturb;
  if (raw.language === 'zh-CN' || raw.language === 'en' || raw.language === 'system')
    out.language = raw.language;
  if (raw.theme === 'light' || raw.theme === 'dark' || raw.theme === 'system')
    out.theme = raw.theme;
  return out;
}
