/** Numbers of an echo run as people read them, in the UI language. */

const cache = new Map<string, Intl.NumberFormat>();

function nf(lang: string, digits: number): Intl.NumberFormat {
  const key = `${lang}|${digits}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(lang, {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    cache.set(key, f);
  }
  return f;
}

/** Milliseconds with the precision that matters: 0.42, 3.18, 12.4, 180. */
export function formatMs(ms: number | null | undefined, lang: string): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  const abs = Math.abs(ms);
  const digits = abs === 0 ? 0 : abs < 10 ? 2 : abs < 100 ? 1 : 0;
  return nf(lang, digits).format(ms);
}

/** A fraction 0..1 as a percentage: 0, 0.4, 2.5, 12, 100. */
export function formatPercent(fraction: number | null | undefined, lang: string): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '–';
  const pct = fraction * 100;
  const digits = pct === 0 || pct >= 10 || Number.isInteger(pct) ? 0 : 1;
  return `${nf(lang, digits).format(pct)}%`;
}

export function formatCount(n: number, lang: string): string {
  return nf(lang, 0).format(n);
}

/** Bytes, with a thin grouping: 1,472. */
export function formatBytes(n: number | null | undefined, lang: string): string {
  if (n === null || n === undefined) return '–';
  return nf(lang, 0).format(n);
}

/** A setting as typed: up to two decimals, no padding (30, 0.5, 1000). */
export function formatPlain(n: number, lang: string): string {
  return new Intl.NumberFormat(lang, { maximumFractionDigits: 2 }).format(n);
}

/** An axis label: short, no trailing zeros (0, 0.5, 1, 2.5, 10, 250). */
export function formatAxisMs(ms: number, lang: string): string {
  const digits = ms === 0 || ms >= 10 || Number.isInteger(ms) ? 0 : ms >= 1 ? 1 : 2;
  return new Intl.NumberFormat(lang, { maximumFractionDigits: digits }).format(ms);
}
