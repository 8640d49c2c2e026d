import type { ClientKind, Peer, WireEncoding } from '../../../shared/model';

/** Demo peers: Chinese and English nicks, every client kind, groups, away and offline. */

const VERSIONS: Record<ClientKind, string> = {
  pigeon: '1_pigeon 0.1.0',
  ipmsg: '1_lbt80_0#128#3C970E8E5ABC#0#0#0#4001#9',
  iptux: '1_iptux 0.8.3',
  feiq: '1_lbt6_0#128#E0D55E2E3B1A#0#0#0#4001#9',
  unknown: '1',
};

const ENCODING: Record<ClientKind, WireEncoding> = {
  pigeon: 'utf-8',
  ipmsg: 'utf-8',
  iptux: 'utf-8',
  feiq: 'gbk',
  unknown: 'gb18030',
};

export function makePeer(
  octet: number,
  nick: string,
  group: string,
  client: ClientKind,
  host: string,
  opts: {
    away?: boolean;
    online?: boolean;
    user?: string;
    subnet?: string;
    seenAgoMs?: number;
  } = {},
): Peer {
  const address = `${opts.subnet ?? '192.168.1'}.${octet}`;
  return {
    id: `${address}:2425`,
    address,
    port: 2425,
    nick,
    group,
    user: opts.user ?? host.toLowerCase().split('-')[0] ?? 'user',
    host,
    client,
    version: VERSIONS[client],
    encoding: ENCODING[client],
    capabilities: {
      utf8: client !== 'feiq',
      files: client !== 'iptux',
      echo: client === 'pigeon',
      proof: client === 'pigeon',
      dialup: false,
    },
    away: opts.away ?? false,
    online: opts.online ?? true,
    announced: true,
    lastSeen: Date.now() - (opts.seenAgoMs ?? 5_000),
  };
}

export function samplePeers(): Peer[] {
  return [
    makePeer(23, '张伟', '研发部', 'feiq', 'ZHANGWEI-PC'),
    makePeer(31, 'Alice Chen', 'Design', 'pigeon', 'alice-mbp'),
    makePeer(45, '李娜', '市场部', 'iptux', 'lina-thinkpad'),
    makePeer(
      52,
      'Maximilian Alexander von Hohenzollern-Sigmaringen',
      'Design',
      'ipmsg',
      'MAX-WORKSTATION-DESIGN-STUDIO-03',
    ),
    makePeer(60, '王芳', '研发部', 'feiq', 'WANGFANG-PC', { away: true }),
    makePeer(61, '刘洋', '研发部', 'iptux', 'liuyang-ubuntu'),
    makePeer(62, '陈静', '财务部', 'feiq', 'CW-CHENJING'),
    makePeer(63, 'Bob Smith', 'QA', 'pigeon', 'bob-laptop'),
    makePeer(64, '赵磊', '研发部', 'pigeon', 'zhaolei-dev'),
    makePeer(65, '孙丽', '市场部', 'feiq', 'SUNLI-PC', { away: true }),
    makePeer(66, '周杰', '财务部', 'ipmsg', 'ZHOUJIE'),
    makePeer(67, 'Carol Davis', 'QA', 'iptux', 'carol-fedora'),
    makePeer(68, '吴敏', '市场部', 'feiq', 'WUMIN-NB'),
    makePeer(69, '超长昵称测试用户名字非常非常长的一位同事', '研发部', 'feiq', 'LONG-NAME-PC'),
    makePeer(70, 'printer-room', '', 'unknown', 'PRINTSRV'),
    makePeer(71, '郑浩', '', 'iptux', 'zhenghao-pc'),
    makePeer(72, 'Dave Wilson', 'Design', 'pigeon', 'dave-imac', { away: true }),
    makePeer(73, '黄晓明', '行政部', 'feiq', 'HUANGXM-PC'),
    makePeer(74, '林小燕', '行政部', 'ipmsg', 'LINXY-PC'),
    makePeer(75, '压力测试 Load test', 'QA', 'pigeon', 'loadgen-01'),
    makePeer(80, '何涛', '研发部', 'feiq', 'HETAO-PC', { online: false, seenAgoMs: 3 * 3600_000 }),
    makePeer(81, 'Eve Martin', 'Design', 'ipmsg', 'eve-pc', {
      online: false,
      seenAgoMs: 26 * 3600_000,
    }),
    makePeer(82, '马云飞', '市场部', 'iptux', 'mayf-pc', { online: false, seenAgoMs: 90_000 }),
  ];
}

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余于杜叶程苏魏吕丁任沈姚卢';
const GIVEN =
  '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰飞鹏辉建国宇浩然欣怡晨阳雪梅子轩';
const EN_FIRST = [
  'Alex',
  'Sam',
  'Jordan',
  'Taylor',
  'Morgan',
  'Casey',
  'Riley',
  'Jamie',
  'Avery',
  'Quinn',
];
const EN_LAST = [
  'Lee',
  'Wong',
  'Garcia',
  'Brown',
  'Kim',
  'Nguyen',
  'Patel',
  'Müller',
  'Rossi',
  'Sato',
];
const GROUPS = [
  '研发部',
  '市场部',
  '财务部',
  '行政部',
  '测试组',
  'Design',
  'QA',
  'Sales',
  'Support',
  '',
];
const KINDS: ClientKind[] = [
  'feiq',
  'feiq',
  'iptux',
  'ipmsg',
  'pigeon',
  'feiq',
  'iptux',
  'unknown',
];

/** A deterministic crowd for the 1,000-peer scroll test (demo.html?peers=1000). */
export function crowd(count: number): Peer[] {
  let seed = 42;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const pick = <T>(list: readonly T[] | string): T => list[Math.floor(rand() * list.length)] as T;
  const peers: Peer[] = [];
  for (let i = 0; i < count; i++) {
    const english = rand() < 0.25;
    const nick = english
      ? `${pick<string>(EN_FIRST)} ${pick<string>(EN_LAST)}`
      : pick<string>(SURNAMES) + pick<string>(GIVEN) + (rand() < 0.5 ? pick<string>(GIVEN) : '');
    const subnet = `10.${20 + Math.floor(i / 250)}.${Math.floor((i % 250) / 250)}`;
    peers.push(
      makePeer((i % 250) + 2, nick, pick(GROUPS), pick(KINDS), `PC-${1000 + i}`, {
        subnet,
        away: rand() < 0.08,
        online: rand() > 0.1,
        seenAgoMs: Math.floor(rand() * 86_400_000),
      }),
    );
  }
  return peers;
}
