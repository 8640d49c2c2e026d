import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import type { ClipboardEvent, KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LIMITS, utf8Length, type PickedItem } from '../../../shared/contract';
import { useFileDrop } from '../files/use-file-drop';
import {
  broadcastText,
  chooseFiles,
  offerFiles,
  sendText,
  stageFiles,
  useApp,
} from '../store/app-store';
import { BROADCAST_ID } from '../store/app-state';
import { peerLabel } from '../../../shared/text/hidden-chars';
import { CloseIcon, FolderIcon, PaperclipIcon, SendIcon, UsersPlusIcon } from '../ui/icons';
import { PeerText } from '../ui/peer-text';
import { getDraft, setDraft } from './drafts';
import { RecipientsDialog } from './recipients-dialog';
import './composer.css';

type ComposerProps =
  /** nick: a peerLabel (it goes into the placeholder). */
  { mode: 'peer'; peerId: string; nick: string; offline: boolean } | { mode: 'broadcast' };

const MAX_HEIGHT = 180;

/** Enter sends, Shift+Enter breaks the line; IME composition (pinyin) never sends early. */
export function Composer(props: ComposerProps) {
  const { t } = useTranslation();
  const draftKey = props.mode === 'peer' ? props.peerId : BROADCAST_ID;
  const [text, setText] = useState(() => getDraft(draftKey));
  const [extra, setExtra] = useState<readonly string[]>([]);
  const [picking, setPicking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [sealed, setSealed] = useState(false);
  const peers = useApp((s) => s.peers);
  const electron = useApp((s) => s.info?.shell === 'electron');
  const ref = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const peerId = props.mode === 'peer' ? props.peerId : null;

  const tooLong = utf8Length(text) > LIMITS.textBytes;
  const canSend = text.trim().length > 0 && !tooLong && !busy;

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, MAX_HEIGHT)}px`;
  }, [text]);

  useLayoutEffect(() => {
    ref.current?.focus({ preventScroll: true });
  }, [draftKey]);

  function update(value: string) {
    setText(value);
    setDraft(draftKey, value);
  }

  /**
   * The composer empties at once, so the next message can be written (and sent) while this one
   * is on its way: the engine takes requests in order, so they go in order. Waiting for the
   * answer first lost what was typed meanwhile (the answer cleared it) and ignored its Enter.
   */
  async function send() {
    if (!canSend) return;
    const words = text;
    const recipients = extra;
    update('');
    setExtra([]);
    const ok =
      props.mode === 'peer'
        ? await sendText([props.peerId, ...recipients], words, sealed)
        : await broadcastText(words);
    // Not sent (the notice says why): the words come back, unless the next one is under way.
    if (!ok && (ref.current?.value ?? '') === '') {
      update(words);
      setExtra(recipients);
    }
    ref.current?.focus();
  }

  /**
   * Files go at once, as their own message, with whatever is typed as its text (no staging area
   * of chips: one action, one message, as in IP Messenger). The text stays if it is too long.
   */
  const offer = useCallback(
    async (picks: readonly PickedItem[]) => {
      if (!peerId || picks.length === 0) return;
      const words = ref.current?.value ?? '';
      const withText = utf8Length(words) <= LIMITS.textBytes ? words : '';
      setBusy(true);
      const ok = await offerFiles(peerId, picks, withText);
      setBusy(false);
      if (ok && withText) {
        setText('');
        setDraft(peerId, '');
      }
      ref.current?.focus();
    },
    [peerId],
  );

  const offerDropped = useCallback(
    async (files: readonly File[]) => offer(await stageFiles(files, t('files.noBridge'))),
    [offer, t],
  );
  const onDrop = useCallback((files: File[]) => void offerDropped(files), [offerDropped]);
  const dragging = useFileDrop(ref, '.conversation', peerId ? onDrop : null);

  function onPaste(e: ClipboardEvent<HTMLTextAreaElement>) {
    const files = Array.from(e.clipboardData.files);
    if (!peerId || files.length === 0) return;
    e.preventDefault();
    void offerDropped(files);
  }

  async function attach(kind: 'files' | 'folder') {
    if (electron) return offer(await chooseFiles(kind));
    fileInput.current?.click();
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key !== 'Enter' || e.shiftKey || e.altKey) return;
    // keyCode 229: the IME still owns this Enter (choosing a candidate), Safari/Chromium alike.
    if (e.nativeEvent.isComposing || e.keyCode === 229) return;
    e.preventDefault();
    void send();
  }

  const placeholder =
    props.mode === 'peer'
      ? t('composer.placeholder', { nick: props.nick })
      : t('composer.placeholderBroadcast');

  return (
    <div className="composer">
      {props.mode === 'peer' && extra.length > 0 && (
        <div className="composer-recipients">
          <span className="composer-recipients-label">{t('composer.alsoTo')}</span>
          {extra.map((id) => {
            const nick = peers.get(id)?.nick || id;
            return (
              <span key={id} className="chip">
                <span className="chip-text">
                  <PeerText text={nick} />
                </span>
                <button
                  type="button"
                  className="chip-remove"
                  aria-label={t('composer.removeRecipient', { nick: peerLabel(nick) })}
                  onClick={() => setExtra((list) => list.filter((x) => x !== id))}
                >
                  <CloseIcon size={12} />
                </button>
              </span>
            );
          })}
        </div>
      )}
      <div className="composer-box">
        <textarea
          ref={ref}
          className="composer-input"
          rows={1}
          value={text}
          placeholder={placeholder}
          aria-label={t('composer.label')}
          aria-invalid={tooLong}
          onChange={(e) => update(e.target.value)}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
        />
        <div className="composer-bar">
          {props.mode === 'peer' && (
            <>
              <button
                type="button"
                className="icon-button composer-attach"
                aria-label={electron ? t('files.attachFiles') : t('files.attach')}
                title={electron ? t('files.attachFiles') : t('files.attach')}
                disabled={busy}
                onClick={() => void attach('files')}
              >
                <PaperclipIcon size={18} />
              </button>
              {electron && (
                <button
                  type="button"
                  className="icon-button"
                  aria-label={t('files.attachFolder')}
                  title={t('files.attachFolder')}
                  disabled={busy}
                  onClick={() => void attach('folder')}
                >
                  <FolderIcon size={18} />
                </button>
              )}
              {!electron && (
                // The browser host: the browser's own picker, then an upload (pigeonFiles.stage).
                <input
                  ref={fileInput}
                  className="composer-file-input"
                  type="file"
                  multiple
                  hidden
                  aria-label={t('files.attach')}
                  onChange={(e) => {
                    const files = Array.from(e.target.files ?? []);
                    e.target.value = '';
                    if (files.length > 0) void offerDropped(files);
                  }}
                />
              )}
            </>
          )}
          {props.mode === 'peer' && (
            <button
              type="button"
              className="icon-button"
              aria-label={t('composer.sendToSeveral')}
              title={t('composer.sendToSeveral')}
              onClick={() => setPicking(true)}
            >
              <UsersPlusIcon size={18} />
            </button>
          )}
          {props.mode === 'peer' && (
            <label className="composer-sealed" title={t('sealed.sendHint')}>
              <input
                type="checkbox"
                checked={sealed}
                onChange={(e) => setSealed(e.target.checked)}
              />
              <span>{t('sealed.send')}</span>
            </label>
          )}
          <span
            className={`composer-hint${tooLong ? ' is-error' : ''}`}
            role={tooLong ? 'alert' : undefined}
          >
            {tooLong
              ? t('composer.tooLong')
              : props.mode === 'peer' && props.offline
                ? t('composer.offline', { nick: props.nick })
                : t('composer.hint')}
          </span>
          <button
            type="button"
            className="button button-primary composer-send"
            disabled={!canSend}
            onClick={() => void send()}
          >
            <SendIcon size={16} />
            <span>{t('composer.send')}</span>
          </button>
        </div>
      </div>
      {dragging && props.mode === 'peer' && (
        <p className="drop-hint" role="status">
          {t('files.dropHere', { nick: props.nick })}
        </p>
      )}
      {picking && props.mode === 'peer' && (
        <RecipientsDialog
          exclude={props.peerId}
          selected={extra}
          onClose={(next) => {
            setExtra(next);
            setPicking(false);
            ref.current?.focus();
          }}
        />
      )}
    </div>
  );
}
