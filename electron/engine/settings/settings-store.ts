import fs from 'node:fs';
import path from 'node:path';
import { SETTINGS_PATCH_KEYS, validateRequest } from '../../../shared/contract';
import type { Outcome, SettingsFileCode, StoredSettings } from '../../../shared/model';
import { ensureDataDir, writeDataFile } from '../io/data-dir';

/**
 * settings.json in the data directory: what the person chose in the app. Read leniently, and
 * never without a word: a damaged file is moved aside (never lost) and defaults apply; a file
 * that cannot be read, or that a newer Pigeon wrote, is used as far as it can be and never
 * overwritten; a value that is not valid falls back to its default and is named. Written
 * atomically and owner-only (data-dir.ts), with the format's version.
 */
export const SETTINGS_FILE = 'settings.json';

/**
 * The format's version, written into every file. Raise it when an older Pigeon would misread
 * what this one writes (a key changing meaning or type); adding a key does not need it.
 */
export const SETTINGS_VERSION = 1;

export type { StoredSettings };

export interface StoredSettingsRead {
  /** The keys that could be read and are valid; the caller's defaults fill the rest. */
  settings: StoredSettings;
  /** What to tell the person (texts/settings.ts), empty when all went well. */
  problems: Outcome<SettingsFileCode>[];
  /** Why the file must not be overwritten (it could not be read, or a newer Pigeon wrote it). */
  keep?: 'unreadable' | 'newer';
}

/** Refused to overwrite a settings file that is kept as it is (see StoredSettingsRead.keep). */
export class SettingsKeptError extends Error {
  readonly outcome: Outcome<'settings-not-saved'>;
  constructor(readonly file: string) {
    super(`${file} is kept as it is (unreadable, or written by a newer Pigeon): not saved`);
    this.outcome = { code: 'settings-not-saved', params: { file } };
  }
}

export function settingsFile(dataDir: string): string {
  return path.join(dataDir, SETTINGS_FILE);
}

export function loadStoredSettings(dataDir: string): StoredSettingsRead {
  const file = settingsFile(dataDir);
  const read = readSettingsText(file);
  if (read.kind === 'missing') return { settings: {}, problems: [] };
  if (read.kind === 'unreadable') return unreadable(file, read.error);
  let raw: Record<string, unknown>;
  try {
    raw = parseObject(read.text);
  } catch (err) {
    return moveAside(file, errorText(err));
  }
  const version = raw.version;
  if (typeof version === 'number' && Number.isInteger(version) && version > SETTINGS_VERSION) {
    // Keys may have changed meaning there: take what still reads as valid, name nothing.
    return {
      settings: pickValid(raw).settings,
      problems: [{ code: 'settings-newer', params: { file, version, ours: SETTINGS_VERSION } }],
      keep: 'newer',
    };
  }
  const { settings, invalid } = pickValid(raw);
  // No version: written before versions were (read as ours). Anything else is a damaged value.
  if (version !== undefined && !(Number.isInteger(version) && (version as number) >= 0))
    invalid.unshift('version');
  return {
    settings,
    problems: invalid.length
      ? [{ code: 'settings-invalid-keys', params: { file, keys: invalid.join(', ') } }]
      : [],
  };
}

/**
 * Writes the settings with the format's version, unless the file on disk is kept: one a newer
 * Pigeon wrote, or one that cannot be read, is the person's and not ours to replace.
 */
export function saveStoredSettings(dataDir: string, settings: StoredSettings): void {
  const file = settingsFile(dataDir);
  if (keptOnDisk(file)) throw new SettingsKeptError(file);
  ensureDataDir(dataDir);
  const body = { version: SETTINGS_VERSION, ...settings };
  writeDataFile(file, `${JSON.stringify(body, null, 2)}\n`);
}

/** Whether the file on disk must not be overwritten; reads it without moving anything. */
export function keptOnDisk(file: string): boolean {
  const read = readSettingsText(file);
  if (read.kind === 'missing') return false;
  if (read.kind === 'unreadable') return true;
  try {
    const version = parseObject(read.text).version;
    return typeof version === 'number' && version > SETTINGS_VERSION;
  } catch {
    // A damaged file is replaced: loading moved it aside, or it broke since and holds nothing.
    return false;
  }
}

type TextRead =
  { kind: 'text'; text: string } | { kind: 'missing' } | { kind: 'unreadable'; error: string };

function readSettingsText(file: string): TextRead {
  try {
    return { kind: 'text', text: fs.readFileSync(file, 'utf8') };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'unreadable', error: errorText(err) };
  }
}

function parseObject(text: string): Record<string, unknown> {
  const raw: unknown = JSON.parse(text);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new Error(`not a JSON object but ${raw === null ? 'null' : typeof raw}`);
  return raw as Record<string, unknown>;
}

function unreadable(file: string, error: string): StoredSettingsRead {
  return {
    settings: {},
    problems: [{ code: 'settings-unreadable', params: { file, error } }],
    keep: 'unreadable',
  };
}

function moveAside(file: string, error: string): StoredSettingsRead {
  const aside = `${file}.broken-${Date.now()}`;
  try {
    fs.renameSync(file, aside);
  } catch (err) {
    // It stays where it is, so it must not be overwritten either.
    return unreadable(file, `${error}; it could not be moved aside: ${errorText(err)}`);
  }
  return {
    settings: {},
    problems: [{ code: 'settings-corrupt', params: { file, aside, error } }],
  };
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.startsWith(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

/** The keys the person sets in the app, checked by the contract's own settings:update guard. */
const PATCH_KEYS: readonly string[] = SETTINGS_PATCH_KEYS;

/** Keys only flags or a hand edit put there; checked here. */
const ASCII_NAME = /^[\x21-\x39\x3b-\x7e]{1,64}$/; // printable ASCII without ':' (packet header)

function pickValid(raw: Record<string, unknown>): { settings: StoredSettings; invalid: string[] } {
  const invalid: string[] = [];
  const patch: Record<string, unknown> = {};
  for (const key of PATCH_KEYS) {
    if (raw[key] === undefined) continue;
    const r = validateRequest('settings:update', { [key]: raw[key] });
    if (r.ok) Object.assign(patch, r.value);
    else invalid.push(key);
  }
  const settings = patch as StoredSettings;
  const other = <K extends keyof StoredSettings>(
    key: K,
    valid: (v: unknown) => v is StoredSettings[K],
  ): void => {
    const v = raw[key];
    if (v === undefined) return;
    if (valid(v)) settings[key] = v;
    else invalid.push(key);
  };
  const asciiName = (v: unknown): v is string => typeof v === 'string' && ASCII_NAME.test(v);
  other('user', asciiName);
  other('host', asciiName);
  other('downloadDir', (v): v is string => typeof v === 'string' && v.trim().length > 0);
  other('legacyEncoding', (v): v is 'gb18030' | 'cp932' => v === 'gb18030' || v === 'cp932');
  other('answerEcho', (v): v is boolean => typeof v === 'boolean');
  return { settings, invalid };
}
