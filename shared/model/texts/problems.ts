import type { RequestProblemCode } from '../outcome';
import type { Texts } from './fill';

/**
 * What is wrong with a request or a setting a person gave (invalid settings, echo, size sweep,
 * reach and doctor requests), one code per mistake, so the UI shows it in the person's language
 * and the CLI prints the English one. Each says what would be right.
 */
export const PROBLEM_TEXTS: Record<RequestProblemCode, Texts> = {
  'nick-empty': {
    en: 'nick is empty: choose a name others will see',
    'zh-CN': '昵称为空：请选择一个别人能看到的名字',
  },
  'nick-too-long': {
    en: 'nick is longer than {max} characters',
    'zh-CN': '昵称超过了 {max} 个字符',
  },
  'group-too-long': {
    en: 'group is longer than {max} characters',
    'zh-CN': '分组名超过了 {max} 个字符',
  },
  'away-message-nul': {
    en: 'the away message cannot contain NUL',
    'zh-CN': '离开留言不能包含 NUL 字符',
  },
  'name-nul': {
    en: 'nick and group cannot contain NUL',
    'zh-CN': '昵称和分组名不能包含 NUL 字符',
  },
  'user-invalid': {
    en: "user {value} must be non-empty printable ASCII without ':'",
    'zh-CN': '用户名 {value} 必须是非空的可打印 ASCII 字符，且不含“:”',
  },
  'host-invalid': {
    en: "host {value} must be non-empty printable ASCII without ':'",
    'zh-CN': '主机名 {value} 必须是非空的可打印 ASCII 字符，且不含“:”',
  },
  'bind-invalid': {
    en: 'bind address {value} is not an IPv4 address',
    'zh-CN': '绑定地址 {value} 不是 IPv4 地址',
  },
  'port-invalid': {
    en: 'port {value} is not between 1 and 65535',
    'zh-CN': '端口 {value} 不在 1 到 65535 之间',
  },
  'broadcast-invalid': {
    en: 'broadcast target {value} is not an IPv4 address',
    'zh-CN': '广播地址 {value} 不是 IPv4 地址',
  },
  'hosts-invalid': {
    en: '{value} is not an IPv4 address or subnet',
    'zh-CN': '{value} 不是 IPv4 地址或子网',
  },
  'hosts-prefix-invalid': {
    en: '{value}: prefix /{bits} is above /32',
    'zh-CN': '{value}：前缀 /{bits} 超过了 /32',
  },
  'hosts-too-large': {
    en: '{value}: subnets larger than /22 are not swept (too many hosts)',
    'zh-CN': '{value}：不扫描大于 /22 的子网（主机太多）',
  },
  'target-invalid': {
    en: '{to} is not an IPv4 address (or ADDRESS:PORT)',
    'zh-CN': '{to} 不是 IPv4 地址（或 地址:端口）',
  },
  'target-port-invalid': {
    en: '{to}: the port is not 1..65535',
    'zh-CN': '{to}：端口不在 1 到 65535 之间',
  },
  'echo-mode-unknown': {
    en: 'unknown echo mode {mode} (pigeon, ipmsg, raw)',
    'zh-CN': '未知的回声模式 {mode}（可用 pigeon、ipmsg、raw）',
  },
  'count-out-of-range': {
    en: 'count must be a whole number from 1 to {max}',
    'zh-CN': '次数必须是 1 到 {max} 之间的整数',
  },
  'interval-out-of-range': {
    en: 'interval must be from {min} to {max} ms',
    'zh-CN': '间隔必须在 {min} 到 {max} 毫秒之间',
  },
  'interval-out-of-range-ipmsg': {
    en: 'interval must be from {min} to {max} ms in ipmsg mode',
    'zh-CN': 'ipmsg 模式下间隔必须在 {min} 到 {max} 毫秒之间',
  },
  'timeout-out-of-range': {
    en: 'timeout must be from {min} to {max} ms',
    'zh-CN': '超时必须在 {min} 到 {max} 毫秒之间',
  },
  'size-out-of-range': {
    en: 'size must be a whole number of bytes from 1 to {max}',
    'zh-CN': '大小必须是 1 到 {max} 之间的整数字节数',
  },
  'probe-back-out-of-range': {
    en: 'probe back must be 0 to {max} probes',
    'zh-CN': '回探次数必须在 0 到 {max} 之间',
  },
  'probe-back-needs-pigeon': {
    en: 'only Pigeon peers can probe back (mode pigeon)',
    'zh-CN': '只有 Pigeon 对端才能回探（pigeon 模式）',
  },
  'sweep-mode': {
    en: 'size sweeps need mode pigeon or raw',
    'zh-CN': '大小扫描需要 pigeon 或 raw 模式',
  },
  'sweep-sizes': {
    en: 'sizes must be whole numbers with {min} <= min <= max <= {max}',
    'zh-CN': '大小必须是整数，且 {min} <= 最小值 <= 最大值 <= {max}',
  },
  'sweep-tries': {
    en: 'tries must be 1..{max}',
    'zh-CN': '尝试次数必须在 1 到 {max} 之间',
  },
  'reach-invalid': {
    en: 'a reach check needs mode pigeon or ipmsg and a timeout above 0 ms',
    'zh-CN': '广播可达检查需要 pigeon 或 ipmsg 模式，且超时大于 0 毫秒',
  },
  'engine-not-running': {
    en: 'Pigeon is not running',
    'zh-CN': 'Pigeon 没有在运行',
  },
};
