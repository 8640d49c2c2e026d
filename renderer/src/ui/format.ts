/** Dates and times in the UI's language; one formatter per language, reused. */

const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(lang: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${lang}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(lang, options);
    cache.set(key, f);
  }
  return f;
}

export function startOfDay(at: number): number {
  const d = new Date(at);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

export function sameDay(a: number, b: number): boolean {
  return startOfDay(a) === startOfDay(b);
}

export function formatTime(at: number, lang: string): string {
  return formatter(lang, { hour: '2-digit', minute: '2-digit', hour12: false }).format(at);
}

/** "Today" and "Yesterday" come from the caller (they are translated strings). */
export function formatDay(
  at: number,
  lang: string,
  words: { today: string; yesterday: string },
  now = Date.now(),
): string {
  const day = startOfDay(at);
  const today = startOfDay(now);
  if (day === today) return words.today;
  if (day === startOfDay(today - 36e5 * 12)) return words.yesterday;
  const sameYear = new Date(at).getFullYear() === new Date(now).getFullYear();
  if (today - day < 6 * 864e5)
    return formatter(lang, { weekday: 'long', month: 'long', day: 'numeric' }).format(at);
  return formatter(lang, {
    year: sameYear ? undefined : 'numeric',
    month: 'long',
    day: 'numeric',
  }).format(at);
}

/** Short stamp for lists: time today, weekday this week, else a short date. */
export function formatListStamp(
  at: number,
  lang: string,
  yesterday: string,
  now = Date.now(),
): string {
  const day = startOfDay(at);
  const today = startOfDay(now);
  if (day === today) return formatTime(at, lang);
  if (day === startOfDay(today - 36e5 * 12)) return yesterday;
  if (today - day < 6 * 864e5) return formatter(lang, { weekday: 'short' }).format(at);
  return formatter(lang, { year: '2-digit', month: 'numeric', day: 'numeric' }).format(at);
}

/** A day and time in full ("December 14, 10:32"): when something ends, such as the outbox's hold. */
export function formatDeadline(at: number, lang: string): string {
  return formatter(lang, {
    month: 'long',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(at);
}
