import type { VerdictCode } from '../diagnostics';
import type { Texts } from './fill';

/** The doctor's verdicts as plain sentences, each with the fix. */
export const VERDICT_TEXTS: Record<VerdictCode, Texts> = {
  ok: {
    en: '{address} answers: Pigeon can reach it and hear from it (round trip {rtt} ms).',
    'zh-CN': '{address} 有应答：Pigeon 能联系到它，也能收到它的消息（往返 {rtt} 毫秒）。',
  },
  'port-in-use': {
    en:
      'Port {port} is used by another program (another IP Messenger client such as iptux or ' +
      'FeiQ, or a second Pigeon): quit it, or people on the LAN will not see you.',
    'zh-CN':
      '端口 {port} 已被其他程序占用（另一个 IP Messenger 类客户端，如 iptux、飞秋，或另一个 Pigeon）：' +
      '请先退出它，否则局域网里的人看不到你。',
  },
  'no-route': {
    en:
      'There is no route to {address} ({error}): it is not on any network this computer is ' +
      'connected to. Check the address, or connect the cable or VPN that leads there.',
    'zh-CN':
      '没有通往 {address} 的路由（{error}）：它不在本机连接的任何网络中。请检查地址，或接上通往那里的网线或 VPN。',
  },
  'their-inbound-blocked': {
    en:
      "{address}'s packets reach you, but yours do not reach it: its firewall drops inbound UDP " +
      '{port}. On {address}, allow UDP and TCP {port} for IP Messenger (on Windows, for the ' +
      'Private and the Public network profile).',
    'zh-CN':
      '{address} 的数据包能到达你，但你的数据包到不了它：它的防火墙拦截了入站 UDP {port}。' +
      '请在 {address} 上为 IP Messenger 放行 UDP 和 TCP {port}（Windows 上专用网络和公用网络都要放行）。',
  },
  'our-inbound-blocked': {
    en:
      '{address} answers when you write first, but what it sends on its own (from a new port) ' +
      'does not get through: your firewall drops unsolicited inbound UDP {port}, so you only ' +
      'hear people right after you write to them. Allow inbound UDP and TCP {port} on this ' +
      'computer.',
    'zh-CN':
      '你先发送时 {address} 能应答，但它主动发来的数据包（来自新端口）进不来：你的防火墙拦截了' +
      '未经请求的入站 UDP {port}，所以只有在你给别人发过消息之后才能收到他们的消息。请在本机放行入站 UDP 和 TCP {port}。',
  },
  'different-subnet': {
    en:
      '{address} is on a different subnet ({subnet}), so broadcasts do not reach it, although ' +
      'it answers directly: add {subnet} to the unicast hosts?',
    'zh-CN':
      '{address} 在另一个子网（{subnet}），广播到不了它，但直接发送能收到应答：要把 {subnet} 加入单播主机列表吗？',
  },
  'different-subnet-silent': {
    en:
      '{address} is on a different subnet ({subnet}) and does not answer: check that a router ' +
      'connects the two networks and lets UDP {port} through, then add {subnet} to the unicast ' +
      'hosts.',
    'zh-CN':
      '{address} 在另一个子网（{subnet}），而且没有应答：请确认有路由器连通这两个网络并放行 UDP {port}，' +
      '然后把 {subnet} 加入单播主机列表。',
  },
  'broadcast-blocked': {
    en:
      '{address} answers directly but not to broadcasts: the network drops them (Wi-Fi client ' +
      'isolation, or a switch or firewall that filters broadcasts). Add {address} to the ' +
      'unicast hosts.',
    'zh-CN':
      '{address} 能直接应答，但收不到广播：网络丢弃了广播（Wi-Fi 客户端隔离，或交换机、防火墙过滤了广播）。' +
      '请把 {address} 加入单播主机列表。',
  },
  'broadcast-not-checked': {
    en:
      'Whether broadcasts reach {address} was not checked, since that check announces you to ' +
      'everyone on the LAN. If {address} answers here but is missing from your list of people, ' +
      'run: pigeon doctor {address} --broadcast-check',
    'zh-CN':
      '没有检查广播能否到达 {address}，因为这项检查会向局域网里的所有人宣告你上线。' +
      '如果 {address} 在这里有应答，却不在你的联系人列表中，请运行：pigeon doctor {address} --broadcast-check',
  },
  'we-dropped-messages': {
    en:
      'This Pigeon turned away {count} messages from {address} over its flood limits: they were ' +
      'not acknowledged, so a real sender sends them again a moment later. If {address} keeps ' +
      'sending that much, it floods the LAN (or someone forges its address).',
    'zh-CN':
      '本机 Pigeon 因超出防洪限制拒收了来自 {address} 的 {count} 条消息：这些消息没有被确认，' +
      '真实的发送方稍后会重新发送。如果 {address} 一直发送这么多，说明它在刷屏（或有人冒用它的地址）。',
  },
  'we-withheld-answers': {
    en:
      'This Pigeon did not send {count} answers to {address} (presence answers, probe-back or ' +
      'replies over their budgets): it asked for more than any client needs, or someone forges ' +
      'its address.',
    'zh-CN':
      '本机 Pigeon 没有向 {address} 发送 {count} 个应答（超出预算的上线应答、回探或回复）：' +
      '它请求的数量超过了任何客户端的需要，或有人冒用它的地址。',
  },
  'tcp-blocked': {
    en:
      'Chat works, but files will fail: TCP {port} on {address} does not answer (a firewall ' +
      'drops it). Allow TCP {port} on {address}.',
    'zh-CN':
      '聊天正常，但文件传输会失败：{address} 的 TCP {port} 没有响应（被防火墙拦截）。请在 {address} 上放行 TCP {port}。',
  },
  'tcp-refused': {
    en: '{address} refuses TCP {port}: chat works, but its client does not accept file transfers.',
    'zh-CN': '{address} 拒绝了 TCP {port} 连接：聊天正常，但它的客户端不接受文件传输。',
  },
  'not-running': {
    en:
      '{address} is up, but nothing listens on port {port}: IP Messenger (or Pigeon, iptux, ' +
      'FeiQ) is not running there.',
    'zh-CN':
      '{address} 在线，但端口 {port} 上没有程序监听：那台电脑上没有运行 IP Messenger（或 Pigeon、iptux、飞秋）。',
  },
  'udp-blocked': {
    en:
      '{address} is up and TCP {port} answers, but no UDP comes back: a firewall drops UDP ' +
      '{port} (inbound on {address}, or inbound on this computer).',
    'zh-CN':
      '{address} 在线，TCP {port} 也有响应，但没有 UDP 回来：防火墙拦截了 UDP {port}（{address} 的入站方向，或本机的入站方向）。',
  },
  lossy: {
    en:
      '{address} answers, but {loss}% of the probes were lost: a weak Wi-Fi link or a ' +
      'congested network; messages will need retries.',
    'zh-CN': '{address} 有应答，但 {loss}% 的探测包丢失了：Wi-Fi 信号弱或网络拥塞，消息需要重发。',
  },
  'firewall-somewhere': {
    en:
      "{address}'s machine is on the network (it answers ARP), but nothing comes back on UDP " +
      'or TCP {port}: a firewall drops the traffic, on {address} or on this computer, or IP ' +
      'Messenger is not running there.',
    'zh-CN':
      '{address} 的电脑在网络上（它响应了 ARP），但 UDP 和 TCP {port} 都没有回应：' +
      '{address} 或本机的防火墙拦截了流量，或者那台电脑没有运行 IP Messenger。',
  },
  silent: {
    en:
      '{address} does not answer at all: it is switched off or disconnected, or a firewall ' +
      'drops everything from you.',
    'zh-CN': '{address} 完全没有应答：它已关机或断网，或者防火墙拦截了来自你的所有数据。',
  },
  'other-interface': {
    en:
      'Packets to {address} leave through {iface}, not through {expected}, whose subnet ' +
      '{address} is in (a VPN or a second network adapter takes the route).',
    'zh-CN':
      '发往 {address} 的数据包从 {iface} 发出，而不是从它所在子网的网卡 {expected} 发出（VPN 或另一块网卡接管了路由）。',
  },
};
