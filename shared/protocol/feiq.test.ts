import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { cleanFeiqText, FEIQ_IMAGE_PLACEHOLDER, feiqTextBytes, parseFeiqVersion } from './feiq';

const TAIL = '{/font;-16 0 0 0 400 0 0 0 134 0 0 2 32 微软雅黑 8404992;}';

describe('cleanFeiqText', () => {
  it('strips the font tail', () => {
    expect(cleanFeiqText(`你好，今天开会吗？${TAIL}`)).toBe('你好，今天开会吗？');
  });

  it('strips a tail followed by whitespace', () => {
    expect(cleanFeiqText(`ok${TAIL} \n`)).toBe('ok');
  });

  it('keeps a font description that is not at the end (it is text someone typed)', () => {
    expect(cleanFeiqText(`quote ${TAIL} here`)).toBe(`quote ${TAIL} here`);
  });

  it('replaces inline image markers with a placeholder', () => {
    expect(cleanFeiqText(`看图/~#>{A1B2C3D4-1234}<B~好看吗${TAIL}`)).toBe(
      `看图${FEIQ_IMAGE_PLACEHOLDER}好看吗`,
    );
    expect(cleanFeiqText('/~#>ID1<B~/~#>ID2<B~')).toBe(FEIQ_IMAGE_PLACEHOLDER.repeat(2));
  });

  it('leaves emoticon codes and ordinary text alone', () => {
    expect(cleanFeiqText('boom /:bomb')).toBe('boom /:bomb');
    expect(cleanFeiqText('{not a tail}')).toBe('{not a tail}');
    expect(cleanFeiqText('')).toBe('');
  });

  it('does not blow up on a long hostile input', () => {
    const evil = '{/font;' + '{'.repeat(50_000) + '/~#>' + 'x'.repeat(50_000);
    const started = Date.now();
    expect(cleanFeiqText(evil)).toBe(evil);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('parseFeiqVersion', () => {
  it('reads the MAC from a 1_lbt6 version', () => {
    expect(parseFeiqVersion('1_lbt6_0#128#001122334455#0#0#0#4001#9')).toEqual({
      mac: '001122334455',
    });
  });

  it('upper-cases the MAC of a 1_lbt4 version', () => {
    expect(parseFeiqVersion('1_lbt4_10#128#c8600015c0a8#0#0#0#311c#9')).toEqual({
      mac: 'C8600015C0A8',
    });
  });

  it('returns nothing when there is no MAC', () => {
    expect(parseFeiqVersion('1_lbt6_0')).toEqual({});
    expect(parseFeiqVersion('1_lbt6_0#128#xyz#0')).toEqual({});
    expect(parseFeiqVersion('1_iptux 0.8.3')).toEqual({});
  });
});

describe('feiqTextBytes', () => {
  const gbk = (t: string) => new Uint8Array(iconv.encode(t, 'gbk'));
  const utf8 = (t: string) => new TextEncoder().encode(t);
  const join = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
  const tail = join(gbk('{/font;-16 0 0 0 400 0 0 0 134 0 0 2 32 微软雅黑 8404992;}'));

  it('cuts the GBK font tail off a UTF-8 text, and off a GBK one', () => {
    expect(feiqTextBytes(join(utf8('完成✓了'), tail))).toEqual(utf8('完成✓了'));
    expect(feiqTextBytes(join(gbk('谢谢'), tail))).toEqual(gbk('谢谢'));
  });

  it('keeps a body without a tail whole, and cuts at the last tail only', () => {
    expect(feiqTextBytes(utf8('👍'))).toEqual(utf8('👍'));
    const quoted = join(utf8('see {/font;x} here'), tail);
    expect(new TextDecoder().decode(feiqTextBytes(quoted))).toBe('see {/font;x} here');
    // A font description someone typed mid-text, with no tail after it, is text.
    const typed = utf8('quote {/font;x} here');
    expect(feiqTextBytes(typed)).toEqual(typed);
  });
});
