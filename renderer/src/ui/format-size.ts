/** Sizes, rates and durations for people: binary units (as file managers on Windows show them). */

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/** 0 B, 999 B, 1.5 KB, 12 KB, 3.4 GB; negative or not finite (unknown) gives an empty string. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  // One decimal while it says something (1.5 KB), none from 10 up (12 KB).
  const shown = value < 10 ? (Math.floor(value * 10) / 10).toFixed(1) : String(Math.floor(value));
  return `${shown.replace(/\.0$/, '')} ${UNITS[unit]}`;
}

export function formatRate(bytesPerSecond: number): string {
  const size = formatBytes(bytesPerSecond);
  return size && `${size}/s`;
}

/** Seconds until done at this rate; undefined when it cannot be said (no rate, unknown size). */
export function secondsLeft(
  bytes: number,
  total: number,
  rate: number | undefined,
): number | undefined {
  if (rate === undefined || !(rate > 0) || total < 0 || bytes > total) return undefined;
  return Math.ceil((total - bytes) / rate);
}

const DURATION_WORDS = {
  en: { h: 'h', min: 'min', s: 's', sep: ' ' },
  'zh-CN': { h: '小时', min: '分', s: '秒', sep: ' ' },
} as const;

/** 45 s, 2 min 5 s, 1 h 3 min (zh-CN: 45 秒, 2 分 5 秒, 1 小时 3 分); at most two parts. */
export function formatDuration(seconds: number, lang: string): string {
  const w = lang === 'zh-CN' ? DURATION_WORDS['zh-CN'] : DURATION_WORDS.en;
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const part = (n: number, unit: string) => `${n}${w.sep}${unit}`;
  if (h > 0) return m > 0 ? `${part(h, w.h)} ${part(m, w.min)}` : part(h, w.h);
  if (m > 0) return sec > 0 ? `${part(m, w.min)} ${part(sec, w.s)}` : part(m, w.min);
  return part(sec, w.s);
}

/** Whole percent, never 100 before the last byte (a bar that says 100% must be done). */
export function percent(bytes: number, total: number): number {
  if (!(total > 0)) return 0;
  const p = Math.floor((bytes / total) * 100);
  return Math.max(0, Math.min(bytes >= total ? 100 : 99, p));
}
