import type { ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { setView, useApp } from '../store/app-store';
import type { View } from '../store/app-state';
import { totalUnread } from '../store/app-state';
import { Avatar } from '../ui/avatar';
import { ChatIcon, EchoIcon, PeersIcon, SettingsIcon, TransfersIcon } from '../ui/icons';
import './rail.css';

const entries: { view: View; Icon: ComponentType<{ size?: number }> }[] = [
  { view: 'chats', Icon: ChatIcon },
  { view: 'peers', Icon: PeersIcon },
  { view: 'transfers', Icon: TransfersIcon },
  { view: 'echo', Icon: EchoIcon },
];

function RailButton({
  view,
  Icon,
  badge,
}: {
  view: View;
  Icon: (typeof entries)[number]['Icon'];
  badge?: number;
}) {
  const { t } = useTranslation();
  const current = useApp((s) => s.view);
  const label = t(`rail.${view}`);
  const badgeText = badge ? (badge > 99 ? '99+' : String(badge)) : '';
  // The badge sits beside the button, not in it: inside, its digits would join the visible label
  // ("Chats3") that speech users say, while the name says "Chats, 3 unread messages".
  return (
    <div className="rail-item">
      <button
        type="button"
        className="rail-button"
        aria-current={current === view ? 'page' : undefined}
        aria-label={badge ? `${label}, ${t('rail.unread', { count: badge })}` : label}
        title={label}
        onClick={() => setView(view)}
      >
        <Icon size={22} />
        <span className="rail-label">{label}</span>
      </button>
      {badgeText && (
        <span className="badge rail-badge" aria-hidden="true">
          {badgeText}
        </span>
      )}
    </div>
  );
}

/** The narrow column on the left: who I am, the sections, settings at the bottom. */
export function Rail() {
  const { t } = useTranslation();
  const nick = useApp((s) => s.settings?.nick ?? '');
  const host = useApp((s) => s.settings?.host ?? '');
  const unread = useApp(totalUnread);
  return (
    <nav className="rail" aria-label={t('rail.label')}>
      <div className="rail-me" title={t('rail.me', { nick })}>
        <Avatar colourKey={`${nick}@${host}`} nick={nick} size="md" />
      </div>
      {entries.map((e) => (
        <RailButton
          key={e.view}
          view={e.view}
          Icon={e.Icon}
          badge={e.view === 'chats' ? unread : 0}
        />
      ))}
      <div className="rail-spacer" />
      <RailButton view="settings" Icon={SettingsIcon} />
    </nav>
  );
}
