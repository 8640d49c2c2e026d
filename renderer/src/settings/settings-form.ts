import type { TFunction } from 'i18next';
import { isHostSpec, isIpv4, isPort, LIMITS } from '../../../shared/contract';
import type { AppSettings, SettingsPatch } from '../../../shared/contract';

/** The editable fields as the form holds them: strings, lists one entry per line. */
export interface SettingsForm {
  nick: string;
  group: string;
  port: string;
  bind: string;
  broadcast: string;
  unicastHosts: string;
}

export type FormErrors = Partial<Record<keyof SettingsForm, string>>;

export function formFrom(s: AppSettings): SettingsForm {
  return {
    nick: s.nick,
    group: s.group,
    port: String(s.port),
    bind: s.bind,
    broadcast: s.broadcast.join('\n'),
    unicastHosts: s.unicastHosts.join('\n'),
  };
}

export function lines(text: string): string[] {
  return text
    .split(/[\n,;]+/)
    .map((l) => l.trim())
    .filter(Boolean);
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function checkName(value: string, t: TFunction, required: boolean, max: number) {
  if (required && !value.trim()) return t('settings.nickEmpty');
  if ([...value].length > max) return t('settings.tooLong', { max });
  if (CONTROL.test(value)) return t('settings.noControl');
  return undefined;
}

function checkList(text: string, ok: (v: string) => boolean, t: TFunction, key: string) {
  const list = lines(text);
  const bad = list.findIndex((v) => !ok(v));
  if (bad < 0) return undefined;
  return t(key, { line: bad + 1, value: list[bad] });
}

export function validateForm(form: SettingsForm, t: TFunction): FormErrors {
  const checks: [keyof SettingsForm, string | undefined][] = [
    ['nick', checkName(form.nick, t, true, LIMITS.nickChars)],
    ['group', checkName(form.group, t, false, LIMITS.groupChars)],
    [
      'port',
      /^\d+$/.test(form.port.trim()) && isPort(Number(form.port))
        ? undefined
        : t('settings.invalidPort'),
    ],
    ['bind', isIpv4(form.bind.trim()) ? undefined : t('settings.invalidBind')],
    ['broadcast', checkList(form.broadcast, isIpv4, t, 'settings.invalidIpv4Line')],
    ['unicastHosts', checkList(form.unicastHosts, isHostSpec, t, 'settings.invalidHostLine')],
  ];
  return Object.fromEntries(checks.filter(([, error]) => error !== undefined)) as FormErrors;
}

/** Only what changed, so saving a nick does not touch the network settings. */
export function patchFrom(form: SettingsForm, s: AppSettings): SettingsPatch {
  const patch: SettingsPatch = {};
  if (form.nick.trim() !== s.nick) patch.nick = form.nick.trim();
  if (form.group.trim() !== s.group) patch.group = form.group.trim();
  const port = Number(form.port);
  if (port !== s.port) patch.port = port;
  if (form.bind.trim() !== s.bind) patch.bind = form.bind.trim();
  const broadcast = lines(form.broadcast);
  if (broadcast.join('\n') !== s.broadcast.join('\n')) patch.broadcast = broadcast;
  const hosts = lines(form.unicastHosts);
  if (hosts.join('\n') !== s.unicastHosts.join('\n')) patch.unicastHosts = hosts;
  return patch;
}

/**
 * Ticks or unticks one interface's broadcast address in the broadcast field. An empty field
 * means "every interface", so the first untick writes the others out; the order typed is kept.
 */
export function toggleBroadcastTarget(
  text: string,
  address: string,
  interfaceBroadcasts: readonly string[],
): string {
  const typed = lines(text);
  const current = typed.length ? typed : [...interfaceBroadcasts];
  const next = current.includes(address)
    ? current.filter((a) => a !== address)
    : [...current, address];
  return next.join('\n');
}

/** Whether an interface's broadcast address is a target (an empty field means all of them). */
export function isBroadcastTarget(text: string, address: string): boolean {
  const typed = lines(text);
  return typed.length === 0 || typed.includes(address);
}
