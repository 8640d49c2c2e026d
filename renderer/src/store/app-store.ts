import type {
  HistoryDeleted,
  MessageEvent,
  PickedItem,
  PigeonApi,
  Result,
  SettingsPatch,
  SettingsUpdateResult,
  UnreadUpdate,
} from '../../../shared/contract';
import {
  appendMessages,
  applyDeleted,
  applySummaries,
  applyDelivery,
  applyOpened,
  applyPinned,
  BROADCAST_ID,
  initialState,
  mergeHistory,
  openHistoryAt,
  withMember,
  replacePeers,
  setUnread,
  upsertPeer,
} from './app-state';
import type {
  HistoryDeleteRequest,
  HistoryExportFormat,
  HistorySearchHit,
} from '../../../shared/model';
import type { AppState, Notice, View } from './app-state';
import { createStore, useStore } from './create-store';
import { isSettingsFileProblem } from './settings-problems';
import { outcomeText } from '../../../shared/model/texts';
import i18next from 'i18next';
import { replaceTransfers, upsertTransfer } from '../files/transfers-state';

export const store = createStore<AppState>(initialState);

export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(store, selector);
}

let api: PigeonApi | null = null;
let noticeId = 0;

function requireApi(): PigeonApi {
  if (!api) throw new Error('the Pigeon API is not connected');
  return api;
}

export function notify(kind: Notice['kind'], text: string): void {
  const notice = { id: ++noticeId, kind, text };
  store.set((s) => ({ ...s, notices: [...s.notices.slice(-3), notice] }));
  window.setTimeout(() => dismissNotice(notice.id), kind === 'error' ? 8000 : 4000);
}

export function dismissNotice(id: number): void {
  store.set((s) =>
    s.notices.some((n) => n.id === id)
      ? { ...s, notices: s.notices.filter((n) => n.id !== id) }
      : s,
  );
}

/** Unwraps an envelope, telling the person about a failure. */
function value<T>(result: Result<T>): T | undefined {
  if (result.ok) return result.value;
  notify('error', result.error.message);
  return undefined;
}

function isVisible(): boolean {
  return document.visibilityState === 'visible';
}

/** Is the person looking at this conversation right now? Then what arrives there is read. */
function reading(peerId: string): boolean {
  const s = store.get();
  return s.activeId === peerId && s.view !== 'settings' && s.view !== 'transfers' && isVisible();
}

function onMessage({ message, peer }: MessageEvent): void {
  store.set((s) => appendMessages(peer ? upsertPeer(s, peer) : s, [message]));
}

function onUnread({ peerId, unread }: UnreadUpdate): void {
  // The engine counts; this page only says what it has shown.
  if (unread > 0 && reading(peerId)) {
    void api?.chat.markRead({ peerId });
    return;
  }
  store.set((s) => setUnread(s, peerId, unread));
}

const deletionListeners = new Set<(deleted: HistoryDeleted) => void>();

/** Told of every deletion (search results hold their own copies of messages); returns the undo. */
export function onHistoryDeleted(listener: (deleted: HistoryDeleted) => void): () => void {
  deletionListeners.add(listener);
  return () => {
    deletionListeners.delete(listener);
  };
}

function onDeleted(deleted: HistoryDeleted): void {
  const before = store.get();
  store.set((s) => applyDeleted(s, deleted));
  for (const listener of deletionListeners) listener(deleted);
  // The chat list showed the conversation by the message just deleted: whatever is older in
  // the history takes its place (or the conversation leaves the list).
  if (
    deleted.scope === 'message' &&
    before.conversations.has(deleted.peerId) &&
    !store.get().conversations.has(deleted.peerId)
  )
    void api?.chat.conversations().then((r) => {
      const last = r.ok ? r.value.find((c) => c.peerId === deleted.peerId)?.last : undefined;
      if (last) store.set((s) => appendMessages(s, [last]));
    });
}

function subscribe(a: PigeonApi): void {
  a.on('peers:online', (p) => store.set((s) => upsertPeer(s, p)));
  a.on('peers:changed', (p) => store.set((s) => upsertPeer(s, p)));
  a.on('peers:offline', (p) => store.set((s) => upsertPeer(s, { ...p, online: false })));
  a.on('chat:message', onMessage);
  a.on('chat:delivery', (u) => store.set((s) => applyDelivery(s, u)));
  a.on('chat:unread', onUnread);
  a.on('chat:opened', (o) => store.set((s) => applyOpened(s, o)));
  a.on('history:deleted', onDeleted);
  a.on('history:pinned', (p) => store.set((s) => applyPinned(s, p.peerId, p.messageId, p.pinned)));
  a.on('files:transfer', (t) =>
    store.set((s) => ({ ...s, transfers: upsertTransfer(s.transfers, t) })),
  );
  a.on('engine:error', (e) =>
    store.set((s) =>
      isSettingsFileProblem(e)
        ? { ...s, settingsProblems: [...s.settingsProblems, e] }
        : { ...s, engineError: e },
    ),
  );
  a.on('engine:ready', () => store.set((s) => ({ ...s, engineError: null })));
  a.on('settings:changed', (settings) => store.set((s) => ({ ...s, settings })));
  a.on('ui:open-conversation', ({ peerId }) => {
    setView('chats');
    openConversation(peerId);
  });
}

export async function connect(a: PigeonApi | null): Promise<void> {
  if (!a) {
    store.set((s) => ({ ...s, status: 'no-host' }));
    return;
  }
  api = a;
  subscribe(a);
  const [info, peers, summaries, transfers] = await Promise.all([
    a.app.info(),
    a.peers.list(),
    a.chat.conversations(),
    a.files.list(),
  ]);
  if (!info.ok) {
    store.set((s) => ({ ...s, status: 'error', loadError: info.error.message }));
    return;
  }
  store.set((s) => {
    let next = peers.ok ? replacePeers(s, peers.value) : s;
    if (summaries.ok) next = applySummaries(next, summaries.value);
    // The host answers in order on one channel: events told before this answer are in it.
    if (transfers.ok) next = { ...next, transfers: replaceTransfers(transfers.value) };
    // Nothing to read yet (a new install, a fresh browser host): open on the people around.
    const view = summaries.ok && summaries.value.length === 0 ? 'peers' : next.view;
    return {
      ...next,
      view,
      status: 'ready',
      info: info.value,
      settings: info.value.settings,
      settingsProblems: info.value.settingsProblems,
    };
  });
  if (!peers.ok) notify('error', peers.error.message);
}

export function setView(view: View): void {
  store.set((s) => (s.view === view ? s : { ...s, view }));
}

export function openConversation(id: string | null): void {
  store.set((s) => ({ ...s, activeId: id, focus: null }));
  if (!id) return;
  const a = requireApi();
  if (id !== BROADCAST_ID && store.get().unread.get(id)) void a.chat.markRead({ peerId: id });
  if (!store.get().historyLoaded.has(id)) {
    void a.chat.history({ peerId: id }).then((r) => {
      const page = value(r);
      if (page) store.set((s) => mergeHistory(s, id, page.messages, page.more));
    });
  }
}

/** Opens a conversation at a message (a search hit), marked until another is opened. */
export async function openConversationAt(peerId: string, messageId: string): Promise<void> {
  const a = requireApi();
  const page = value(await a.chat.history({ peerId, around: messageId, limit: 100 }));
  if (!page) return;
  store.set((s) => ({ ...openHistoryAt(s, peerId, page, messageId), view: 'chats' }));
  if (peerId !== BROADCAST_ID && store.get().unread.get(peerId)) void a.chat.markRead({ peerId });
}

/** The page after the newest loaded message, when the conversation was opened at a hit. */
export async function loadNewer(id: string): Promise<void> {
  const s = store.get();
  const list = s.conversations.get(id);
  const newest = list?.[list.length - 1];
  if (!newest || !s.historyNewer.has(id) || loadingOlder.has(`>${id}`)) return;
  loadingOlder.add(`>${id}`);
  try {
    const page = value(await requireApi().chat.history({ peerId: id, after: newest.id }));
    if (page)
      store.set((st) => ({
        ...mergeHistory(st, id, page.messages),
        historyNewer: withMember(st.historyNewer, id, page.newer),
      }));
  } finally {
    loadingOlder.delete(`>${id}`);
  }
}

/** Full-text search across conversations (history:search). */
export async function searchHistory(text: string): Promise<HistorySearchHit[] | undefined> {
  return value(await requireApi().history.search({ text, limit: 50 }));
}

/**
 * Deletes a message, a conversation or everything (history:delete). The caller shows the
 * outcome (a confirmation dialog keeps its error in view); what goes arrives as history:deleted.
 */
export async function deleteHistory(
  which: HistoryDeleteRequest,
): Promise<Result<{ deleted: number }>> {
  return requireApi().history.delete(which);
}

/**
 * Pins or unpins a message (history:pin); this window shows the mark at once, every other
 * window when history:pinned reaches it.
 */
export async function pinMessage(
  message: { id: string; peerId: string },
  pinned: boolean,
): Promise<boolean> {
  const done =
    value(await requireApi().history.pin({ messageId: message.id, pinned })) !== undefined;
  if (done) store.set((s) => applyPinned(s, message.peerId, message.id, pinned));
  return done;
}

/** A conversation as one file's text (history:export), for the caller to save. */
export async function exportHistory(
  peerId: string,
  format: HistoryExportFormat,
): Promise<Result<{ text: string }>> {
  return requireApi().history.export({ peerId, format });
}

const loadingOlder = new Set<string>();

/** The page before the oldest loaded message (scrolling up); one request at a time. */
export async function loadOlder(id: string): Promise<void> {
  const s = store.get();
  const oldest = s.conversations.get(id)?.[0];
  if (!oldest || !s.historyMore.has(id) || loadingOlder.has(id)) return;
  loadingOlder.add(id);
  try {
    const page = value(await requireApi().chat.history({ peerId: id, before: oldest.id }));
    if (page) store.set((st) => mergeHistory(st, id, page.messages, page.more));
  } finally {
    loadingOlder.delete(id);
  }
}

/** Marks the open conversation read when the window comes back into view. */
export function onWindowVisible(): void {
  const { activeId, unread } = store.get();
  if (!activeId || !unread.get(activeId)) return;
  void api?.chat.markRead({ peerId: activeId });
}

/** The messages themselves arrive as chat:message events, in every window alike. */
export async function sendText(
  to: readonly string[],
  text: string,
  sealed = false,
): Promise<boolean> {
  const payload = sealed ? { to: [...to], text, sealed } : { to: [...to], text };
  return value(await requireApi().chat.send(payload)) !== undefined;
}

/** Opens a sealed message that arrived: its sender is told, every window shows the text. */
export async function openSealed(messageId: string): Promise<void> {
  const opened = value(await requireApi().chat.openSealed({ messageId }));
  if (opened)
    store.set((s) =>
      applyOpened(s, {
        messageId,
        peerId: opened.peerId,
        openedAt: opened.sealed?.openedAt ?? Date.now(),
        text: opened.text,
      }),
    );
}

export async function broadcastText(text: string): Promise<boolean> {
  return value(await requireApi().chat.broadcast({ text })) !== undefined;
}

/** A failed message goes again as a new message (the engine tells it like any other). */
export async function retryMessage(messageId: string): Promise<void> {
  value(await requireApi().chat.retry({ messageId }));
}

/**
 * The person's answer to an address-change notice: what waits for `fromPeerId` goes to
 * `toPeerId`; the copies arrive as chat:message, the old ones' 'redirected' as chat:delivery.
 */
export async function redirectQueued(fromPeerId: string, toPeerId: string): Promise<void> {
  value(await requireApi().chat.redirectQueued({ fromPeerId, toPeerId }));
}

/** Takes a message out of the outbox; its 'cancelled' state arrives as a chat:delivery. */
export async function cancelQueued(messageId: string): Promise<void> {
  value(await requireApi().chat.cancelQueued({ messageId }));
}

export async function addPeer(address: string, port?: number): Promise<boolean> {
  const payload = port === undefined ? { address } : { address, port };
  return value(await requireApi().peers.add(payload)) !== undefined;
}

export async function refreshPeers(): Promise<void> {
  const a = requireApi();
  if (value(await a.peers.refresh()) === undefined) return;
  const peers = value(await a.peers.list());
  if (peers) store.set((s) => replacePeers(s, peers));
}

export async function updateSettings(
  patch: SettingsPatch,
): Promise<SettingsUpdateResult | undefined> {
  const result = await requireApi().settings.update(patch);
  if (!result.ok && result.error.code === 'settings-not-saved') {
    // The file is kept as it is (newer or unreadable); say so in the person's language.
    const file = store.get().settingsProblems[0]?.params.file ?? 'settings.json';
    notify(
      'error',
      outcomeText(
        { code: 'settings-not-saved', params: { file } },
        i18next.language === 'zh-CN' ? 'zh-CN' : 'en',
      ),
    );
    return undefined;
  }
  const r = value(result);
  if (!r) return undefined;
  store.set((s) => ({
    ...s,
    settings: r.settings,
    info: s.info ? { ...s.info, firstRun: false, settings: r.settings } : s.info,
  }));
  return r;
}

export function dismissSettingsProblems(): void {
  store.set((s) => ({ ...s, settingsProblems: [] }));
}

export function dismissEngineError(): void {
  store.set((s) => ({ ...s, engineError: null }));
}

// ---- files ------------------------------------------------------------------------------------

/** Offers picks to one peer; the message and its transfers arrive as events, like a text. */
export async function offerFiles(
  to: string,
  picks: readonly PickedItem[],
  text: string,
): Promise<boolean> {
  if (picks.length === 0) return false;
  const payload = { to, picks: picks.map((p) => p.pick), ...(text.trim() ? { text } : {}) };
  return value(await requireApi().files.offer(payload)) !== undefined;
}

/** The desktop app's native dialog; an empty list when the person closed it. */
export async function chooseFiles(kind: 'files' | 'folder'): Promise<PickedItem[]> {
  return value(await requireApi().files.choose({ kind })) ?? [];
}

/** Dropped, pasted or chosen File objects, handed to the host (window.pigeonFiles). */
export async function stageFiles(files: readonly File[], noBridge: string): Promise<PickedItem[]> {
  const bridge = window.pigeonFiles;
  if (!bridge) {
    notify('error', noBridge);
    return [];
  }
  return value(await bridge.stage([...files])) ?? [];
}

export async function acceptTransfers(transferIds: readonly string[]): Promise<void> {
  value(await requireApi().files.accept({ transferIds: [...transferIds] }));
}

/** Desktop app: the person picks the folder in a native dialog, then the items go there. */
export async function acceptTransfersInto(transferIds: readonly string[]): Promise<void> {
  const picked = value(await requireApi().files.choose({ kind: 'folder' }));
  const folder = picked?.[0];
  if (!folder) return; // the dialog was cancelled
  value(await requireApi().files.accept({ transferIds: [...transferIds], into: folder.pick }));
}

export async function declineTransfers(transferIds: readonly string[]): Promise<void> {
  value(await requireApi().files.decline({ transferIds: [...transferIds] }));
}

export async function cancelTransfer(transferId: string): Promise<void> {
  value(await requireApi().files.cancel({ transferId }));
}

export async function retryTransfer(transferId: string): Promise<void> {
  value(await requireApi().files.retry({ transferId }));
}

/** Desktop app only: opens the received file, or shows it in its folder. */
export async function openTransfer(transferId: string, reveal: boolean): Promise<void> {
  value(await requireApi().files.open({ transferId, reveal }));
}
