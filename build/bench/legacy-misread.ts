import iconv from 'iconv-lite';
import { legacyOrUtf8, type LegacyEncoding } from '../../shared/protocol/legacy-or-utf8';
import {
  CHINESE_FILLERS,
  CP932_JAPANESE,
  GB2312_HANZI,
  GBK_IDEOGRAPHS,
} from '../../shared/protocol/testing/legacy-samples';

/**
 * How often legacyOrUtf8 reads a legacy text as UTF-8: random texts of 1–10 characters (and of
 * exactly 2, the worst length), encoded in their code page, counted when the rule says UTF-8.
 * The figures are quoted in shared/protocol/legacy-or-utf8.ts. Usage: legacy-misread.ts [N]
 */

const n = Number(process.argv[2] ?? 1_000_000);

interface Corpus {
  name: string;
  pool: readonly string[];
  fillers: readonly string[];
  encoding: LegacyEncoding;
  codePage: 'gbk' | 'cp932';
}

const corpora: Corpus[] = [
  {
    name: 'GB2312 + punctuation, GBK',
    pool: GB2312_HANZI,
    fillers: CHINESE_FILLERS,
    encoding: 'gb18030',
    codePage: 'gbk',
  },
  {
    name: 'any GBK ideograph, GBK',
    pool: GBK_IDEOGRAPHS,
    fillers: [],
    encoding: 'gb18030',
    codePage: 'gbk',
  },
  {
    name: 'Japanese, CP932',
    pool: CP932_JAPANESE,
    fillers: [],
    encoding: 'cp932',
    codePage: 'cp932',
  },
];

const pick = (a: readonly string[]) => a[Math.floor(Math.random() * a.length)] ?? '';

for (const c of corpora) {
  for (const [min, max] of [
    [1, 10],
    [2, 2],
  ] as const) {
    let misread = 0;
    const example: string[] = [];
    for (let i = 0; i < n; i++) {
      const length = min + Math.floor(Math.random() * (max - min + 1));
      let text = '';
      for (let j = 0; j < length; j++) {
        text += c.fillers.length && Math.random() < 0.2 ? pick(c.fillers) : pick(c.pool);
      }
      const bytes = new Uint8Array(iconv.encode(text, c.codePage));
      if (legacyOrUtf8(bytes, c.encoding) === 'utf-8') {
        misread++;
        if (example.length < 3) example.push(text);
      }
    }
    const rate = (misread / n) * 100;
    console.log(
      `${c.name.padEnd(28)} length ${min}-${max}: ${misread}/${n} misread (${rate.toFixed(5)}%)`,
      example.join(' '),
    );
  }
}
