import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatRate, percent, secondsLeft } from './format-size';

describe('sizes, rates and time left', () => {
  it('says sizes in binary units with one decimal below ten', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1 KB');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(12 * 1024 + 900)).toBe('12 KB');
    expect(formatBytes(3.46 * 1024 ** 3)).toBe('3.4 GB');
    expect(formatBytes(5 * 1024 ** 5)).toBe('5120 TB');
    // A folder whose size is not known yet, or a hostile value: nothing rather than nonsense.
    expect(formatBytes(-1)).toBe('');
    expect(formatBytes(Number.NaN)).toBe('');
  });

  it('says rates per second', () => {
    expect(formatRate(2.5 * 1024 * 1024)).toBe('2.5 MB/s');
    expect(formatRate(-5)).toBe('');
  });

  it('works out the time left only when it can', () => {
    expect(secondsLeft(0, 1000, 100)).toBe(10);
    expect(secondsLeft(950, 1000, 100)).toBe(1);
    expect(secondsLeft(0, 1000, 0)).toBeUndefined();
    expect(secondsLeft(0, 1000, undefined)).toBeUndefined();
    expect(secondsLeft(0, -1, 100)).toBeUndefined();
    expect(secondsLeft(2000, 1000, 100)).toBeUndefined();
  });

  it('says durations in two parts at most, in either language', () => {
    expect(formatDuration(45, 'en')).toBe('45 s');
    expect(formatDuration(125, 'en')).toBe('2 min 5 s');
    expect(formatDuration(120, 'en')).toBe('2 min');
    expect(formatDuration(3 * 3600 + 180 + 7, 'en')).toBe('3 h 3 min');
    expect(formatDuration(125, 'zh-CN')).toBe('2 分 5 秒');
    expect(formatDuration(3600, 'zh-CN')).toBe('1 小时');
  });

  it('never shows 100% before the last byte', () => {
    expect(percent(999, 1000)).toBe(99);
    expect(percent(1000, 1000)).toBe(100);
    expect(percent(10, 0)).toBe(0);
    expect(percent(-5, 100)).toBe(0);
  });
});
