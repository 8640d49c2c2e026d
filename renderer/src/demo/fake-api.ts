import { ContractError, createApi, createRequestHandler } from '../../../shared/contract';
import type {
  AppSettings,
  ConversationSummary,
  EventChannel,
  EventMap,
  Handlers,
  PigeonApi,
  Transport,
} from '../../../shared/contract';
import type { ChatMessage, Peer } from '../../../shared/model';
import { BROADCAST_ID, peerId } from '../../../shared/model';
import { createFakeDoctor } from './fake-doctor';
import { createFakeEcho } from './fake-echo';
import { fakeExport } from './fake-export';
import { createFakeFiles } from './fake-files';
import { createFakeLan } from './fake-network';
import { crowd, makePeer, samplePeers } from './sample-peers';
import { loadTestConversation, SAMPLE_UNREAD, sampleConversations } from './sample-messages';

/**
 * An in-memory engine behind the real contract (validation, envelopes, JSON on the wire), for
 * development, screenshots and the UI benchmark (demo.html). The query string picks the data:
 * ?firstRun=1, ?peers=1000, ?live=1, and ?messages=N for the size of the load-test conversation
 * (default 10,000; the UI benchmark varies it).
 */
export function createFakeApi(params: URLSearchParams): PigeonApi {
  const listeners = new Map<EventChannel, Set<(payload: unknown) => void>>();
  const emit = <E extends EventChannel>(channel: E, payload: EventMap[E]) => {
    const copy = JSON.parse(JSON.stringify(payload)) as unknown;
    for (const l of listeners.get(channel) ?? []) l(copy);
  };

  let firstRun = params.get('firstRun') === '1';
  let settings: AppSettings = {
    nick: firstRun ? 'chenchen' : '陈晨',
    group: firstRun ? '' : '研发部',
    user: 'chenchen',
    host: 'CHEN-PC',
    bind: '0.0.0.0',
    port: 2425,
    broadcast: [],
    unicastHosts: ['10.1.2.0/24'],
    language: 'system',
    theme: 'system',
    away: false,
    awayMessage: '',
    doNotDisturb: false,
    notifications: true,
    startAtLogin: false,
    minimizeToTray: true,
  };

  const peers = new Map<string, Peer>();
  for (const p of samplePeers()) peers.set(p.id, p);
  const extra = Number(params.get('peers') ?? 0);
  if (extra > 0) for (const p of crowd(Math.min(extra, 5000))) peers.set(p.id, p);

  const conversations = sampleConversations();
  const loadTest = '192.168.1.75:2425';
  const size = Number(params.get('messages') ?? 10_000);
  const count = Number.isInteger(size) ? Math.max(0, Math.min(size, 100_000)) : 10_000;
  conversations.set(loadTest, loadTestConversation(loadTest, count));
  const unread = new Map(Object.entries(SAMPLE_UNREAD));
  let nextId = 1;
  const totalUnread = () => [...unread.values()].reduce((a, b) => a + b, 0);
  /** As the engine does: the message is told first, then its delivery moves. */
  const tell = (message: ChatMessage) =>
    emit('chat:message', { message, peer: peers.get(message.peerId) ?? null });

  const deliver = (message: ChatMessage) => {
    const peer = peers.get(message.peerId);
    const update = (delivery: ChatMessage['delivery']) => {
      if (!delivery) return;
      message.delivery = delivery;
      emit('chat:delivery', { messageId: message.id, peerId: message.peerId, delivery });
    };
    window.setTimeout(() => update({ state: 'sent', attempts: 1 }), 120);
    if (peer?.online) {
      window.setTimeout(() => update({ state: 'delivered', at: Date.now() }), 450);
      if (peer.client === 'pigeon') window.setTimeout(() => reply(peer, '👍 收到 / got it'), 1600);
    } else {
      window.setTimeout(
        () =>
          update({
            state: 'failed',
            code: 'no-ack',
            params: {
              peer: `${peer?.nick ?? message.peerId}`,
              attempts: 5,
              seconds: 5,
              port: 2425,
            },
          }),
        4200,
      );
    }
  };

  const record = (message: ChatMessage) => {
    const list = conversations.get(message.peerId) ?? [];
    list.push(message);
    conversations.set(message.peerId, list);
  };

  const reply = (peer: Peer, text: string) => {
    const message = {
      id: `fake-${nextId++}`,
      peerId: peer.id,
      direction: 'in' as const,
      text,
      at: Date.now(),
      broadcast: false,
    };
    record(message);
    emit('chat:message', { message, peer });
    unread.set(peer.id, (unread.get(peer.id) ?? 0) + 1);
    emit('chat:unread', {
      peerId: peer.id,
      unread: unread.get(peer.id) ?? 0,
      total: totalUnread(),
    });
  };

  const outgoing = (to: string, text: string, broadcast: boolean): ChatMessage => ({
    id: `fake-${nextId++}`,
    peerId: to,
    direction: 'out',
    text,
    at: Date.now(),
    broadcast,
    ...(broadcast ? {} : { delivery: { state: 'queued' as const } }),
  });

  // Echo runs, size sweeps, broadcast reach, the doctor and interfaces, on a simulated LAN.
  const lan = createFakeLan({ peers: () => peers, settings: () => settings });
  const echo = createFakeEcho({ emit, peers: () => peers, lan });
  const doctor = createFakeDoctor({
    peers: () => peers,
    settings: () => settings,
    lan,
    echoRuns: () => echo.results(),
  });

  // Transfers, and the page's file bridge (what the browser host's upload does, in memory).
  const files = createFakeFiles({ emit, record, nextId: () => `fake-${nextId++}` });
  window.pigeonFiles = files.bridge;

  const handlers: Handlers = {
    'app:info': () => ({
      version: '0.1.0-demo',
      settings,
      firstRun,
      suggested: { nick: settings.user, group: settings.host },
      shell: 'browser',
      settingsProblems: [],
    }),
    'settings:get': () => settings,
    'settings:update': (patch) => {
      const before = settings;
      settings = { ...settings, ...patch };
      firstRun = false;
      emit('settings:changed', settings);
      const restartRequired = (['port', 'bind', 'broadcast', 'unicastHosts'] as const).some(
        (k) => JSON.stringify(before[k]) !== JSON.stringify(settings[k]),
      );
      return { settings, restartRequired };
    },
    'peers:list': () => [...peers.values()],
    'peers:refresh': () => null,
    'peers:add': ({ address, port = 2425 }) => {
      const id = peerId(address, port);
      if (!peers.has(id)) {
        window.setTimeout(() => {
          const peer = {
            ...makePeer(0, address, '', 'unknown', `HOST-${address.split('.').pop() ?? ''}`),
            id,
            address,
            port,
          };
          peers.set(id, peer);
          emit('peers:online', peer);
        }, 700);
      }
      return null;
    },
    'chat:conversations': () =>
      [...conversations.entries()].map(([id, list]): ConversationSummary => ({
        peerId: id,
        last: list[list.length - 1] ?? null,
        unread: unread.get(id) ?? 0,
      })),
    'chat:history': ({ peerId: id, before, limit = 100 }) => {
      const list = conversations.get(id) ?? [];
      const end = before === undefined ? list.length : list.findIndex((m) => m.id === before);
      const start = Math.max(0, end - limit);
      return { messages: list.slice(start, Math.max(end, 0)), more: start > 0, newer: false };
    },
    'history:search': ({ text, peerId: only, limit = 50 }) => {
      const needle = text.trim().toLowerCase();
      const hits = [];
      for (const [id, list] of conversations) {
        if (only !== undefined && id !== only) continue;
        for (const m of list) {
          const at = m.text.toLowerCase().indexOf(needle);
          if (at < 0) continue;
          const name = peers.get(id)?.nick ?? id;
          hits.push({
            message: m,
            conversation: { peerId: id, name },
            ranges: [[at, at + needle.length] as [number, number]],
          });
        }
      }
      return hits.sort((a, b) => b.message.at - a.message.at).slice(0, limit);
    },
    'history:export': ({ peerId: id, format }) => ({
      text: fakeExport(
        conversations.get(id) ?? [],
        {
          peerId: id,
          peer: id === BROADCAST_ID ? 'broadcast' : (peers.get(id)?.nick ?? id),
          me: settings.nick,
        },
        format,
      ),
    }),
    'history:delete': (req) => {
      if ('peerId' in req) {
        const n = conversations.get(req.peerId)?.length ?? 0;
        conversations.delete(req.peerId);
        emit('history:deleted', { scope: 'conversation', peerId: req.peerId });
        return { deleted: n };
      }
      if ('all' in req) {
        const n = [...conversations.values()].reduce((sum, l) => sum + l.length, 0);
        conversations.clear();
        emit('history:deleted', { scope: 'all' });
        return { deleted: n };
      }
      for (const [id, list] of conversations) {
        const next = list.filter((m) => m.id !== req.messageId);
        if (next.length !== list.length) {
          conversations.set(id, next);
          emit('history:deleted', { scope: 'message', peerId: id, messageIds: [req.messageId] });
          return { deleted: 1 };
        }
      }
      return { deleted: 0 };
    },
    'history:pin': ({ messageId, pinned }) => {
      for (const [id, list] of conversations) {
        const index = list.findIndex((m) => m.id === messageId);
        const found = list[index];
        if (!found) continue;
        const { pinned: _was, ...message } = found;
        const next = list.slice();
        next[index] = pinned ? { ...message, pinned: true } : message;
        conversations.set(id, next);
        emit('history:pinned', { peerId: id, messageId, pinned });
        return null;
      }
      throw new ContractError('not-found', `no message ${messageId} in the history`);
    },
    'chat:send': ({ to, text, sealed }) => ({
      ids: to.map((target) => {
        const id = target.includes(':') ? target : peerId(target, 2425);
        const message = outgoing(id, text, false);
        if (sealed) message.sealed = { openedAt: null };
        record(message);
        tell(message);
        deliver(message);
        return message.id;
      }),
    }),
    'chat:broadcast': ({ text }) => {
      const message = outgoing(BROADCAST_ID, text, true);
      record(message);
      tell(message);
      return { id: message.id };
    },
    'chat:retry': ({ messageId }) => {
      for (const list of conversations.values()) {
        const message = list.find((m) => m.id === messageId);
        if (message) {
          const again = outgoing(message.peerId, message.text, false);
          record(again);
          tell(again);
          deliver(again);
          return { id: again.id };
        }
      }
      throw new Error(`no message ${messageId}`);
    },
    // The demo delivers everything at once: nothing ever waits in its outbox.
    'chat:cancel-queued': ({ messageId }) => {
      throw new Error(`no message ${messageId} waits in the outbox`);
    },
    'chat:redirect-queued': ({ fromPeerId }) => {
      throw new Error(`no message waits in the outbox for ${fromPeerId}`);
    },
    'chat:mark-read': ({ peerId: id }) => {
      if (unread.delete(id)) emit('chat:unread', { peerId: id, unread: 0, total: totalUnread() });
      return null;
    },
    // The demo holds no sealed messages from others: only its own are sealed.
    'chat:open-sealed': ({ messageId }) => {
      throw new Error(`no sealed message ${messageId} waiting to be opened`);
    },
    ...echo.handlers,
    ...doctor,
    ...files.handlers,
  };

  const handle = createRequestHandler(handlers);
  const transport: Transport = {
    // JSON both ways, like the WebSocket host, so the fake catches what would not survive it.
    invoke: async (channel, payload) => {
      const reply = await handle(channel, JSON.parse(JSON.stringify(payload ?? null)));
      return JSON.parse(JSON.stringify(reply)) as typeof reply;
    },
    on(channel, listener) {
      const set = listeners.get(channel) ?? new Set();
      listeners.set(channel, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  };

  if (params.get('live') === '1') {
    const chatter = ['有空吗？', 'Lunch at 12?', '文件发你了', 'Build is green ✅', '开会了'];
    window.setInterval(() => {
      const online = [...peers.values()].filter((p) => p.online);
      const peer = online[Math.floor(Math.random() * online.length)];
      if (peer) reply(peer, chatter[Math.floor(Math.random() * chatter.length)] ?? '');
    }, 8000);
  }

  return createApi(transport);
}
