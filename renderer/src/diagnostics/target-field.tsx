import { useId, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { clientLabel } from '../peers/client-label';
import { useApp } from '../store/app-store';
import { peerLabel } from '../../../shared/text/hidden-chars';
import type { FormError } from './echo-form';
import { resolveTarget } from './echo-form';
import { setTarget, useEcho } from './echo-store';

/**
 * The peer or address every tool works on: type an address (with a port) or pick a peer from
 * the suggestions, which list online peers first. Shared by the tabs, so it keeps its value.
 */
export function TargetField({
  error,
  onEnter,
}: {
  error?: FormError | undefined;
  onEnter?: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const peers = useApp((s) => s.peers);
  const target = useEcho((s) => s.target);
  const options = useMemo(
    () =>
      [...peers.values()]
        .sort((a, b) => Number(b.online) - Number(a.online) || a.nick.localeCompare(b.nick))
        .slice(0, 500),
    [peers],
  );
  const resolved = target.trim() ? resolveTarget(target, peers.values()) : null;
  const peer = resolved && !('error' in resolved) ? resolved.peer : undefined;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <div className={`field target-field${error ? ' has-error' : ''}`}>
      <label htmlFor={id} className="field-label">
        {t('echo.target')}
      </label>
      <input
        id={id}
        className="input"
        list={`${id}-peers`}
        value={target}
        placeholder={t('echo.targetPlaceholder')}
        aria-invalid={Boolean(error)}
        aria-describedby={error ? errorId : hintId}
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => setTarget(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && onEnter) {
            e.preventDefault();
            onEnter();
          }
        }}
      />
      <datalist id={`${id}-peers`}>
        {options.map((p) => (
          <option key={p.id} value={p.id}>
            {`${peerLabel(p.nick || p.host)} · ${clientLabel(t, p.client)}${p.online ? '' : ` · ${t('peers.offline')}`}`}
          </option>
        ))}
      </datalist>
      {error ? (
        <p id={errorId} className="field-error">
          {t(error.key, error.values)}
        </p>
      ) : (
        <p id={hintId} className="field-hint target-hint">
          {peer ? (
            <span className="target-peer">
              <span
                className={`presence-dot${peer.online ? ' is-online' : ''}`}
                aria-hidden="true"
              />
              {t('echo.targetPeer', {
                nick: peerLabel(peer.nick || peer.host),
                client: clientLabel(t, peer.client),
              })}
            </span>
          ) : (
            t('echo.targetHint')
          )}
        </p>
      )}
    </div>
  );
}
