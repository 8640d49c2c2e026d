import { useEffect } from 'react';
import { FirstRun } from '../first-run/first-run';
import { applyLanguage } from '../i18n/i18n';
import { onWindowVisible, useApp } from '../store/app-store';
import { applyTheme } from '../theme/apply-theme';
import { Shell } from './shell';
import { StatusScreen } from './status-screen';

export function App() {
  const status = useApp((s) => s.status);
  const language = useApp((s) => s.settings?.language);
  const theme = useApp((s) => s.settings?.theme);
  const firstRun = useApp((s) => s.info?.firstRun ?? false);

  useEffect(() => applyLanguage(language), [language]);
  useEffect(() => applyTheme(theme), [theme]);
  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === 'visible') onWindowVisible();
    };
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('focus', onVisible);
    return () => {
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('focus', onVisible);
    };
  }, []);

  if (status !== 'ready') return <StatusScreen status={status} />;
  if (firstRun) return <FirstRun />;
  return <Shell />;
}
