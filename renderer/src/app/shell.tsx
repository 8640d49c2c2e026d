import { ConversationPane } from '../chat/conversation-pane';
import { EchoPanel } from '../diagnostics/echo-panel';
import { TransfersView } from '../files/transfers-view';
import { SettingsView } from '../settings/settings-view';
import { useApp } from '../store/app-store';
import { EngineBanner } from './engine-banner';
import { Notices } from './notices';
import { SettingsFileBanner } from './settings-file-banner';
import { Rail } from './rail';
import { Sidebar } from './sidebar';
import './shell.css';

/** The one window: rail, then either list + conversation, transfers, the echo panel, or settings. */
export function Shell() {
  const view = useApp((s) => s.view);
  return (
    <div className="shell">
      <Rail />
      <div className="shell-content">
        <EngineBanner />
        <SettingsFileBanner />
        <div className="shell-body">
          {view === 'settings' && <SettingsView />}
          {view === 'echo' && <EchoPanel />}
          {view === 'transfers' && <TransfersView />}
          {(view === 'chats' || view === 'peers') && (
            <>
              <Sidebar view={view} />
              <ConversationPane />
            </>
          )}
          {/* Inside the body, so a notice never covers a banner (the banner it may point to). */}
          <Notices />
        </div>
      </div>
    </div>
  );
}
