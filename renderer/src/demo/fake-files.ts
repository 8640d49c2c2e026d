import { ContractError } from '../../../shared/contract';
import type {
  EventChannel,
  EventMap,
  Handlers,
  PickedItem,
  PigeonFiles,
} from '../../../shared/contract';
import type { ChatMessage, OfferedItem, Transfer, TransferState } from '../../../shared/model';

type FileHandlers = Pick<Handlers, Extract<keyof Handlers, `files:${string}`>>;
type Emit = <E extends EventChannel>(channel: E, payload: EventMap[E]) => void;

const ALICE = '192.168.1.31:2425';
const LINA = '192.168.1.45:2425';
const DAY = 86_400_000;
/** How fast the fake moves bytes: slow enough to watch the bar. */
const RATE = 3 * 1024 * 1024;
const TICK_MS = 400;

/**
 * File transfers for the demo: an incoming offer from Alice waiting for an answer, a file going
 * out to her with progress, a declined offer from iptux and one that failed, and picks, offers,
 * accepts, declines, cancels and retries that move through the same states as the engine's.
 */
export function createFakeFiles(deps: {
  emit: Emit;
  record: (message: ChatMessage) => void;
  nextId: () => string;
}): { handlers: FileHandlers; bridge: PigeonFiles } {
  const transfers = new Map<string, Transfer>();
  const picks = new Map<string, PickedItem>();
  const timers = new Map<string, number>();
  let fileId = 1;
  const now = Date.now();

  const set = (t: Transfer, state: TransferState, extra: Partial<Transfer> = {}) => {
    const next = { ...t, ...extra, state };
    transfers.set(t.id, next);
    deps.emit('files:transfer', next);
    return next;
  };

  const make = (
    peerId: string,
    direction: 'in' | 'out',
    offerId: string,
    item: Omit<OfferedItem, 'fileId' | 'mtime'>,
    state: TransferState,
    extra: Partial<Transfer> = {},
  ): Transfer => {
    const t: Transfer = {
      id: `tr-${deps.nextId()}`,
      peerId,
      direction,
      offerId,
      item: { ...item, fileId: fileId++, mtime: Math.floor(now / 1000) },
      state,
      bytes: 0,
      at: Date.now(),
      expiresAt: Date.now() + DAY,
      ...extra,
    };
    transfers.set(t.id, t);
    return t;
  };

  const message = (peerId: string, direction: 'in' | 'out', text: string, files: Transfer[]) => {
    const m: ChatMessage = {
      id: deps.nextId(),
      peerId,
      direction,
      text,
      at: files[0]?.at ?? Date.now(),
      broadcast: false,
      files: files.map((f) => f.id),
      ...(direction === 'out' ? { delivery: { state: 'delivered' as const, at: Date.now() } } : {}),
    };
    deps.record(m);
    return m;
  };

  /** Moves bytes until done; a folder counts files too. */
  const run = (id: string) => {
    window.clearInterval(timers.get(id));
    const timer = window.setInterval(() => {
      const t = transfers.get(id);
      if (!t || (t.state.state !== 'transferring' && t.state.state !== 'waiting')) {
        window.clearInterval(timer);
        return;
      }
      const total = t.item.size;
      const bytes = Math.min(total, t.bytes + (RATE * TICK_MS) / 1000);
      if (bytes >= total) {
        window.clearInterval(timer);
        set(
          t,
          { state: 'done', at: Date.now() },
          {
            bytes: total,
            rate: undefined,
            ...(t.direction === 'in'
              ? { savedAs: `/home/demo/Downloads/${t.item.name}`, verified: 'hash' as const }
              : {}),
          },
        );
      } else set(t, { state: 'transferring' }, { bytes, rate: RATE });
    }, TICK_MS);
    timers.set(id, timer);
  };

  // Seeds: what the demo opens with.
  const offerIn = [
    make(
      ALICE,
      'in',
      '9001',
      { name: '设计稿 v3.fig', kind: 'file', size: 12_884_901 },
      { state: 'offered' },
    ),
    make(ALICE, 'in', '9001', { name: 'icons', kind: 'folder', size: -1 }, { state: 'offered' }),
  ];
  message(ALICE, 'in', '新图标和设计稿，帮忙看看 / new icons and the mock-up', offerIn);
  const sending = make(
    ALICE,
    'out',
    '9002',
    { name: 'release-notes-0.2.pdf', kind: 'file', size: 480 * 1024 * 1024 },
    { state: 'transferring' },
    { bytes: 96 * 1024 * 1024, rate: RATE },
  );
  message(ALICE, 'out', '', [sending]);
  const declined = make(
    LINA,
    'in',
    '9003',
    { name: '周报.docx', kind: 'file', size: 48_210 },
    { state: 'declined' },
  );
  const failed = make(
    LINA,
    'in',
    '9004',
    { name: 'screenshot.png', kind: 'file', size: 2_315_112 },
    { state: 'interrupted', code: 'file-connect', params: { error: 'ECONNREFUSED' } },
    { bytes: 1_048_576 },
  );
  message(LINA, 'in', '本周周报', [declined]);
  message(LINA, 'in', '', [failed]);
  window.setTimeout(() => run(sending.id), 0);

  const get = (id: string): Transfer => {
    const t = transfers.get(id);
    if (!t) throw new ContractError('not-found', `no transfer ${id}`);
    return t;
  };

  const bridge: PigeonFiles = {
    // The demo has no host to upload to: it remembers names and sizes only.
    stage: (files) =>
      Promise.resolve({
        ok: true,
        value: files.map((f) => {
          const pick = {
            pick: `pick-${deps.nextId()}`,
            name: f.name,
            kind: 'file' as const,
            size: f.size,
          };
          picks.set(pick.pick, pick);
          return pick;
        }),
      }),
    downloadUrl: (id) => `data:text/plain,${encodeURIComponent(`demo: ${get(id).item.name}`)}`,
  };

  const handlers: FileHandlers = {
    'files:list': () => [...transfers.values()],
    'files:choose': ({ kind }) => {
      const pick: PickedItem =
        kind === 'folder'
          ? { pick: `pick-${deps.nextId()}`, name: 'photos', kind: 'folder', size: 35_000_000 }
          : { pick: `pick-${deps.nextId()}`, name: '报告.pdf', kind: 'file', size: 2_400_000 };
      picks.set(pick.pick, pick);
      return [pick];
    },
    'files:offer': ({ to, picks: ids, text }) => {
      const offerId = deps.nextId();
      const items = ids.map((id) => {
        const p = picks.get(id);
        if (!p) throw new ContractError('not-found', `no pick ${id}`);
        return make(
          to,
          'out',
          offerId,
          { name: p.name, kind: p.kind, size: p.size },
          { state: 'offered' },
        );
      });
      const m = message(to, 'out', text ?? '', items);
      deps.emit('chat:message', { message: m, peer: null });
      for (const t of items) deps.emit('files:transfer', t);
      // The peer fetches them a little later.
      for (const t of items)
        window.setTimeout(() => run(set(get(t.id), { state: 'waiting' }).id), 1500);
      return { offerId, transferIds: items.map((t) => t.id) };
    },
    'files:accept': ({ transferIds }) => {
      for (const id of transferIds) {
        const t = get(id);
        if (t.item.kind === 'folder' && t.item.size < 0)
          set(t, { state: 'waiting' }, { item: { ...t.item, size: 20_000_000 } });
        else set(t, { state: 'waiting' });
        run(id);
      }
      return null;
    },
    'files:decline': ({ transferIds }) => {
      for (const id of transferIds) set(get(id), { state: 'declined' });
      return null;
    },
    'files:cancel': ({ transferId }) => {
      window.clearInterval(timers.get(transferId));
      set(get(transferId), { state: 'cancelled', by: 'us' }, { rate: undefined });
      return null;
    },
    'files:retry': ({ transferId }) => {
      set(get(transferId), { state: 'waiting' });
      run(transferId);
      return null;
    },
    'files:open': () => {
      throw new ContractError('unsupported', 'the demo has no files to open');
    },
  };
  return { handlers, bridge };
}
