import { describe, expect, it } from 'vitest';
import { decodeText } from '../../../shared/protocol';
import { wireName } from './wire-name';

describe('wireName', () => {
  it('writes a name in the peer encoding', () => {
    const bytes = wireName('季度报告.txt', 'gbk');
    expect(decodeText(bytes, 'gbk')).toEqual({ ok: true, text: '季度报告.txt' });
  });

  it("turns only the characters the encoding lacks into '_'", () => {
    const bytes = wireName('报告 🎉.txt', 'gbk');
    expect(decodeText(bytes, 'gbk')).toEqual({ ok: true, text: '报告 _.txt' });
  });
});
