import type { ChatMessage, DeliveryState } from '../../../shared/model';

const MIN = 60_000;
const DAY = 86_400_000;

/**
 * A time `days` ago at hh:mm local time. Today's samples (all before noon) are squeezed into
 * the part of today that has passed, so early in the morning they are still in the past.
 */
function at(days: number, hh: number, mm: number): number {
  const d = new Date();
  d.setDate(d.getDate() - days);
  d.setHours(hh, mm, 0, 0);
  const midnight = new Date().setHours(0, 0, 0, 0);
  if (days > 0 || Date.now() > midnight + 12 * 60 * MIN) return d.getTime();
  const minutes = hh * 60 + mm;
  return Math.floor(midnight + (minutes / 720) * (Date.now() - midnight - 2 * MIN));
}

let seq = 0;
function msg(
  peerId: string,
  direction: 'in' | 'out',
  time: number,
  text: string,
  extra: Partial<ChatMessage> = {},
): ChatMessage {
  const delivered: DeliveryState = { state: 'delivered', at: time + 400 };
  return {
    id: `demo-${++seq}`,
    peerId,
    direction,
    text,
    at: time,
    broadcast: false,
    ...(direction === 'out' ? { delivery: delivered } : {}),
    ...extra,
  };
}

// "当前版本有问题" in GBK, which the demo pretends failed to decode.
const GBK_BYTES = 'tbHHsLDmsb7T0M7KzOI=';

export function sampleConversations(): Map<string, ChatMessage[]> {
  const zhang = '192.168.1.23:2425';
  const alice = '192.168.1.31:2425';
  const lina = '192.168.1.45:2425';
  const max = '192.168.1.52:2425';
  const hetao = '192.168.1.80:2425';
  const map = new Map<string, ChatMessage[]>();
  map.set(zhang, [
    msg(zhang, 'in', at(2, 9, 12), '早，今天的站会改到十点半'),
    msg(zhang, 'out', at(2, 9, 13), '好的，收到'),
    msg(zhang, 'in', at(1, 14, 2), '接口文档放在 http://wiki.lan/api/v2 了，有空看一下'),
    msg(zhang, 'out', at(1, 14, 5), 'OK，我下午看。顺便问下测试环境的地址是多少？'),
    msg(zhang, 'in', at(1, 14, 6), '192.168.1.200:8080，账号还是老的'),
    msg(zhang, 'in', at(0, 9, 41), '', {
      undecodable: { rawBase64: GBK_BYTES, encoding: 'GB18030' },
    }),
    msg(zhang, 'out', at(0, 9, 45), '刚才那条消息乱码了，能再发一次吗？', {
      delivery: {
        state: 'failed',
        code: 'no-ack',
        params: { peer: '张伟 (192.168.1.23)', attempts: 5, seconds: 5, port: 2425 },
      },
    }),
    msg(zhang, 'in', at(0, 10, 2), '当前版本有问题，我换成 UTF-8 再发一次 😄'),
    msg(zhang, 'out', at(0, 10, 3), '收到，谢谢！\n下午三点我们再对一下发布清单。', {
      delivery: { state: 'sent', attempts: 2 },
    }),
  ]);
  map.set(alice, [
    msg(alice, 'in', at(3, 16, 20), 'Hi! Are the new icons ready for review?'),
    msg(
      alice,
      'out',
      at(3, 16, 31),
      'Almost — I pushed the light variants. Dark ones tomorrow morning.',
    ),
    msg(
      alice,
      'in',
      at(0, 11, 15),
      'The mockups are up at https://figma.example.com/file/pigeon-v2 (page "Chat"). I tried the compact density from FeiQ: two lines per contact, 52 px rows, group headers you can fold. Tell me what you think before Friday.',
    ),
    msg(
      alice,
      'out',
      at(0, 11, 20),
      'Looks great. One nit: the unread badge is a bit loud in dark mode.',
    ),
    msg(
      alice,
      'in',
      at(0, 11, 42),
      'Release notes draft, v2.0:\n1. Chat list with compact density and folding groups\n2. Echo test with size sweep\n3. Dark mode for every screen',
      { incomplete: { received: 3, total: 4 } },
    ),
  ]);
  map.set(lina, [
    msg(lina, 'out', at(0, 8, 55), '娜姐，市场部的周报模板还在共享盘吗？'),
    msg(lina, 'in', at(0, 9, 30), '在的，\\\\fileserver\\市场部\\周报模板.docx'),
    msg(lina, 'in', at(0, 9, 31), '有问题随时找我 🙂'),
  ]);
  map.set(max, [
    msg(max, 'in', at(0, 10, 48), 'Kaffee? ☕ Coffee in 5 minutes, 3rd floor kitchen.'),
  ]);
  map.set(hetao, [
    msg(hetao, 'out', at(1, 18, 2), '何涛，明天的评审材料发我一份？', {
      delivery: {
        state: 'failed',
        code: 'no-ack',
        params: { peer: '何涛 (192.168.1.41)', attempts: 5, seconds: 5, port: 2425 },
      },
    }),
  ]);
  return map;
}

export const SAMPLE_UNREAD: Record<string, number> = {
  '192.168.1.45:2425': 2,
  '192.168.1.52:2425': 1,
};

const LINES = [
  '收到',
  '好的，我看一下',
  'Build #%n passed on all targets.',
  '这个问题我复现了，日志贴在下面：\nERROR dgram send EPERM\n    at Socket.send',
  'Can you check the packet capture from the 3rd floor switch?',
  '👍',
  '测试消息 %n：中文、English、数字 12345 混排，看看换行和宽度是否正常。',
  'ok',
];

/** 10,000 messages over a month, for the long-conversation scroll test. */
export function loadTestConversation(peerId: string, count = 10_000): ChatMessage[] {
  const start = Date.now() - 30 * DAY;
  const step = (30 * DAY - 10 * MIN) / count;
  const list: ChatMessage[] = [];
  for (let i = 0; i < count; i++) {
    const text = (LINES[i % LINES.length] as string).replace('%n', String(i + 1));
    list.push(msg(peerId, i % 3 === 0 ? 'out' : 'in', Math.floor(start + i * step), text));
  }
  return list;
}
