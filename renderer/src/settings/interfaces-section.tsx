import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { InterfaceInfo, InterfacesReport } from '../../../shared/model';
import { loadInterfaces, useEcho } from '../diagnostics/echo-store';
import { RefreshIcon } from '../ui/icons';
import { isBroadcastTarget, toggleBroadcastTarget } from './settings-form';

/** The interfaces report, fetched when Settings opens and after a network change. */
export function useInterfaces() {
  useEffect(() => {
    void loadInterfaces();
  }, []);
  return useEcho((s) => s.interfaces);
}

/** Interfaces whose broadcast address can be a target (loopback cannot). */
export function broadcastable(list: readonly InterfaceInfo[]): InterfaceInfo[] {
  const seen = new Set<string>();
  return list.filter((i) => {
    if (i.internal || seen.has(i.broadcast)) return false;
    seen.add(i.broadcast);
    return true;
  });
}

/**
 * Ticks for the interfaces' broadcast addresses, under the broadcast field they fill. The text
 * field stays the truth (and takes addresses no interface has, for other subnets).
 */
export function BroadcastPicker({
  value,
  onChange,
  interfaces,
}: {
  value: string;
  onChange: (value: string) => void;
  interfaces: readonly InterfaceInfo[];
}) {
  const { t } = useTranslation();
  const list = broadcastable(interfaces);
  if (list.length === 0) return null;
  const all = list.map((i) => i.broadcast);
  const auto = value.trim() === '';
  return (
    <fieldset className="broadcast-picker">
      <legend className="field-label">{t('settings.pickTargets')}</legend>
      <div className="broadcast-options">
        {list.map((i) => (
          <label key={i.broadcast} className="check broadcast-option">
            <input
              type="checkbox"
              checked={isBroadcastTarget(value, i.broadcast)}
              onChange={() => onChange(toggleBroadcastTarget(value, i.broadcast, all))}
            />
            <span>
              <span className="broadcast-address">{i.broadcast}</span>
              <span className="broadcast-name">{i.name}</span>
            </span>
          </label>
        ))}
      </div>
      {auto && <p className="field-hint">{t('settings.pickAuto')}</p>}
    </fieldset>
  );
}

/** Name, address, mask, broadcast address, MTU, and what Pigeon does on each interface. */
export function InterfacesSection({ report }: { report: InterfacesReport | null }) {
  const { t } = useTranslation();
  return (
    <section className="card" aria-labelledby="settings-interfaces">
      <div className="card-title-row">
        <h2 id="settings-interfaces">{t('settings.interfaces')}</h2>
        <button
          type="button"
          className="icon-button"
          aria-label={t('settings.refreshInterfaces')}
          title={t('settings.refreshInterfaces')}
          onClick={() => void loadInterfaces()}
        >
          <RefreshIcon size={16} />
        </button>
      </div>
      <p className="card-note interfaces-note">{t('settings.interfacesNote')}</p>
      {!report ? (
        <p className="card-note">{t('settings.interfacesLoading')}</p>
      ) : report.interfaces.length === 0 ? (
        <p className="card-note">{t('settings.interfacesNone')}</p>
      ) : (
        <div className="table-scroll">
          <table className="interfaces-table">
            <thead>
              <tr>
                <th scope="col">{t('settings.ifName')}</th>
                <th scope="col">{t('settings.ifAddress')}</th>
                <th scope="col">{t('settings.ifMask')}</th>
                <th scope="col">{t('settings.ifBroadcast')}</th>
                <th scope="col" className="num">
                  {t('settings.ifMtu')}
                </th>
                <th scope="col">{t('settings.ifPigeon')}</th>
              </tr>
            </thead>
            <tbody>
              {report.interfaces.map((i) => (
                <tr
                  key={`${i.name}-${i.address}`}
                  className={i.internal ? 'is-internal' : undefined}
                >
                  <th scope="row">{i.name}</th>
                  <td>
                    {i.address}
                    <span className="prefix">/{i.prefix}</span>
                  </td>
                  <td>{i.netmask}</td>
                  <td>{i.broadcast}</td>
                  <td className="num">{i.mtu ?? '–'}</td>
                  <td>
                    <span className="interface-tags">
                      {i.announced && (
                        <span className="tag tag-good">{t('settings.announces')}</span>
                      )}
                      {i.listening && !i.internal && (
                        <span className="tag tag-accent">{t('settings.listens')}</span>
                      )}
                      {i.internal && <span className="tag">{t('settings.loopback')}</span>}
                      {!i.announced && !i.internal && (
                        <span className="tag">{t('settings.unused')}</span>
                      )}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
